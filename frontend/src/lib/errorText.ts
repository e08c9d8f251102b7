import { isApiError, type ApiError } from '../api/errors';
import type { I18n } from '../i18n';

/** A friendly sentence for any failure: never a raw error or a stack. */
export function errorText(err: unknown, i18n: Pick<I18n, 't' | 'problemText'>): string {
  const { t } = i18n;
  if (!isApiError(err)) return t('error.page');
  return apiErrorText(err, i18n);
}

function apiErrorText(err: ApiError, { t, problemText }: Pick<I18n, 't' | 'problemText'>): string {
  switch (err.code) {
    case 'NETWORK':
      return t('error.network');
    case 'INTERNAL':
      return err.requestId ? t('error.internal', { id: err.requestId }) : t('error.internalNoId');
    case 'FORBIDDEN':
      return t('error.forbidden');
    case 'NOT_FOUND':
      return t('error.notFound');
    case 'RATE_LIMITED':
      return `${t('error.rateLimited')} (${err.serverMessage})`;
    case 'UNAVAILABLE': // the one reason so far: DISK_FULL
      return t('error.diskFull');
    case 'UNAUTHENTICATED':
      return t('error.unauthenticated');
    case 'CONFLICT': {
      const f = err.fields[0];
      return f ? `${f.field.replace(/^input\./, '')}: ${problemText(f)}` : t('error.conflict');
    }
    case 'BAD_USER_INPUT': {
      const f = err.fields[0];
      // Without a field the request itself was refused (a response over the
      // size limit, an upload without its CSRF header): its reason, worded,
      // or else the server's sentence says why.
      return f
        ? `${t('error.badInput')} ${f.field.replace(/^input\./, '')}: ${problemText(f)}`
        : `${t('error.badRequest')} ${problemText({ reason: err.reason, message: err.serverMessage })}`;
    }
  }
}
