import { useState } from 'react';
import { App, Button, DatePicker, Empty, Form, Input, InputNumber, List, Popconfirm, Progress, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { RecordSatisfactionMutation, RemoveSatisfactionMutation } from '../../api/operations';
import { isApiError } from '../../api/errors';
import { errorText } from '../../lib/errorText';
import { useI18n } from '../../i18n';
import { FormModal } from '../../components/FormModal';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToTime, formatTime } from '../../lib/money';
import type { SectionProps } from './types';

interface SatValues {
  score: number | null;
  at: Dayjs | null;
  comment: string;
}

const known = knownNames(['score', 'at', 'comment']);

function scoreColor(s: number): string {
  return s >= 80 ? '#52c41a' : s >= 60 ? '#faad14' : '#ff4d4f';
}

export function SatisfactionSection({ customer, canLog, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<SatValues>();
  const [open, setOpen] = useState(false);
  const results = [...customer.satisfaction].sort((a, b) => (a.at < b.at ? 1 : -1));

  const submit = async (v: SatValues) => {
    await request(RecordSatisfactionMutation, {
      customerId: customer.id,
      input: { score: v.score ?? 0, at: dayjsToTime(v.at), comment: v.comment?.trim() || null },
    });
    setOpen(false);
    message.success(t('common.saved'));
    await reload();
  };

  const remove = async (r: (typeof results)[number]) => {
    try {
      await request(RemoveSatisfactionMutation, { customerId: customer.id, resultId: r.id, expectedVersion: customer.version });
      message.success(t('sat.removed'));
    } catch (e) {
      message.error(isApiError(e) && e.isVersionConflict ? t('error.conflict') : errorText(e, i18n));
    }
    await reload();
  };

  return (
    <>
      {results.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sat.empty')} />
      ) : (
        <List
          dataSource={results}
          renderItem={(r) => (
            <List.Item
              key={r.id}
              data-testid="satisfaction-item"
              actions={
                canLog
                  ? [
                      <Popconfirm
                        key="r"
                        title={t('sat.confirmRemove')}
                        onConfirm={() => remove(r)}
                        okText={t('common.delete')}
                        okButtonProps={{ danger: true }}
                        cancelText={t('common.cancel')}
                      >
                        <Button size="small" type="link" danger icon={<DeleteOutlined />} aria-label={t('sat.removeOf', { score: r.score, at: formatTime(r.at) })}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>,
                    ]
                  : undefined
              }
            >
              <List.Item.Meta
                avatar={<Progress type="circle" percent={r.score} size={44} format={(p) => `${p}`} strokeColor={scoreColor(r.score)} />}
                title={formatTime(r.at)}
                description={<Typography.Text className="kehu-pre">{r.comment}</Typography.Text>}
              />
            </List.Item>
          )}
        />
      )}
      {canLog && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => setOpen(true)} style={{ marginTop: 8 }}>
          {t('sat.add')}
        </Button>
      )}
      <FormModal<SatValues>
        name="satisfaction"
        open={open}
        title={t('sat.add')}
        form={form}
        initialValues={{ score: null, at: dayjs(), comment: '' }}
        onCancel={() => setOpen(false)}
        onSubmit={submit}
        known={known}
      >
        <Form.Item name="score" label={t('sat.score')} extra={t('sat.scoreHint')} rules={[{ required: true, message: i18n.serverText('is required') }]}>
          <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
        <Form.Item name="at" label={t('sat.at')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="comment" label={t('sat.comment')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} />
        </Form.Item>
      </FormModal>
    </>
  );
}
