// /duplicates: likely duplicate customers in pairs (duplicateCandidates,
// MANAGER and ADMIN), each merged through MergeDialog; the latest merges
// below, each taken back within 30 days.
import { useState } from 'react';
import { Alert, Button, Card, List, Space, Table, Tag, Typography, Grid } from 'antd';
import { MergeCellsOutlined, RollbackOutlined, WarningOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { Popconfirm } from 'antd';
import { request } from '../../api/client';
import { ApiError } from '../../api/errors';
import { canMergeCustomers, useSession } from '../../auth/session';
import type { CustomerMergeFieldsFragment, DuplicatePairCustomerFragment } from '../../gql/graphql';
import { PageHeading } from '../../components/PageHeading';
import { ErrorAlert, ErrorState } from '../../components/States';
import { useI18n } from '../../i18n';
import { DUPLICATE_REASON_LABELS } from '../../i18n/enums';
import { formatTime } from '../../lib/money';
import { MergeDialog } from './MergeDialog';
import { CustomerMergesQuery, DuplicateCandidatesQuery } from './operations';
import { useUndoMerge } from './useUndoMerge';

const PAGE = 20;

function CustomerCell({ c }: { c: DuplicatePairCustomerFragment }) {
  const { t } = useI18n();
  return (
    <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
      <Link to={`/customers/${encodeURIComponent(c.code)}`} data-testid="dup-customer" data-code={c.code}>
        <span className="kehu-break">
          {c.code} · {c.name}
        </span>
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {c.owner ? t('dup.owner', { name: c.owner.name }) : t('dup.noOwner')}
      </Typography.Text>
    </Space>
  );
}

export default function DuplicatesPage() {
  const { t, label } = useI18n();
  const { me } = useSession();
  const phone = Grid.useBreakpoint().md === false;
  const [merging, setMerging] = useState<{ a: string; b: string } | null>(null);
  const allowed = canMergeCustomers(me);
  const pairs = useInfiniteQuery({
    queryKey: ['duplicates'],
    queryFn: async ({ pageParam }) => (await request(DuplicateCandidatesQuery, { first: PAGE, after: pageParam })).duplicateCandidates,
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.pageInfo.hasNextPage ? last.pageInfo.endCursor : undefined),
    enabled: allowed,
  });
  if (!allowed) return <ErrorState error={new ApiError('FORBIDDEN', 'only managers and admins may merge customers')} />;

  const first = pairs.data?.pages[0];
  const nodes = pairs.data?.pages.flatMap((p) => p.nodes) ?? [];
  type Pair = (typeof nodes)[number];
  const reasons = (p: Pair) => (
    <Space size={[4, 4]} wrap>
      <Tag color="purple" data-testid="dup-score">
        {t('dup.score', { n: p.score })}
      </Tag>
      {p.reasons.map((r) => (
        <Tag key={r} color={DUPLICATE_REASON_LABELS[r].color} data-reason={r}>
          {label(DUPLICATE_REASON_LABELS, r)}
        </Tag>
      ))}
    </Space>
  );
  const legal = (p: Pair) =>
    p.legalFormsDiffer && (
      <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="dup-legal-forms">
        <WarningOutlined /> {t('dup.legalForms')}
      </Typography.Text>
    );
  const mergeButton = (p: Pair) => (
    <Button icon={<MergeCellsOutlined />} onClick={() => setMerging({ a: p.a.code, b: p.b.code })} data-testid="dup-merge" aria-label={`${t('dup.merge')} ${t('dup.pairOf', { a: p.a.code, b: p.b.code })}`}>
      {t('dup.merge')}
    </Button>
  );
  const rowProps = (p: Pair) => ({ 'data-testid': 'dup-pair', 'data-a': p.a.code, 'data-b': p.b.code });

  return (
    <div data-testid="duplicates-page" style={{ maxWidth: 1200 }}>
      <PageHeading title={t('dup.title')} />
      <Typography.Paragraph type="secondary">{t('dup.intro')}</Typography.Paragraph>
      {first && first.skipped.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="dup-skipped"
          message={
            <span>
              {t('dup.skipped')}{' '}
              {first.skipped.map((s) => t('dup.skippedItem', { reason: label(DUPLICATE_REASON_LABELS, s.reason), n: s.count })).join('，')}
            </span>
          }
        />
      )}
      <Card
        size={phone ? 'small' : 'default'}
        style={{ marginBottom: 16 }}
        title={
          <Space size={8} wrap>
            <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
              {t('nav.duplicates')}
            </Typography.Title>
            {first && (
              <Typography.Text type="secondary" data-testid="dup-total">
                {t('dup.total', { n: first.totalCount })}
              </Typography.Text>
            )}
          </Space>
        }
      >
        {pairs.error != null && <ErrorAlert error={pairs.error} />}
        {phone ? (
          <List
            dataSource={nodes}
            loading={pairs.isPending}
            rowKey={(p) => `${p.a.id}-${p.b.id}`}
            locale={{ emptyText: t('dup.none') }}
            renderItem={(p) => (
              <List.Item {...rowProps(p)} style={{ paddingInline: 0, display: 'block' }}>
                <Space direction="vertical" size={6} style={{ width: '100%', minWidth: 0 }}>
                  {reasons(p)}
                  {legal(p)}
                  <CustomerCell c={p.a} />
                  <CustomerCell c={p.b} />
                  {mergeButton(p)}
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table
            dataSource={nodes}
            loading={pairs.isPending}
            rowKey={(p) => `${p.a.id}-${p.b.id}`}
            pagination={false}
            size="middle"
            locale={{ emptyText: t('dup.none') }}
            onRow={(p) => rowProps(p) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('dup.score', { n: '' }).trim(),
                key: 'why',
                width: 300,
                render: (_: unknown, p) => (
                  <Space direction="vertical" size={4}>
                    {reasons(p)}
                    {legal(p)}
                  </Space>
                ),
              },
              { title: 'A', key: 'a', render: (_: unknown, p) => <CustomerCell c={p.a} /> },
              { title: 'B', key: 'b', render: (_: unknown, p) => <CustomerCell c={p.b} /> },
              { title: t('common.actions'), key: 'merge', width: 110, render: (_: unknown, p) => mergeButton(p) },
            ]}
          />
        )}
        {pairs.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void pairs.fetchNextPage()} loading={pairs.isFetchingNextPage} data-testid="dup-load-more">
              {t('dup.loadMore')}
            </Button>
          </div>
        )}
      </Card>
      <RecentMerges />
      <MergeDialog codes={merging} onClose={() => setMerging(null)} />
    </div>
  );
}

function RecentMerges() {
  const { t } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const undo = useUndoMerge();
  const merges = useQuery({
    queryKey: ['customerMerges'],
    queryFn: async () => (await request(CustomerMergesQuery, { first: 10 })).customerMerges,
  });
  const undoButton = (m: CustomerMergeFieldsFragment) => (
    <Popconfirm
      key="undo"
      title={t('merge.undoConfirm')}
      description={<div style={{ maxWidth: 280 }}>{t('merge.undoHint')}</div>}
      okText={t('merge.undo')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={() => undo.mutateAsync(m.id).catch(() => undefined)}
    >
      <Button size="small" icon={<RollbackOutlined />} loading={undo.isPending && undo.variables === m.id} data-testid="merge-undo">
        {t('merge.undo')}
      </Button>
    </Popconfirm>
  );
  const line = (m: CustomerMergeFieldsFragment) => (
    <span className="kehu-break">
      {m.others.map((o, i) => (
        <span key={o.id}>
          {i > 0 && '、'}
          <Link to={`/customers/${encodeURIComponent(o.code)}`}>{o.code}</Link> {o.name}
        </span>
      ))}
      {' → '}
      {m.survivor ? (
        <>
          <Link to={`/customers/${encodeURIComponent(m.survivor.code)}`}>{m.survivor.code}</Link> {m.survivor.name}
        </>
      ) : (
        '—'
      )}
    </span>
  );
  return (
    <Card
      size={phone ? 'small' : 'default'}
      data-testid="merge-recent"
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('merge.recent')}
        </Typography.Title>
      }
    >
      {merges.error != null && <ErrorAlert error={merges.error} />}
      <List
        dataSource={merges.data ?? []}
        loading={merges.isPending}
        rowKey="id"
        size="small"
        locale={{ emptyText: t('merge.noRecent') }}
        renderItem={(m) => (
          <List.Item
            data-testid="merge-item"
            data-id={m.id}
            style={{ paddingInline: 0, flexWrap: 'wrap', gap: 8 }}
            actions={m.canUndo && !phone ? [undoButton(m)] : undefined}
          >
            <Space direction="vertical" size={2} style={{ minWidth: 0 }}>
              {line(m)}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatTime(m.at)} · {m.by?.name}
                {m.undoneAt && (
                  <Tag color="purple" style={{ marginInlineStart: 8 }}>
                    {t('merge.undoneTag')}
                  </Tag>
                )}
              </Typography.Text>
              {m.canUndo && phone && <div>{undoButton(m)}</div>}
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
