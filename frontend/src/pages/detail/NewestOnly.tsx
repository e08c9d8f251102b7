import { Typography } from 'antd';
import { useI18n } from '../../i18n';

/**
 * Says that a section shows only the newest of a customer's records: the
 * customer page asks for at most so many of each list (RECORD_LIMIT and
 * friends in api/operations.ts), which the server's complexity limit bounds.
 */
export function NewestOnly({ shown, total }: { shown: number; total?: number }) {
  const { t } = useI18n();
  return (
    <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="newest-only">
      {total != null ? t('detail.newestOfTotal', { n: shown, total }) : t('detail.newestOnly', { n: shown })}
    </Typography.Paragraph>
  );
}
