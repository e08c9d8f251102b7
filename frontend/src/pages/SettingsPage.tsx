import { useState } from 'react';
import { App, Button, Card, Descriptions, Form, Input, Radio, Space, Tag } from 'antd';
import { request } from '../api/client';
import { ChangeMyPasswordMutation, UpdateMySettingsMutation } from '../api/operations';
import type { Locale } from '../gql/graphql';
import { langFromLocale, localeFromLang, useI18n } from '../i18n';
import { LOCALE_LABELS, ROLE_LABELS, enumValues } from '../i18n/enums';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/States';
import { applyServerErrors } from '../lib/formErrors';
import { knownNames } from '../lib/fieldPath';
import { errorText } from '../lib/errorText';
import { PageHeading } from '../components/PageHeading';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const knownPw = knownNames(['currentPassword', 'newPassword']);

export default function SettingsPage() {
  const i18n = useI18n();
  const { t, lang, setLang, label, problemText, reasonText } = i18n;
  const { me, updateMe } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const [savingLang, setSavingLang] = useState(false);
  const [savingPw, setSavingPw] = useState(false);
  const [pwError, setPwError] = useState<unknown>(null);

  const changeLocale = async (locale: Locale) => {
    const previous = lang;
    setLang(langFromLocale(locale));
    setSavingLang(true);
    try {
      const res = await request(UpdateMySettingsMutation, { input: { locale } });
      updateMe(res.updateMySettings);
      message.success(langFromLocale(locale) === 'zh' ? '语言已切换' : 'Language changed');
    } catch (e) {
      setLang(previous);
      message.error(errorText(e, i18n));
    } finally {
      setSavingLang(false);
    }
  };

  const changePassword = async (v: PasswordValues) => {
    setSavingPw(true);
    setPwError(null);
    try {
      await request(ChangeMyPasswordMutation, { currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      message.success(t('settings.passwordChanged'));
    } catch (e) {
      const res = applyServerErrors(form, e, knownPw, problemText);
      if (!res.onFields) setPwError(e);
    } finally {
      setSavingPw(false);
    }
  };

  return (
    <div style={{ maxWidth: 640 }}>
      <div className="kehu-page-head">
        <PageHeading title={t('settings.title')} />
      </div>
      {me && (
        <Card size="small" title={t('settings.profile')} style={{ marginBottom: 16 }}>
          <Descriptions
            column={1}
            size="small"
            items={[
              { key: 'name', label: t('users.name'), children: me.name },
              { key: 'email', label: t('users.email'), children: me.email },
              { key: 'role', label: t('users.role'), children: me.role && <Tag color={ROLE_LABELS[me.role].color}>{label(ROLE_LABELS, me.role)}</Tag> },
            ]}
          />
        </Card>
      )}
      <Card size="small" title={t('settings.language')} style={{ marginBottom: 16 }}>
        <Radio.Group
          value={localeFromLang(lang)}
          onChange={(e) => void changeLocale(e.target.value as Locale)}
          disabled={savingLang}
          aria-label={t('settings.language')}
          data-testid="language-switch"
        >
          <Space direction="vertical">
            {enumValues(LOCALE_LABELS).map((l) => (
              <Radio key={l} value={l}>
                <span lang={l === 'EN' ? 'en' : 'zh-CN'}>{LOCALE_LABELS[l][l === 'EN' ? 'en' : 'zh']}</span>
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Card>
      <Card size="small" title={t('settings.password')}>
        <ErrorAlert error={pwError} onClose={() => setPwError(null)} />
        <Form<PasswordValues> name="password" form={form} layout="vertical" onFinish={(v) => void changePassword(v)} disabled={savingPw}>
          <Form.Item name="currentPassword" label={t('settings.currentPassword')} rules={[{ required: true, message: reasonText('REQUIRED') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('settings.newPassword')}
            extra={t('users.passwordHint')}
            rules={[{ required: true, message: reasonText('REQUIRED') }]}
          >
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
          <Button type="primary" htmlType="submit" loading={savingPw}>
            {t('settings.changePassword')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
