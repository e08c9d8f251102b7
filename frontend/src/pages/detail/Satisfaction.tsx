import { Button, Empty, Form, Input, InputNumber, List, Progress, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { RecordSatisfactionMutation, RemoveSatisfactionMutation, UpdateSatisfactionMutation } from '../../api/operations';
import { useI18n, type MessageKey } from '../../i18n';
import { DateField } from '../../components/DateField';
import { FormModal } from '../../components/FormModal';
import { RowActions } from '../../components/RowActions';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToTime, formatTime } from '../../lib/money';
import { SATISFACTION_FIELDS, satisfactionPatch, satisfactionToForm, type SatisfactionFormValues } from '../../lib/satisfactionForm';
import { NewestOnly } from './NewestOnly';
import type { Detail, SectionProps } from './types';
import { useRecordEditor } from './useRecordEditor';
import { colors } from '../../theme';

type SatValues = SatisfactionFormValues;
type Result = Detail['satisfaction'][number];

const known = knownNames([...SATISFACTION_FIELDS]);
const LABELS: Record<(typeof SATISFACTION_FIELDS)[number], MessageKey> = { score: 'sat.score', at: 'sat.at', comment: 'sat.comment' };

function scoreColor(s: number): string {
  return s >= 80 ? colors.success : s >= 60 ? colors.warning : colors.error;
}

export function SatisfactionSection({ customer, canLog, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<SatValues>();
  const results = [...customer.satisfaction].sort((a, b) => (a.at < b.at ? 1 : -1));
  const { editing, open, close, submit, onConflict, act } = useRecordEditor<Result, SatValues, (typeof SATISFACTION_FIELDS)[number]>({
    reload,
    records: (c) => c.satisfaction,
    toForm: satisfactionToForm,
    fields: SATISFACTION_FIELDS,
    labels: LABELS,
    create: (v) =>
      request(RecordSatisfactionMutation, {
        customerId: customer.id,
        input: { score: v.score ?? 0, at: dayjsToTime(v.at), comment: v.comment?.trim() || null },
      }),
    update: async (r, v, base) => {
      const patch = satisfactionPatch(v, base);
      if (Object.keys(patch).length > 0) {
        await request(UpdateSatisfactionMutation, { customerId: customer.id, resultId: r.id, expectedVersion: customer.version, input: patch });
      }
    },
  });
  const remove = (r: Result) =>
    act(() => request(RemoveSatisfactionMutation, { customerId: customer.id, resultId: r.id, expectedVersion: customer.version }), 'sat.removed');

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
                r.viewerCanEdit
                  ? [
                      <RowActions
                        key="a"
                        onEdit={() => open(r)}
                        editLabel={t('sat.editOf', { score: r.score, at: formatTime(r.at) })}
                        onRemove={() => remove(r)}
                        removeLabel={t('sat.removeOf', { score: r.score, at: formatTime(r.at) })}
                        confirmRemove={t('sat.confirmRemove')}
                      />,
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
      {customer.satisfactionCount > results.length && <NewestOnly shown={results.length} total={customer.satisfactionCount} />}
      {canLog && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => open('new')} style={{ marginTop: 8 }}>
          {t('sat.add')}
        </Button>
      )}
      <FormModal<SatValues>
        name="satisfaction"
        open={editing !== null}
        title={editing === 'new' ? t('sat.add') : t('sat.edit')}
        form={form}
        initialValues={editing && editing !== 'new' ? satisfactionToForm(editing) : { score: null, at: dayjs(), comment: '' }}
        onCancel={close}
        onSubmit={submit}
        onConflict={onConflict}
        known={known}
      >
        <Form.Item name="score" label={t('sat.score')} extra={t('sat.scoreHint')} rules={[{ required: true, message: i18n.reasonText('REQUIRED') }]}>
          <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} autoFocus />
        </Form.Item>
        <Form.Item name="at" label={t('sat.at')}>
          <DateField withTime style={{ width: '100%' }} allowClear={editing === 'new'} max={dayjs()} />
        </Form.Item>
        <Form.Item name="comment" label={t('sat.comment')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} />
        </Form.Item>
      </FormModal>
    </>
  );
}
