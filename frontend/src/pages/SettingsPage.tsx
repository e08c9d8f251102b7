import { useState } from 'react';
import { App, Card, Descriptions, Radio, Space, Tag } from 'antd';
import { request } from '../api/client';
import { UpdateMySettingsMutation } from '../api/operations';
import type { Locale } from '../gql/graphql';
import { langFromLocale, localeFromLang, useI18n } from '../i18n';
import { LOCALE_LABELS, ROLE_LABELS, enumValues } from '../i18n/enums';
import { useSession } from '../auth/session';
import { PasswordChangeForm } from '../components/PasswordChangeForm';
import { errorText } from '../lib/errorText';
import { PageHeading } from '../components/PageHeading';

export default function SettingsPage() {
  const i18n = useI18n();
  const { t, lang, setLang, label } = i18n;
  const { me, updateMe } = useSession();
  const { message } = App.useApp();
  const [savingLang, setSavingLang] = useState(false);

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
        <PasswordChangeForm />
      </Card>
    </div>
  );
}
