import { useEffect } from 'react';
import { Alert, Card } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { PasswordChangeForm } from './PasswordChangeForm';

/**
 * Shown instead of every page while an administrator's reset password is
 * in force: the server refuses everything else (PASSWORD_CHANGE_REQUIRED).
 */
export function MustChangePassword() {
  const { t } = useI18n();
  const { me, updateMe } = useSession();
  const qc = useQueryClient();
  useEffect(() => {
    document.title = `${t('settings.mustChangeTitle')} · ${t('app.name')}`;
  }, [t]);
  return (
    <div style={{ maxWidth: 480, margin: '0 auto' }} data-testid="must-change-password">
      <div className="kehu-page-head">
        <h1>{t('settings.mustChangeTitle')}</h1>
      </div>
      <Alert type="warning" showIcon message={t('settings.mustChangeBody')} style={{ marginBottom: 16 }} />
      <Card size="small">
        <PasswordChangeForm
          currentLabel={t('settings.tempPassword')}
          onChanged={() => {
            if (me) updateMe({ ...me, mustChangePassword: false });
            void qc.invalidateQueries();
          }}
        />
      </Card>
    </div>
  );
}
