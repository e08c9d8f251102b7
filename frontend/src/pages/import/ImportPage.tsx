// /import: a worksheet's customers into Kehu (MANAGER, ADMIN). A wizard
// (upload, columns, dry run, import) and the latest imports below it, each
// taken back within 30 days by its undo.
import { useEffect } from 'react';
import { Typography } from 'antd';
import { ApiError } from '../../api/errors';
import { canImport, useSession } from '../../auth/session';
import { PageHeading } from '../../components/PageHeading';
import { ErrorState } from '../../components/States';
import { useI18n } from '../../i18n';
import { ImportWizard } from './ImportWizard';
import { RecentImports } from './RecentImports';

export default function ImportPage() {
  const { t } = useI18n();
  const { me } = useSession();
  // The wizard's height changes under the reader (a step's content loads,
  // a job's report arrives); the browser's scroll anchoring then keeps the
  // list below in place and scrolls the report away. Not on this page.
  useEffect(() => {
    const root = document.documentElement;
    const before = root.style.overflowAnchor;
    root.style.overflowAnchor = 'none';
    return () => {
      root.style.overflowAnchor = before;
    };
  }, []);
  if (!canImport(me)) return <ErrorState error={new ApiError('FORBIDDEN', 'only managers and admins may import customers')} />;
  return (
    <div data-testid="import-page" style={{ maxWidth: 1200 }}>
      <PageHeading title={t('import.title')} />
      <Typography.Paragraph type="secondary">{t('import.intro')}</Typography.Paragraph>
      <ImportWizard />
      <RecentImports />
    </div>
  );
}
