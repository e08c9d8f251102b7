import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';
import { PageHeading } from '../components/PageHeading';

export default function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={<PageHeading title={t('common.notFoundPage')}>404</PageHeading>}
      subTitle={t('common.notFoundPage')}
      extra={
        <Button type="primary" onClick={() => navigate('/customers')}>
          {t('common.goHome')}
        </Button>
      }
    />
  );
}
