import { useState } from 'react';
import { App, Button, DatePicker, Empty, Form, Input, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { RecordDealMutation } from '../../api/operations';
import { useI18n } from '../../i18n';
import { FormModal } from '../../components/FormModal';
import { MoneyInput } from '../../components/MoneyInput';
import { knownNames } from '../../lib/fieldPath';
import { dayjsToDate, formatMoney, toMoney } from '../../lib/money';
import type { Detail, SectionProps } from './types';

interface DealValues {
  product: string;
  amount: string | null;
  date: Dayjs | null;
  note: string;
}

const known = knownNames(['product', 'amount', 'date', 'note']);
type Deal = Detail['deals'][number];

export function DealsSection({ customer, canEdit, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const [form] = Form.useForm<DealValues>();
  const [open, setOpen] = useState(false);
  const deals = [...customer.deals].sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));

  const submit = async (v: DealValues) => {
    await request(RecordDealMutation, {
      customerId: customer.id,
      input: { product: v.product.trim(), amount: toMoney(v.amount) ?? '', date: dayjsToDate(v.date), note: v.note?.trim() || null },
    });
    setOpen(false);
    message.success(t('common.saved'));
    await reload();
  };

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
            { title: t('deal.amount'), key: 'amount', align: 'right', render: (_, d) => formatMoney(d.amount) },
            { title: t('deal.note'), dataIndex: 'note', key: 'note' },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={2}>
                <Typography.Text strong>{t('detail.totalAmount')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">
                <Typography.Text strong>{formatMoney(customer.totalAmount)}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={3} />
            </Table.Summary.Row>
          )}
        />
      )}
      {canEdit && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => setOpen(true)} style={{ marginTop: 8 }}>
          {t('deal.add')}
        </Button>
      )}
      <FormModal<DealValues>
        name="deal"
        open={open}
        title={t('deal.add')}
        form={form}
        initialValues={{ date: dayjs(), amount: null, product: '', note: '' }}
        onCancel={() => setOpen(false)}
        onSubmit={submit}
        known={known}
      >
        <Form.Item name="product" label={t('deal.product')} rules={[{ required: true, whitespace: true, message: i18n.serverText('is required') }]}>
          <Input maxLength={200} autoFocus />
        </Form.Item>
        <Form.Item name="amount" label={t('deal.amount')} rules={[{ required: true, message: i18n.serverText('is required') }]}>
          <MoneyInput />
        </Form.Item>
        <Form.Item name="date" label={t('deal.date')}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="note" label={t('deal.note')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={5000} />
        </Form.Item>
      </FormModal>
    </>
  );
}
