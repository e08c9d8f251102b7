// The latest imports (importJobs), newest first: polled while one of them
// runs; a committed one can be taken back from here too.
import { Card, Grid, List, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { ImportJobSummaryFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { IMPORT_STATUS_LABELS } from '../../i18n/enums';
import { ErrorAlert } from '../../components/States';
import { formatTime } from '../../lib/money';
import { isRunning } from './job';
import { ImportJobsQuery } from './operations';
import { UndoImportButton } from './UndoImport';

export function RecentImports() {
  const { t, label } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  const jobs = useQuery({
    queryKey: ['importJobs'],
    queryFn: async () => (await request(ImportJobsQuery)).importJobs,
    refetchInterval: (q) => (q.state.data?.some((j) => isRunning(j.status)) ? 2000 : false),
  });
  const counts = (j: ImportJobSummaryFragment) =>
    t('import.countsLine', { created: j.created, updated: j.updated, unchanged: j.unchanged, duplicates: j.duplicates, errors: j.rowErrors });
  const file = (j: ImportJobSummaryFragment) => (
    <Space size={4} wrap style={{ maxWidth: phone ? undefined : 320 }}>
      <span className="kehu-break">{j.fileName}</span>
      {j.dryRun && <Tag>{t('import.dryRunTag')}</Tag>}
    </Space>
  );
  const status = (j: ImportJobSummaryFragment) => (
    <Space direction={phone ? 'horizontal' : 'vertical'} size={2}>
      <Tag color={IMPORT_STATUS_LABELS[j.status].color} style={{ marginInlineEnd: 0 }}>
        {label(IMPORT_STATUS_LABELS, j.status)}
        {isRunning(j.status) && j.total > 0 && ` ${Math.floor((j.processed * 100) / j.total)}%`}
      </Tag>
      {j.undoneAt && (
        <Tag color="purple" style={{ marginInlineEnd: 0 }} title={j.undoneBy ? `${j.undoneBy.name} · ${formatTime(j.undoneAt)}` : undefined}>
          {t('import.undoneTag')}
        </Tag>
      )}
    </Space>
  );
  const actions = (j: ImportJobSummaryFragment) => (
    <Space size={8} wrap={false}>
      <UndoImportButton job={j} size="small" />
      {j.resultFileUrl && (
        <a href={j.resultFileUrl} download aria-label={t('import.resultFileOf', { name: j.fileName })} title={t('import.resultFile')}>
          <DownloadOutlined />
        </a>
      )}
    </Space>
  );
  return (
    <Card
      size={phone ? 'small' : 'default'}
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('import.recent')}
        </Typography.Title>
      }
      data-testid="import-recent"
    >
      {jobs.error != null && <ErrorAlert error={jobs.error} />}
      {phone ? (
        <List
          dataSource={jobs.data ?? []}
          loading={jobs.isPending}
          rowKey="id"
          size="small"
          locale={{ emptyText: <Typography.Text type="secondary">{t('import.noRecent')}</Typography.Text> }}
          renderItem={(j) => (
            <List.Item data-testid="import-job" data-id={j.id} data-status={j.status} style={{ paddingInline: 0 }}>
              <Space direction="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
                {file(j)}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatTime(j.createdAt)} · {j.by?.name}
                </Typography.Text>
                {status(j)}
                <Typography.Text style={{ fontSize: 13 }}>{counts(j)}</Typography.Text>
                {(j.canUndo || j.resultFileUrl) && actions(j)}
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <Table<ImportJobSummaryFragment>
          dataSource={jobs.data ?? []}
          loading={jobs.isPending}
          rowKey="id"
          size="small"
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Typography.Text type="secondary">{t('import.noRecent')}</Typography.Text> }}
          onRow={(j) => ({ 'data-testid': 'import-job', 'data-id': j.id, 'data-status': j.status }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('import.col.file'),
              key: 'file',
              render: (_: unknown, j) => file(j),
            },
            {
              title: t('import.col.when'),
              key: 'when',
              render: (_: unknown, j) => (
                <Space direction="vertical" size={0}>
                  <span style={{ whiteSpace: 'nowrap' }}>{formatTime(j.createdAt)}</span>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {j.by?.name}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('import.col.status'),
              key: 'status',
              render: (_: unknown, j) => status(j),
            },
            {
              title: t('import.col.counts'),
              key: 'counts',
              render: (_: unknown, j) => <span style={{ whiteSpace: 'nowrap' }}>{counts(j)}</span>,
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, j) => actions(j),
            },
          ]}
        />
      )}
    </Card>
  );
}
