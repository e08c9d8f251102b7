// One import job on the wizard: its progress while it runs (with a cancel
// button), then why it failed or stopped, and its report.
import type { ReactNode } from 'react';
import { Alert, Button, Progress, Space, Typography } from 'antd';
import { StopOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../api/client';
import type { ImportJobFieldsFragment } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { ErrorAlert, ErrorState, PageLoading } from '../../components/States';
import { durationText, isRunning, progressPercent } from './job';
import { ImportCounts, JobReport } from './JobReport';
import { CancelImportMutation } from './operations';
import { keepJob, useImportJob } from './useImportJob';

export function JobView({ id, actions }: { id: string; actions: (job: ImportJobFieldsFragment) => ReactNode }) {
  const { t } = useI18n();
  const q = useImportJob(id);
  if (q.isPending) return <PageLoading rows={3} />;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const job = q.data;
  if (!job) return <Alert type="warning" showIcon message={t('import.jobGone')} />;
  const running = isRunning(job.status);
  // What a job did: a cancelled commit wrote its batches; a cancelled dry run has nothing to show.
  const reported = job.status === 'DONE' || (job.status === 'CANCELLED' && !job.dryRun);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid={job.dryRun ? 'import-dry-run' : 'import-commit'} data-status={job.status}>
      {running ? (
        <JobProgress job={job} />
      ) : job.status === 'FAILED' ? (
        <Alert type="error" showIcon role="alert" message={t('import.failed')} description={job.message} data-testid="import-failed" />
      ) : job.status === 'CANCELLED' ? (
        <Alert type="warning" showIcon message={t(job.dryRun ? 'import.cancelledDryRun' : 'import.cancelled')} data-testid="import-cancelled" />
      ) : (
        <Alert
          type="success"
          showIcon
          message={t(job.dryRun ? 'import.dryRunDone' : 'import.commitDone', { n: job.total.toLocaleString() })}
          data-testid="import-done"
        />
      )}
      {q.error != null && <ErrorAlert error={q.error} />}
      {/* The counts, then what to do next, then the rows: a long report does not push the buttons away. */}
      {reported && <ImportCounts job={job} />}
      {actions(job)}
      {reported && <JobReport job={job} />}
    </Space>
  );
}

function JobProgress({ job }: { job: ImportJobFieldsFragment }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const cancel = useMutation({
    mutationFn: async () => (await request(CancelImportMutation, { id: job.id })).cancelImport,
    onSuccess: (j) => keepJob(qc, j),
  });
  const num = (n: number) => n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
  const parts = [
    job.status === 'QUEUED' ? t('import.queued') : job.total === 0 ? t('import.readingFile') : t('import.progress', { done: num(job.processed), total: num(job.total) }),
  ];
  if (job.rowsPerSecond != null && job.rowsPerSecond > 0) parts.push(t('import.rate', { n: num(Math.round(job.rowsPerSecond)) }));
  if (job.secondsLeft != null) parts.push(t('import.left', { time: durationText(job.secondsLeft, lang) }));
  return (
    <div data-testid="import-progress">
      <Typography.Text strong>{t(job.dryRun ? 'import.dryRunRunning' : 'import.commitRunning')}</Typography.Text>
      <Progress percent={progressPercent(job)} status="active" />
      <div className="kehu-import-actions">
        <Typography.Text type="secondary" aria-live="polite">
          {parts.join(' · ')}
        </Typography.Text>
        <Button icon={<StopOutlined />} onClick={() => cancel.mutate()} loading={cancel.isPending} data-testid="import-cancel">
          {t('import.cancel')}
        </Button>
      </div>
      {cancel.error != null && <ErrorAlert error={cancel.error} />}
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        {t(job.dryRun ? 'import.dryRunBackground' : 'import.commitBackground')}
      </Typography.Paragraph>
    </div>
  );
}
