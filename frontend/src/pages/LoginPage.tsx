import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, MailOutlined, GlobalOutlined } from '@ant-design/icons';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { request } from '../api/client';
import { LoginMutation } from '../api/operations';
import { isApiError } from '../api/errors';
import { useI18n } from '../i18n';
import { safeNext, useSession } from '../auth/session';
import { errorText } from '../lib/errorText';
import { prefetchCustomerList } from './customerListData';
import { PageHeading } from '../components/PageHeading';
import { colors } from '../theme';

interface LoginValues {
  email: string;
  password: string;
}

export function LoginPage() {
  const i18n = useI18n();
  const { t, lang, setLang } = i18n;
  const { me, signedIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  const expired = params.get('expired') === '1';

  if (me && !busy) return <Navigate to={next} replace />;

  const onFinish = async (v: LoginValues) => {
    performance.mark('kehu:login-submit');
    setBusy(true);
    setError(null);
    try {
      const res = await request(LoginMutation, { email: v.email.trim(), password: v.password });
      // Start loading the list while the router switches pages.
      if (next.startsWith('/customers') && !/^\/customers\/./.test(next)) {
        prefetchCustomerList(qc, new URLSearchParams(next.split('?')[1] ?? ''));
      }
      signedIn(res.login.user);
      navigate(next, { replace: true });
    } catch (e) {
      setError(isApiError(e) && e.code === 'UNAUTHENTICATED' ? t('login.failed') : errorText(e, i18n));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="kehu-login">
      <Card className="kehu-login-card" variant="borderless" style={{ boxShadow: '0 6px 24px rgba(0,0,0,0.08)' }}>
        <div style={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between' }}>
          <PageHeading title={t('login.title')} style={{ fontSize: 24, fontWeight: 600, margin: '0 0 12px', color: colors.primary }}>
            {t('app.name')}
          </PageHeading>
          <Button
            type="link"
            size="small"
            icon={<GlobalOutlined />}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            lang={lang === 'zh' ? 'en' : 'zh-CN'}
          >
            {t('login.language')}
          </Button>
        </div>
        <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
          {t('login.subtitle')}
        </Typography.Paragraph>
        {expired && !error && <Alert type="info" showIcon message={t('login.expired')} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
        <Form<LoginValues> layout="vertical" onFinish={onFinish} requiredMark={false} autoComplete="on">
          <Form.Item
            label={t('login.email')}
            name="email"
            rules={[{ required: true, whitespace: true, message: t('login.emailRequired') }]}
          >
            <Input prefix={<MailOutlined />} type="email" autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
