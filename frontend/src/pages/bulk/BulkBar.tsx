// The bulk action bar of the customer list: how many are selected, "select
// all N matching", the actions the server offers, a confirmation naming the
// count, the job's progress and what it could not change.
import { useState } from 'react';
import { Alert, Button, Checkbox, Dropdown, Form, List, Modal, Progress, Select, Space, Typography } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { request } from '../../api/client';
import type { BulkAction, BulkJobFieldsFragment, Stage } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { BULK_ACTION_LABELS, STAGE_LABELS } from '../../i18n/enums';
import { FormModal } from '../../components/FormModal';
import { EnumSelect } from '../../components/EnumSelect';
import { useStaff } from '../../components/StaffSelect';
import { staffOption } from '../../lib/staff';
import { BulkJobQuery, StartBulkChangeMutation } from './operations';
import { NONE, pageSelected, selectionInput } from './selection';
import type { BulkSelection, Named } from './useBulkSelection';

interface Values {
  ownerId?: string;
  keepNextActions?: boolean;
  tags?: string[];
  stage?: Stage;
}

const FIELDS = new Set(['ownerId', 'keepNextActions', 'tags', 'stage']);

export function BulkBar<R extends Named>({ bulk, mobile }: { bulk: BulkSelection<R>; mobile: boolean }) {
  const { t, label, lang } = useI18n();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [action, setAction] = useState<BulkAction | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [first, setFirst] = useState<BulkJobFieldsFragment | null>(null);
  const staff = useStaff();
  const num = (n: number) => n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');

  const polled = useQuery({
    queryKey: ['bulkJob', jobId],
    queryFn: async () => (await request(BulkJobQuery, { id: jobId ?? '' })).bulkJob,
    enabled: jobId !== null && first?.status === 'RUNNING',
    refetchInterval: (q) => (q.state.data?.status === 'DONE' ? false : 700),
  });
  const job = polled.data ?? first;

  if (bulk.offered.length === 0 || (bulk.count === 0 && !job)) return null;

  const n = bulk.count;
  const actionLabel = action ? label(BULK_ACTION_LABELS, action) : '';
  const start = async (v: Values) => {
    if (!action) return;
    const res = await request(StartBulkChangeMutation, {
      input: {
        action,
        ownerId: action === 'REASSIGN' ? v.ownerId : undefined,
        keepNextActions: action === 'REASSIGN' ? !!v.keepNextActions : undefined,
        tags: action === 'ADD_TAGS' || action === 'REMOVE_TAGS' ? v.tags ?? [] : undefined,
        stage: action === 'SET_STAGE' ? v.stage : undefined,
        ...selectionInput(bulk.sel, bulk.filter),
      },
    });
    setAction(null);
    setFirst(res.startBulkChange);
    setJobId(res.startBulkChange.id);
    bulk.setSel(NONE);
  };
  const done = job?.status === 'DONE';
  // Closing while it runs leaves the job running on the server; the list
  // shows what it has changed so far.
  const closeJob = () => {
    void qc.invalidateQueries();
    setJobId(null);
    setFirst(null);
  };

  const pageAll = bulk.sel.kind === 'some' && pageSelected(bulk.sel, bulk.rows) && bulk.total > bulk.rows.length;
  const menu = {
    items: bulk.offered.map((a) => ({ key: a, label: label(BULK_ACTION_LABELS, a), 'data-testid': `bulk-${a}` })),
    onClick: ({ key }: { key: string }) => {
      form.resetFields();
      setAction(key as BulkAction);
    },
  };
  const staffOptions = (staff.data ?? []).filter((u) => u.assignable).map(staffOption);

  return (
    <>
      {n > 0 && (
        <div
          role="region"
          aria-label={t('bulk.actions')}
          data-testid="bulk-bar"
          style={{
            position: 'sticky',
            top: 0,
            zIndex: 3,
            display: 'flex',
            flexWrap: 'wrap',
            alignItems: 'center',
            gap: 8,
            padding: '8px 12px',
            marginBottom: 8,
            background: '#e6f4ff',
            border: '1px solid #91caff',
            borderRadius: 6,
          }}
        >
          <Typography.Text strong data-testid="bulk-count" data-count={n}>
            {t('bulk.selected', { n: num(n) })}
          </Typography.Text>
          {pageAll && (
            <>
              {!mobile && <Typography.Text>{t('bulk.pageSelected', { n: num(bulk.rows.length) })}</Typography.Text>}
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => bulk.setSel({ kind: 'all' })} data-testid="bulk-select-all">
                {t('bulk.selectAllMatching', { n: num(bulk.total) })}
              </Button>
            </>
          )}
          {bulk.sel.kind === 'all' && !mobile && <Typography.Text>{t('bulk.allSelected', { n: num(bulk.total) })}</Typography.Text>}
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => bulk.setSel(NONE)} data-testid="bulk-clear">
            {t('bulk.clear')}
          </Button>
          <div style={{ flex: 1 }} />
          <Dropdown menu={menu} trigger={['click']} placement="bottomRight">
            <Button type="primary" data-testid="bulk-actions">
              <Space>
                {t('bulk.actions')}
                <DownOutlined />
              </Space>
            </Button>
          </Dropdown>
        </div>
      )}

      <FormModal<Values>
        name="bulk"
        open={action !== null}
        title={actionLabel}
        form={form}
        initialValues={{ keepNextActions: false }}
        onCancel={() => setAction(null)}
        onSubmit={start}
        known={(p) => FIELDS.has(String(p[0]))}
        okText={t('bulk.ok', { action: actionLabel, n: num(n) })}
        width={mobile ? undefined : 520}
      >
        <Alert type="info" showIcon style={{ marginBottom: 16 }} message={t('bulk.confirm', { action: actionLabel, n: num(n) })} data-testid="bulk-confirm" />
        {action === 'REASSIGN' && (
          <>
            <Form.Item name="ownerId" label={t('bulk.owner')} rules={[{ required: true, message: t('bulk.owner') }]}>
              <Select showSearch optionFilterProp="label" options={staffOptions} loading={staff.isPending} placeholder={t('form.select')} data-testid="bulk-owner" />
            </Form.Item>
            <Form.Item name="keepNextActions" valuePropName="checked" extra={t('bulk.moveHint')}>
              <Checkbox>{t('bulk.keepNextActions')}</Checkbox>
            </Form.Item>
          </>
        )}
        {(action === 'ADD_TAGS' || action === 'REMOVE_TAGS') && (
          <Form.Item name="tags" label={t('bulk.tags')} rules={[{ required: true, message: t('bulk.tags') }]}>
            <Select mode="tags" tokenSeparators={[',', '，']} open={false} suffixIcon={null} data-testid="bulk-tags" />
          </Form.Item>
        )}
        {action === 'SET_STAGE' && (
          <Form.Item name="stage" label={t('bulk.stage')} rules={[{ required: true, message: t('bulk.stage') }]}>
            <EnumSelect map={STAGE_LABELS} allowClear={false} data-testid="bulk-stage" />
          </Form.Item>
        )}
      </FormModal>

      <Modal
        open={job != null}
        title={done ? t('bulk.doneTitle') : label(BULK_ACTION_LABELS, job?.action)}
        onCancel={closeJob}
        footer={
          <Button type="primary" onClick={closeJob} data-testid="bulk-close">
            {t('common.close')}
          </Button>
        }
        destroyOnHidden
      >
        {job && (
          <div data-testid="bulk-job" data-status={job.status}>
            <Progress percent={job.total === 0 ? 100 : Math.floor((job.done * 100) / job.total)} status={!done ? 'active' : job.failures.length === 0 ? 'success' : job.changed + job.unchanged === 0 ? 'exception' : 'normal'} />
            {!done && (
              <Typography.Paragraph aria-live="polite">
                {t('bulk.running', { done: num(job.done), total: num(job.total) })} {t('bulk.background')}
              </Typography.Paragraph>
            )}
            {done && (
              <Typography.Paragraph strong aria-live="polite" data-testid="bulk-summary">
                {t('bulk.summary', { changed: num(job.changed), unchanged: num(job.unchanged), failed: num(job.failures.length) })}
              </Typography.Paragraph>
            )}
            {job.failures.length > 0 && <Failures job={job} />}
          </div>
        )}
      </Modal>
    </>
  );
}

/** A card's selection box on phones (a range with shift, as in the table). */
export function BulkCheck<R extends Named>({ bulk, row, index }: { bulk: BulkSelection<R>; row: R; index: number }) {
  const { t } = useI18n();
  if (bulk.offered.length === 0) return null;
  return (
    <Checkbox
      checked={bulk.isSelected(row.id)}
      aria-label={t('bulk.selectRow', { name: row.name })}
      data-testid="bulk-check"
      onClick={(e) => {
        e.stopPropagation(); // not the card's click, which opens the customer
        bulk.toggleCard(index, !bulk.isSelected(row.id), e);
      }}
      style={{ padding: 8, margin: '-8px 0 -8px -8px' }}
    />
  );
}

function Failures({ job }: { job: BulkJobFieldsFragment }) {
  const { t, problemText } = useI18n();
  const why = (f: BulkJobFieldsFragment['failures'][number]) => {
    if (f.code === 'BAD_USER_INPUT') return problemText({ field: f.field ?? '', reason: f.reason ?? undefined, message: f.message });
    const key = `bulk.fail.${f.code}` as MessageKey;
    return ['CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'INTERNAL'].includes(f.code) ? t(key) : f.message;
  };
  return (
    <>
      <Typography.Title level={5}>{t('bulk.failures')}</Typography.Title>
      <List
        size="small"
        bordered
        style={{ maxHeight: 320, overflow: 'auto' }}
        dataSource={job.failures}
        data-testid="bulk-failures"
        renderItem={(f) => (
          <List.Item data-code={f.code}>
            <div>
              {f.customerCode ? <Link to={`/customers/${f.customerCode}`}>{f.customerName || f.customerCode}</Link> : f.customerId}
              <div className="kehu-muted" style={{ fontSize: 12 }}>
                {f.customerCode} · {why(f)}
              </div>
            </div>
          </List.Item>
        )}
      />
    </>
  );
}
