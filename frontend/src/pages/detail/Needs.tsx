import { Button, Checkbox, Col, Empty, Form, Input, Row, Select, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { request } from '../../api/client';
import { AddNeedMutation, RECORD_LIMIT, RemoveNeedMutation, UpdateNeedMutation } from '../../api/operations';
import type { NeedInput, NeedKind, NeedPatch, NeedStatus, NeedType, Priority } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { NEED_KIND_LABELS, NEED_STATUS_LABELS, NEED_TYPE_LABELS, PRIORITY_LABELS } from '../../i18n/enums';
import { DateField } from '../../components/DateField';
import { EnumTag } from '../../components/EnumTag';
import { EnumSelect } from '../../components/EnumSelect';
import { FormModal } from '../../components/FormModal';
import { MoneyInput } from '../../components/MoneyInput';
import { RowActions } from '../../components/RowActions';
import { diffRecords } from '../../lib/conflict';
import { knownNames } from '../../lib/fieldPath';
import { dateToDayjs, dayjsToDate, formatTime, toMoney } from '../../lib/money';
import { NewestOnly } from './NewestOnly';
import type { DetailNeed, SectionProps } from './types';
import { useRecordEditor } from './useRecordEditor';
import { Money } from '../../components/Money';

interface NeedValues {
  title: string;
  kind: NeedKind;
  type: NeedType | null;
  priority: Priority;
  status: NeedStatus;
  urgent: boolean;
  important: boolean;
  budgetMin: string | null;
  budgetMax: string | null;
  expectedOn: Dayjs | null;
}

const FIELDS = ['title', 'kind', 'type', 'priority', 'status', 'urgent', 'important', 'budgetMin', 'budgetMax', 'expectedOn'] as const;
const LABELS: Record<(typeof FIELDS)[number], MessageKey> = {
  title: 'need.title',
  kind: 'need.kind',
  type: 'need.type',
  priority: 'need.priority',
  status: 'need.status',
  urgent: 'need.urgent',
  important: 'need.important',
  budgetMin: 'need.budgetMin',
  budgetMax: 'need.budgetMax',
  expectedOn: 'need.expectedOn',
};
const known = knownNames([...FIELDS]);

function toForm(n: DetailNeed): NeedValues {
  return {
    title: n.title,
    kind: n.kind,
    type: n.type,
    priority: n.priority,
    status: n.status,
    urgent: n.urgent,
    important: n.important,
    budgetMin: n.budgetMin,
    budgetMax: n.budgetMax,
    expectedOn: dateToDayjs(n.expectedOn),
  };
}

function toInput(v: NeedValues): NeedInput {
  return {
    title: v.title.trim(),
    kind: v.kind,
    type: v.type,
    priority: v.priority,
    status: v.status,
    urgent: v.urgent,
    important: v.important,
    budgetMin: toMoney(v.budgetMin),
    budgetMax: toMoney(v.budgetMax),
    expectedOn: dayjsToDate(v.expectedOn),
  };
}

function toPatch(v: NeedValues, base: NeedValues): NeedPatch {
  const changed = new Set(diffRecords(base, v, FIELDS).map((c) => c.field));
  const full = toInput(v);
  const patch: NeedPatch = {};
  for (const k of FIELDS) {
    if (changed.has(k)) (patch as Record<string, unknown>)[k] = full[k];
  }
  return patch;
}

export function NeedsSection({ customer, canLog, reload }: SectionProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const [form] = Form.useForm<NeedValues>();
  const { editing, open, close, submit, onConflict, act } = useRecordEditor<DetailNeed, NeedValues, (typeof FIELDS)[number]>({
    reload,
    records: (c) => c.needs,
    toForm,
    fields: FIELDS,
    labels: LABELS,
    create: (v) => request(AddNeedMutation, { customerId: customer.id, input: toInput(v) }),
    update: async (n, v, base) => {
      const patch = toPatch(v, base);
      if (Object.keys(patch).length > 0) {
        await request(UpdateNeedMutation, { customerId: customer.id, needId: n.id, expectedVersion: customer.version, input: patch });
      }
    },
  });
  const setStatus = (n: DetailNeed, status: NeedStatus) =>
    act(() => request(UpdateNeedMutation, { customerId: customer.id, needId: n.id, expectedVersion: customer.version, input: { status } }), 'common.saved');
  const remove = (n: DetailNeed) =>
    act(() => request(RemoveNeedMutation, { customerId: customer.id, needId: n.id, expectedVersion: customer.version }), 'need.removed');

  return (
    <>
      {customer.needs.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('need.empty')} />
      ) : (
        <Table<DetailNeed>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={customer.needs}
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('need.title'),
              key: 'title',
              render: (_, n) => (
                <Space size={4} wrap>
                  <span>{n.title}</span>
                  {n.urgent && <Tag color="red">{t('need.urgent')}</Tag>}
                  {n.important && <Tag color="gold">{t('need.important')}</Tag>}
                </Space>
              ),
            },
            { title: t('need.kind'), key: 'kind', render: (_, n) => i18n.label(NEED_KIND_LABELS, n.kind) },
            { title: t('need.type'), key: 'type', render: (_, n) => i18n.label(NEED_TYPE_LABELS, n.type) },
            { title: t('need.priority'), key: 'priority', render: (_, n) => <EnumTag map={PRIORITY_LABELS} value={n.priority} /> },
            {
              title: t('need.status'),
              key: 'status',
              render: (_, n) =>
                n.viewerCanEdit ? (
                  <Select<NeedStatus>
                    size="small"
                    value={n.status}
                    onChange={(s) => void setStatus(n, s)}
                    options={i18n.options(NEED_STATUS_LABELS)}
                    style={{ width: 100 }}
                    aria-label={`${t('need.status')} ${n.title}`}
                  />
                ) : (
                  <EnumTag map={NEED_STATUS_LABELS} value={n.status} />
                ),
            },
            {
              title: t('need.budget'),
              key: 'budget',
              render: (_, n) =>
                n.budgetMin || n.budgetMax ? (
                  <>
                    <Money value={n.budgetMin} /> – <Money value={n.budgetMax} />
                  </>
                ) : (
                  ''
                ),
            },
            { title: t('need.expectedOn'), key: 'expectedOn', render: (_, n) => n.expectedOn ?? '' },
            { title: t('need.openedAt'), key: 'openedAt', render: (_, n) => formatTime(n.openedAt, false) },
            ...(canLog
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, n: DetailNeed) =>
                      n.viewerCanEdit && (
                        <RowActions
                          onEdit={() => open(n)}
                          editLabel={`${t('common.edit')} ${n.title}`}
                          onRemove={() => remove(n)}
                          removeLabel={`${t('common.delete')} ${n.title}`}
                          confirmRemove={t('need.confirmRemove')}
                        />
                      ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {customer.needs.length >= RECORD_LIMIT && <NewestOnly shown={customer.needs.length} />}
      {canLog && (
        <Button type="dashed" icon={<PlusOutlined />} block onClick={() => open('new')} style={{ marginTop: 8 }}>
          {t('need.add')}
        </Button>
      )}
      <FormModal<NeedValues>
        name="need"
        open={editing !== null}
        title={editing === 'new' ? t('need.add') : t('need.edit')}
        form={form}
        initialValues={
          editing && editing !== 'new'
            ? toForm(editing)
            : { kind: 'CURRENT', priority: 'MEDIUM', status: 'OPEN', urgent: false, important: false, type: null, budgetMin: null, budgetMax: null, expectedOn: null }
        }
        onCancel={close}
        onSubmit={submit}
        onConflict={onConflict}
        known={known}
      >
        <Form.Item name="title" label={t('need.title')} rules={[{ required: true, whitespace: true, message: i18n.reasonText('REQUIRED') }]}>
          <Input maxLength={200} autoFocus />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="kind" label={t('need.kind')}>
              <EnumSelect map={NEED_KIND_LABELS} allowClear={false} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="type" label={t('need.type')}>
              <EnumSelect map={NEED_TYPE_LABELS} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="priority" label={t('need.priority')}>
              <EnumSelect map={PRIORITY_LABELS} allowClear={false} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="status" label={t('need.status')}>
              <EnumSelect map={NEED_STATUS_LABELS} allowClear={false} />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="urgent" valuePropName="checked">
              <Checkbox>{t('need.urgent')}</Checkbox>
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item name="important" valuePropName="checked">
              <Checkbox>{t('need.important')}</Checkbox>
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="budgetMin" label={t('need.budgetMin')}>
              <MoneyInput />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="budgetMax" label={t('need.budgetMax')}>
              <MoneyInput />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="expectedOn" label={t('need.expectedOn')}>
              <DateField style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </FormModal>
    </>
  );
}
