// /service: the service requests not closed, across customers, by due time
// (mine or everyone's, of a kind, of statuses, only the overdue ones), with
// the steps each offers. Closed requests are read on their customer's page.
import { Button, Card, Checkbox, Empty, Grid, List, Segmented, Select, Space, Table, Typography } from 'antd';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { request } from '../../api/client';
import { useI18n } from '../../i18n';
import { PRIORITY_LABELS, SERVICE_KIND_LABELS, SERVICE_STATUS_LABELS } from '../../i18n/enums';
import { useSession } from '../../auth/session';
import { EnumTag } from '../../components/EnumTag';
import { PageHeading } from '../../components/PageHeading';
import { ErrorState, PageLoading } from '../../components/States';
import { formatShortTime, formatTime } from '../../lib/money';
import { ServiceRequestsQuery } from './operations';
import { ServiceActionButtons, useServiceActions, type ServiceRequestRow } from './ServiceActions';
import { DueText, ServiceTags } from './parts';
import { defaultMine, filtersFromParams, filtersToParams, LISTED_STATUSES, listVariables, type ServiceFilters } from './filters';
import { mayWork } from './steps';

const PAGE_SIZE = 50;

export default function ServicePage() {
  const i18n = useI18n();
  const { t, options, label } = i18n;
  const { me } = useSession();
  const phone = Grid.useBreakpoint().md === false;
  const mineByDefault = defaultMine(me?.role);
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params, mineByDefault);
  const set = (patch: Partial<ServiceFilters>) => setParams(filtersToParams({ ...filters, ...patch }, mineByDefault), { replace: true });
  const vars = listVariables(filters);
  const query = useInfiniteQuery({
    queryKey: ['service', 'list', vars],
    queryFn: async ({ pageParam }) => (await request(ServiceRequestsQuery, { ...vars, first: PAGE_SIZE, after: pageParam })).serviceRequests,
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? (last.pageInfo.endCursor ?? undefined) : undefined),
    placeholderData: keepPreviousData,
  });
  const actions = useServiceActions();

  const rows = query.data?.pages.flatMap((p) => p.nodes) ?? [];
  const total = query.data?.pages[0]?.totalCount ?? 0;
  const key = (r: ServiceRequestRow) => `${r.customer.id}/${r.id}`;
  const customerLink = (r: ServiceRequestRow) => (
    <Link to={`/customers/${r.customer.code}`} className="kehu-break">
      <span style={{ fontFamily: 'monospace', marginInlineEnd: 6 }}>{r.customer.code}</span>
      {r.customer.name}
    </Link>
  );
  const buttons = (r: ServiceRequestRow, compact = false) => (mayWork(r, me) ? <ServiceActionButtons req={r} onAction={actions.run} compact={compact} /> : null);

  const filterBar = (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', marginBottom: 16 }} data-testid="service-filters">
      <Segmented<'mine' | 'all'>
        aria-label={t('service.scope')}
        value={filters.mine ? 'mine' : 'all'}
        onChange={(v) => set({ mine: v === 'mine' })}
        options={[
          { value: 'mine', label: t('service.mine') },
          { value: 'all', label: t('service.all') },
        ]}
      />
      <Select
        aria-label={t('service.kind')}
        allowClear
        placeholder={t('service.anyKind')}
        value={filters.kind}
        onChange={(v) => set({ kind: v ?? null })}
        options={options(SERVICE_KIND_LABELS)}
        style={{ width: phone ? 'calc(50% - 6px)' : 140 }}
      />
      <Select
        aria-label={t('service.status')}
        mode="multiple"
        allowClear
        placeholder={t('service.anyStatus')}
        value={filters.statuses}
        onChange={(v) => set({ statuses: v })}
        options={LISTED_STATUSES.map((s) => ({ value: s, label: label(SERVICE_STATUS_LABELS, s) }))}
        style={{ minWidth: phone ? 'calc(50% - 6px)' : 220 }}
        maxTagCount="responsive"
      />
      <Checkbox checked={filters.overdue} onChange={(e) => set({ overdue: e.target.checked })} data-testid="service-overdue-only">
        {t('service.overdueOnly')}
      </Checkbox>
    </div>
  );

  let body: React.ReactNode;
  if (query.isPending) body = <PageLoading rows={8} />;
  else if (!query.data) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  else if (rows.length === 0)
    body = (
      <Card>
        <Empty description={t('service.listNone')} />
      </Card>
    );
  else if (phone)
    body = (
      <List<ServiceRequestRow>
        dataSource={rows}
        rowKey={key}
        renderItem={(r) => (
          <List.Item style={{ padding: '0 0 10px', borderBlockEnd: 'none' }}>
            <Card size="small" style={{ width: '100%' }} data-testid="service-row">
              <Space size={[0, 4]} wrap>
                <ServiceTags r={r} />
              </Space>
              <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ margin: '4px 0' }}>
                {r.summary}
              </Typography.Paragraph>
              <div style={{ fontSize: 13 }}>{customerLink(r)}</div>
              <div className="kehu-muted" style={{ fontSize: 12, marginBottom: 8 }}>
                {r.assignee?.name ?? t('service.unassigned')} · <DueText r={r} />
              </div>
              {buttons(r)}
            </Card>
          </List.Item>
        )}
      />
    );
  else
    body = (
      <Table<ServiceRequestRow>
        rowKey={key}
        dataSource={rows}
        pagination={false}
        size="small"
        scroll={{ x: 'max-content' }}
        onRow={(r) => ({ 'data-testid': 'service-row', 'data-overdue': r.overdue ? '1' : undefined }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('service.customer'), key: 'customer', render: (_, r) => customerLink(r), width: 160 },
          { title: t('service.kind'), key: 'kind', render: (_, r) => <EnumTag map={SERVICE_KIND_LABELS} value={r.kind} /> },
          {
            title: t('service.summary'),
            key: 'summary',
            render: (_, r) => (
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: r.summary }} style={{ margin: 0, maxWidth: 220 }}>
                {r.summary}
              </Typography.Paragraph>
            ),
          },
          { title: t('service.priority'), key: 'priority', render: (_, r) => <EnumTag map={PRIORITY_LABELS} value={r.priority} /> },
          { title: t('service.status'), key: 'status', render: (_, r) => <EnumTag map={SERVICE_STATUS_LABELS} value={r.status} /> },
          { title: t('service.assignee'), key: 'assignee', render: (_, r) => r.assignee?.name ?? t('service.unassigned') },
          { title: t('service.due'), key: 'due', render: (_, r) => <DueText r={r} prefix={false} stacked /> },
          {
            title: t('service.openedAt'),
            key: 'openedAt',
            render: (_, r) => (
              <span title={formatTime(r.openedAt)} style={{ whiteSpace: 'nowrap' }}>
                {formatShortTime(r.openedAt)}
              </span>
            ),
          },
          { title: t('common.actions'), key: 'actions', render: (_, r) => buttons(r, true) },
        ]}
      />
    );

  return (
    <>
      <div className="kehu-page-head">
        <PageHeading title={t('service.title')} />
        {query.data && (
          <Typography.Text type="secondary" data-testid="service-total">
            {t('service.total', { n: total })}
          </Typography.Text>
        )}
        <div className="kehu-grow" />
        {!phone && <Typography.Text type="secondary">{t('service.closedElsewhere')}</Typography.Text>}
      </div>
      {filterBar}
      {body}
      {rows.length > 0 && (
        <div style={{ display: 'flex', gap: 12, alignItems: 'center', justifyContent: 'center', marginTop: 16, flexWrap: 'wrap' }}>
          <Typography.Text type="secondary">{t('service.shown', { n: rows.length })}</Typography.Text>
          {query.hasNextPage && (
            <Button onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="service-more">
              {t('service.more')}
            </Button>
          )}
        </div>
      )}
      {phone && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12, textAlign: 'center' }}>
          {t('service.closedElsewhere')}
        </Typography.Paragraph>
      )}
      {actions.element}
    </>
  );
}
