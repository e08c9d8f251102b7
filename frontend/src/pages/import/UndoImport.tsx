// Taking back a committed import (undoImport): asked first, then what it
// did: the customers deleted and restored, and those left as they are
// (changed since, or gone).
import { Alert, App, Button, Popconfirm, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { request } from '../../api/client';
import { isApiError } from '../../api/errors';
import type { ImportJobSummaryFragment } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errorText';
import { UndoImportMutation } from './operations';
import { keepJob } from './useImportJob';

const REFUSED: Record<string, MessageKey> = {
  INVALID: 'import.undoRefused.INVALID',
  ALREADY: 'import.undoRefused.ALREADY',
  OUT_OF_RANGE: 'import.undoRefused.OUT_OF_RANGE',
};

export function UndoImportButton({ job, size }: { job: ImportJobSummaryFragment; size?: 'small' | 'middle' }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const undo = useMutation({
    mutationFn: async () => (await request(UndoImportMutation, { id: job.id })).undoImport,
    onSuccess: (done) => keepJob(qc, done),
    onError: (err) => {
      const reason = isApiError(err) ? err.fields[0]?.reason : undefined;
      void message.error(reason && REFUSED[reason] ? t(REFUSED[reason]!) : errorText(err, i18n));
      void qc.invalidateQueries({ queryKey: ['importJobs'] });
    },
  });
  if (!job.canUndo) return null;
  return (
    <Popconfirm
      title={t('import.undoConfirm', { name: job.fileName })}
      description={<div style={{ maxWidth: 280 }}>{t('import.undoHint')}</div>}
      okText={t('import.undo')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={() => undo.mutateAsync().catch(() => undefined)}
    >
      <Button size={size} icon={<RollbackOutlined />} loading={undo.isPending} data-testid="import-undo">
        {t('import.undo')}
      </Button>
    </Popconfirm>
  );
}

export function UndoReport({ job }: { job: ImportJobSummaryFragment }) {
  const { t, reasonText } = useI18n();
  const u = job.undo;
  if (!u) return null;
  return (
    <Alert
      type="success"
      showIcon
      data-testid="import-undo-report"
      message={t('import.undone', { deleted: u.deleted, restored: u.restored })}
      description={
        u.kept.length > 0 && (
          <>
            <Typography.Text>{t('import.kept', { n: u.kept.length })}</Typography.Text>
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {u.kept.map((k) => (
                <li key={k.customerId} data-reason={k.reason}>
                  <Link to={`/customers/${encodeURIComponent(k.code)}`}>{k.code}</Link> {reasonText(k.reason)}
                </li>
              ))}
            </ul>
          </>
        )
      }
    />
  );
}
