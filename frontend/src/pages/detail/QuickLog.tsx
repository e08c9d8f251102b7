import { useState } from 'react';
import { App, Button, Card, Form, Input, Radio } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { LogInteractionMutation } from '../../api/operations';
import type { InteractionChannel, InteractionInput } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { CHANNEL_LABELS, enumValues } from '../../i18n/enums';
import { ChannelIcon } from '../../components/ChannelIcon';
import { ErrorAlert } from '../../components/States';
import { applyServerErrors } from '../../lib/formErrors';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToTime } from '../../lib/money';
import { guardEnter } from '../../lib/enterKey';
import { DateField } from '../../components/DateField';

interface QuickValues {
  channel: InteractionChannel;
  summary: string;
  nextWhat?: string;
  nextDue?: Dayjs | null;
}

const known = knownNames(['channel', 'summary', 'nextWhat', 'nextDue']);
const rename = (n: (string | number)[]) =>
  n[0] === 'nextAction' ? [n[1] === 'due' ? 'nextDue' : 'nextWhat'] : n;

/** Log an interaction in two clicks: pick the channel, type, press Log. */
export function QuickLog({ customerId, onLogged }: { customerId: string; onLogged: () => Promise<unknown> }) {
  const { t, label, problemText, reasonText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<QuickValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const nextWhat = Form.useWatch('nextWhat', form);

  const submit = async (v: QuickValues) => {
    setSaving(true);
    setError(null);
    try {
      const input: InteractionInput = { channel: v.channel, summary: v.summary.trim() };
      if (v.nextWhat?.trim()) {
        input.nextAction = { what: v.nextWhat.trim(), due: dayjsToTime(v.nextDue ?? null) };
      }
      await request(LogInteractionMutation, { customerId, input });
      form.resetFields(['summary', 'nextWhat', 'nextDue']);
      message.success(t('interaction.logged'));
      await onLogged();
    } catch (e) {
      const res = applyServerErrors(form, e, known, problemText, rename);
      if (!res.onFields) setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small" title={t('quick.title')} style={{ marginBottom: 16 }} data-testid="quick-log">
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <Form<QuickValues> name="quickLog" form={form} layout="vertical" initialValues={{ channel: 'PHONE' }} onFinish={(v) => void submit(v)} onKeyDown={guardEnter(() => form.submit())} disabled={saving}>
        <Form.Item name="channel" label={t('interaction.channel')} style={{ marginBottom: 8 }}>
          <Radio.Group optionType="button" buttonStyle="solid" size="small" style={{ display: 'flex', flexWrap: 'wrap', rowGap: 4 }}>
            {enumValues(CHANNEL_LABELS).map((c) => (
              <Radio.Button key={c} value={c}>
                <ChannelIcon channel={c} /> {label(CHANNEL_LABELS, c)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="summary"
          label={t('interaction.summary')}
          rules={[{ required: true, whitespace: true, message: reasonText('REQUIRED') }]}
          style={{ marginBottom: 8 }}
        >
          <Input.TextArea
            placeholder={t('quick.placeholder')}
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={5000}
          />
        </Form.Item>
        <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 8, alignItems: 'flex-start' }}>
          <Form.Item name="nextWhat" noStyle>
            <Input placeholder={t('quick.nextPlaceholder')} aria-label={t('interaction.nextWhat')} maxLength={500} style={{ flex: '1 1 220px' }} />
          </Form.Item>
          <Form.Item name="nextDue" noStyle>
            <DateField
              withTime
              placeholder={t('interaction.nextDue')}
              aria-label={t('interaction.nextDue')}
              disabled={!nextWhat}
              min={dayjs()}
              style={{ flex: '1 1 200px', minWidth: 170 }}
            />
          </Form.Item>
        </div>
        <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={saving} data-testid="quick-log-save">
          {t('quick.save')}
        </Button>
      </Form>
    </Card>
  );
}
