import { useState } from 'react';
import { App, Button, Form, Input } from 'antd';
import { request } from '../api/client';
import { ChangeMyPasswordMutation } from '../api/operations';
import { useI18n } from '../i18n';
import { applyServerErrors } from '../lib/formErrors';
import { knownNames } from '../lib/fieldPath';
import { ErrorAlert } from './States';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const knownPw = knownNames(['currentPassword', 'newPassword']);

/** Changes the signed-in user's password (settings, and the forced change after a reset). */
export function PasswordChangeForm({ currentLabel, onChanged }: { currentLabel?: string; onChanged?: () => void }) {
  const { t, problemText, reasonText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const change = async (v: PasswordValues) => {
    setSaving(true);
    setError(null);
    try {
      await request(ChangeMyPasswordMutation, { currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      message.success(t('settings.passwordChanged'));
      onChanged?.();
    } catch (e) {
      const res = applyServerErrors(form, e, knownPw, problemText);
      if (!res.onFields) setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <ErrorAlert error={error} onClose={() => setError(null)} />
      <Form<PasswordValues> name="password" form={form} layout="vertical" onFinish={(v) => void change(v)} disabled={saving}>
        <Form.Item name="currentPassword" label={currentLabel ?? t('settings.currentPassword')} rules={[{ required: true, message: reasonText('REQUIRED') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label={t('settings.newPassword')} extra={t('users.passwordHint')} rules={[{ required: true, message: reasonText('REQUIRED') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('settings.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: reasonText('REQUIRED') },
            ({ getFieldValue }) => ({
              validator: (_, v: string | undefined) =>
                !v || v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('settings.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('settings.changePassword')}
        </Button>
      </Form>
    </>
  );
}
