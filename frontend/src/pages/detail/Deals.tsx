import { Button, Empty, Form, Input, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { RecordDealMutation, RemoveDealMutation, UpdateDealMutation } from '../../api/operations';
import type { DealPatch } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { DateField } from '../../components/DateField';
import { FormModal } from '../../components/FormModal';
import { MoneyInput } from '../../components/MoneyInput';
import { RowActions } from '../../components/RowActions';
import { knownNames } from '../../lib/fieldPath';
import { dateToDayjs, dayjsToDate, toMoney } from '../../lib/money';
import { NewestOnly } from './NewestOnly';
import type { Detail, SectionProps } from './types';
import { useRecordEditor } from './useRecordEditor';
import { Money } from '../../components/Money';

interface DealValues {
  product: string;
  amount: string | null;
  date: Dayjs | null;
  note: string;
}

const FIELDS = ['product', 'amount', 'date', 'note'] as const;
const LABELS: Record<(typeof FIELDS)[number], MessageKey> = { product: 'deal.product', amount: 'deal.amount', date: 'deal.date', note: 'deal.note' };
const known = knownNames([...FIELDS]);
type Deal = Detail['deals'][number];

function toForm(d: Deal): DealValues {
  return { product: d.product, amount: d.amount, date: dateToDayjs(d.date), note: d.note };
}

/** Only what changed (amounts compared as money, so 680000.5 and 680000.50 are the same). */
function dealPatch(v: DealValues, base: DealValues): DealPatch {
  const patch: DealPatch = {};
  if ((v.product ?? '').trim() !== (base.product ?? '').trim()) patch.product = (v.product ?? '').trim();
  if (toMoney(v.amount) !== toMoney(base.amount)) patch.amount = toMoney(v.amount) ?? '';
  const date = dayjsToDate(v.date);
  if (date && date !== dayjsToDate(base.date)) patch.date = date;
  if ((v.note ?? '').trim() !== (base.note ?? '').trim()) patch.note = (v.note ?? '').trim();
  return patch;
}

export function DealsSection({ customer, canEdit, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<DealValues>();
  const deals = [...customer.deals].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
  const { editing, open, close, submit, onConflict, act } = useRecordEditor<Deal, DealValues, (typeof FIELDS)[number]>({
    reload,
    records: (c) => c.deals,
    toForm,
    fields: FIELDS,
    labels: LABELS,
    create: (v) =>
      request(RecordDealMutation, {
        customerId: customer.id,
        input: { product: v.product.trim(), amount: toMoney(v.amount) ?? '', date: dayjsToDate(v.date), note: v.note?.trim() || null },
      }),
    update: async (d, v, base) => {
      const patch = dealPatch(v, base);
      if (Object.keys(patch).length > 0) {
        await request(UpdateDealMutation, { customerId: customer.id, dealId: d.id, expectedVersion: customer.version, input: patch });
      }
    },
  });
  const remove = (d: Deal) =>
    act(() => request(RemoveDealMutation, { customerId: customer.id, dealId: d.id, expectedVersion: customer.version }), 'deal.removed');

  return (
    <>
      {deals.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deal.empty')} />
      ) : (
        <Table<Deal>
          size="small"
          rowKey="id"
          dataSource={deals}
          pagination={deals.length > 20 ? { pageSize: 20, size: 'small' } : false}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('deal.date'), dataIndex: 'date', key: 'date', width: 110 },
            { title: t('deal.product'), dataIndex: 'product', key: 'product' },
            { title: t('deal.amount'), key: 'amount', align: 'right', render: (_, d) => <Money value={d.amount} /> },
            { title: t('deal.note'), dataIndex: 'note', key: 'note' },
            ...(canEdit
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, d: Deal) =>
                      d.viewerCanEdit && (
                        <RowActions
                          onEdit={() => open(d)}
                          editLabel={t('deal.editOf', { product: d.product, date: d.date })}
                          onRemove={() => remove(d)}
                          removeLabel={t('deal.removeOf', { product: d.product, date: d.date })}
                          confirmRemove={t('deal.confirmRemove')}
                        />
                      ),
                  },
                ]
              : []),
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <Typography.Text strong>{t('detail.totalAmount')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                <Money value={customer.totalAmount} strong />
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} colSpan={canEdit ? 2 : 1} />
            </Table.Summary.Row>
          )}
        />
      )}
      {customer.dealCount > deals.length && <NewestOnly shown={deals.length} total={customer.dealCount} />}
      {canEdit && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => open('new')} style={{ marginTop: 8 }}>
          {t('deal.add')}
        </Button>
      )}
      <FormModal<DealValues>
        name="deal"
        open={editing !== null}
        title={editing === 'new' ? t('deal.add') : t('deal.edit')}
        form={form}
        initialValues={editing && editing !== 'new' ? toForm(editing) : { date: dayjs(), amount: null, product: '', note: '' }}
        onCancel={close}
        onSubmit={submit}
        onConflict={onConflict}
        known={known}
      >
        <Form.Item name="product" label={t('deal.product')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
          <Input maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item name="amount" label={t('deal.amount')} rules={[{ required: true, message: i18n.reasonText('REQUIRED') }]}>
          <MoneyInput />
        </Form.Item>
        <Form.Item name="date" label={t('deal.date')}>
          <DateField style={{ width: '100%' }} allowClear={editing === 'new'} max={dayjs()} />
        </Form.Item>
        <Form.Item name="note" label={t('deal.note')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
        </Form.Item>
      </FormModal>
    </>
  );
}
