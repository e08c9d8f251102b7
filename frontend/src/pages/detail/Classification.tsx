import { useState } from 'react';
import { App, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Tag, Typography } from 'antd';
import { EditOutlined, UndoOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { ClearOverrideMutation, OverrideClassificationMutation } from '../../api/operations';
import type { ClassifiedValueFieldsFragment, Lifecycle, Tier } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { CLASSIFICATION_SOURCE_LABELS, LIFECYCLE_LABELS, VALUE_TIER_LABELS, type LabelMap } from '../../i18n/enums';
import { EnumTag } from '../../components/EnumTag';
import { EnumSelect } from '../../components/EnumSelect';
import { DateField } from '../../components/DateField';
import { FormModal } from '../../components/FormModal';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToDate, formatTime } from '../../lib/money';
import { errorText } from '../../lib/errorText';
import { colors } from '../../theme';
import type { SectionProps } from './types';

export interface OverrideValues {
  valueTier: Tier | null;
  lifecycle: Lifecycle | null;
  cadenceDays: number | null;
  reason: string;
  reviewOn: Dayjs | null;
}

const known = knownNames(['valueTier', 'lifecycle', 'cadenceDays', 'reason', 'reviewOn']);

/**
 * The override's variables: only the values that differ from what the
 * customer has now are held (an unchanged field is not overridden).
 */
export function overrideVariables(
  v: OverrideValues,
  now: { valueTier: Tier | null; lifecycle: Lifecycle | null; cadenceDays: number | null },
): { valueTier?: Tier; lifecycle?: Lifecycle; cadenceDays?: number; reason: string; reviewOn: string | null } {
  const out: ReturnType<typeof overrideVariables> = { reason: (v.reason ?? '').trim(), reviewOn: dayjsToDate(v.reviewOn) };
  if (v.valueTier && v.valueTier !== now.valueTier) out.valueTier = v.valueTier;
  if (v.lifecycle && v.lifecycle !== now.lifecycle) out.lifecycle = v.lifecycle;
  if (v.cadenceDays != null && v.cadenceDays !== now.cadenceDays) out.cadenceDays = v.cadenceDays;
  return out;
}

/** The classification: value tier, lifecycle stage and cadence, where each comes from and why; a manual override. */
export function ClassificationCard({ customer: c, canEdit, reload }: SectionProps) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<OverrideValues>();
  const [open, setOpen] = useState(false);
  const k = c.classification;
  const overridden = [k.valueTier, k.lifecycle, k.cadence].some((v) => v.override);
  const nextFollowUp = c.nextFollowUpAt ? dayjs(c.nextFollowUpAt) : null;
  const overdue = nextFollowUp !== null && nextFollowUp.isBefore(dayjs());

  const clear = async () => {
    try {
      await request(ClearOverrideMutation, { id: c.id, expectedVersion: c.version });
      message.success(t('class.cleared'));
    } catch (e) {
      message.error(errorText(e, i18n));
    }
    await reload();
  };

  const row = (title: string, v: ClassifiedValueFieldsFragment, shown: React.ReactNode, testid: string, suggested?: React.ReactNode) => (
    <div data-testid={testid} style={{ marginBottom: 10 }}>
      <Space size={4} wrap>
        <Typography.Text type="secondary" style={{ minWidth: 64, display: 'inline-block' }}>
          {title}
        </Typography.Text>
        {shown}
        {v.source && (
          <Tag bordered={false} color={v.source === 'MANUAL' ? 'orange' : 'default'}>
            {label(CLASSIFICATION_SOURCE_LABELS, v.source)}
          </Tag>
        )}
        {v.override && v.suggested !== v.override.value && suggested && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('class.suggested')} {suggested}
          </Typography.Text>
        )}
      </Space>
      {v.reason && (
        <div className="kehu-muted" style={{ fontSize: 12, marginTop: 2, wordBreak: 'break-all' }}>
          {t('class.why')}：{v.reason}
          {v.override && ` · ${v.override.by?.name ?? '—'} ${formatTime(v.override.at, false)}`}
          {v.override?.reviewOn && ` · ${t('class.reviewOn', { date: v.override.reviewOn })}`}
        </div>
      )}
    </div>
  );
  const tag = <E extends string>(map: LabelMap<E>, value: string | null | undefined) => (value ? <EnumTag map={map} value={value as E} /> : '—');

  return (
    <Card
      size="small"
      title={t('class.title')}
      style={{ marginBottom: 16 }}
      data-testid="classification"
      extra={
        canEdit && (
          <Space size={4}>
            {overridden && (
              <Popconfirm title={t('class.clearConfirm')} onConfirm={() => void clear()} okText={t('class.clear')} cancelText={t('common.cancel')}>
                <Button size="small" type="text" icon={<UndoOutlined />}>
                  {t('class.clear')}
                </Button>
              </Popconfirm>
            )}
            <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setOpen(true)}>
              {t('class.override')}
            </Button>
          </Space>
        )
      }
    >
      {row(t('customer.valueTier'), k.valueTier, tag(VALUE_TIER_LABELS, c.valueTier), 'class-tier', tag(VALUE_TIER_LABELS, k.valueTier.suggested))}
      {row(t('class.lifecycle'), k.lifecycle, tag(LIFECYCLE_LABELS, c.lifecycle), 'class-lifecycle', tag(LIFECYCLE_LABELS, k.lifecycle.suggested))}
      {row(
        t('class.cadence'),
        k.cadence,
        <span>{c.cadenceDays ? t('class.everyDays', { n: c.cadenceDays }) : '—'}</span>,
        'class-cadence',
        k.cadence.suggested ? t('class.everyDays', { n: k.cadence.suggested }) : undefined,
      )}
      {nextFollowUp && (
        <div data-testid="class-next" style={{ color: overdue ? colors.error : undefined }}>
          <Typography.Text type="secondary" style={{ minWidth: 64, display: 'inline-block', marginInlineEnd: 4 }}>
            {t('class.nextFollowUp')}
          </Typography.Text>
          {formatTime(c.nextFollowUpAt!, false)}
          {overdue && ` (${t('class.overdue')})`}
        </div>
      )}
      <FormModal<OverrideValues>
        name="override"
        open={open}
        title={t('class.overrideTitle')}
        form={form}
        initialValues={{ valueTier: c.valueTier, lifecycle: c.lifecycle, cadenceDays: c.cadenceDays, reason: '', reviewOn: null }}
        onCancel={() => setOpen(false)}
        onSubmit={async (v) => {
          await request(OverrideClassificationMutation, { id: c.id, expectedVersion: c.version, ...overrideVariables(v, c) });
          setOpen(false);
          message.success(t('common.saved'));
          await reload();
        }}
        onConflict={async () => {
          await reload();
          return t('conflict.nested');
        }}
        known={known}
      >
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t('class.overrideHelp')}
        </Typography.Paragraph>
        <Form.Item name="valueTier" label={t('customer.valueTier')}>
          <EnumSelect map={VALUE_TIER_LABELS} allowClear={false} />
        </Form.Item>
        <Form.Item name="lifecycle" label={t('class.lifecycle')}>
          <EnumSelect map={LIFECYCLE_LABELS} allowClear={false} />
        </Form.Item>
        <Form.Item name="cadenceDays" label={t('class.cadenceDays')}>
          <InputNumber min={1} max={365} precision={0} style={{ width: 160 }} addonAfter={t('class.days')} />
        </Form.Item>
        <Form.Item name="reason" label={t('class.reason')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
          <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('class.reasonPlaceholder')} />
        </Form.Item>
        <Form.Item name="reviewOn" label={t('class.reviewOnLabel')} extra={t('class.reviewOnHelp')}>
          <DateField min={dayjs()} allowClear />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
