import { Alert, Button, Empty, Result, Skeleton, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { errorText } from '../lib/errorText';
import { isApiError } from '../api/errors';

export function PageLoading({ rows = 6 }: { rows?: number }) {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite" aria-label={t('common.loading')} style={{ padding: 24 }}>
      <Skeleton active paragraph={{ rows }} />
    </div>
  );
}

export function FullPageSpin() {
  const { t } = useI18n();
  return (
    <div role="status" aria-label={t('common.loading')} style={{ display: 'grid', placeItems: 'center', minHeight: '60vh' }}>
      <Spin size="large" />
    </div>
  );
}

/** A failed load: a friendly sentence and a retry button. */
export function ErrorState({ error, onRetry, extra }: { error: unknown; onRetry?: () => void; extra?: ReactNode }) {
  const i18n = useI18n();
  const notFound = isApiError(error) && error.code === 'NOT_FOUND';
  const forbidden = isApiError(error) && error.code === 'FORBIDDEN';
  return (
    <Result
      status={notFound ? '404' : forbidden ? '403' : 'warning'}
      title={notFound ? i18n.t('error.notFound') : i18n.t('error.title')}
      subTitle={notFound ? undefined : errorText(error, i18n)}
      extra={
        <>
          {onRetry && !notFound && !forbidden && (
            <Button type="primary" onClick={onRetry}>
              {i18n.t('common.retry')}
            </Button>
          )}
          {extra}
        </>
      }
    />
  );
}

/** An inline error (e.g. above a form). */
export function ErrorAlert({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const i18n = useI18n();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      message={errorText(error, i18n)}
      closable={Boolean(onClose)}
      onClose={onClose}
      style={{ marginBottom: 16 }}
    />
  );
}

export function EmptyState({ description, children }: { description: ReactNode; children?: ReactNode }) {
  return (
    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description}>
      {children}
    </Empty>
  );
}
