// Step 2: what each column of the sheet is. The detected mapping (a saved
// one applied) with the user's corrections; every correction is checked by
// the server again (detectImportColumns with the mapping), whose problems
// (no name column, one field twice) block the dry run. Then the further key
// rows may match stored customers by.
import { Alert, Button, Radio, Space, Spin, Typography } from 'antd';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { upload } from '../../api/client';
import type { ColumnMappingInput, ImportMatchKey } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { errorText } from '../../lib/errorText';
import { ErrorAlert } from '../../components/States';
import { ColumnsTable, type Sheet } from './ColumnsTable';
import type { ColumnEdit, ColumnEdits } from './mapping';
import { DetectImportColumnsMutation } from './operations';
import { importErrorText, importProblemText, mappingProblems } from './problems';
import { useImportFields } from './useImportFields';

export type { Sheet } from './ColumnsTable';

interface Props {
  sheet: Sheet;
  edits: ColumnEdits;
  onEdit: (column: number, change: ColumnEdit) => void;
  mapping: ColumnMappingInput[];
  matchBy: ImportMatchKey | null;
  onMatchBy: (k: ImportMatchKey | null) => void;
  onBack: () => void;
  onStart: () => Promise<void>;
}

export function ColumnsStep({ sheet, edits, onEdit, mapping, matchBy, onMatchBy, onBack, onStart }: Props) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const fields = useImportFields();
  const corrected = mapping.length > 0;
  const check = useQuery({
    queryKey: ['importColumns', sheet.id, mapping],
    queryFn: async () => (await upload(DetectImportColumnsMutation, { file: sheet.file, mapping })).detectImportColumns,
    enabled: corrected,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const start = useMutation({ mutationFn: onStart });
  const current = corrected ? (check.data ?? sheet.detected) : sheet.detected;
  const checking = corrected && check.isFetching;
  const refused = corrected ? check.error : null;
  const onColumn = mappingProblems(refused ?? start.error, mapping);
  const problems = current.problems;
  const blocked = problems.length > 0 || checking || refused != null;
  const problem = (p: Parameters<typeof importProblemText>[0]) => importProblemText(p, lang, fields.label);

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="import-columns-step">
      <Typography.Text type="secondary" data-testid="import-file">
        {[
          current.fileName,
          current.encoding ? `${current.format} (${current.encoding})` : current.format,
          t('import.headerRow', { n: current.headerRow }),
          t('import.columnCount', { n: current.columns.length }),
        ].map((part, i) => (
          <span key={i} style={{ whiteSpace: 'nowrap' }}>
            {i > 0 && ' · '}
            {part}
          </span>
        ))}
      </Typography.Text>
      {current.saved && <Alert type="info" showIcon message={t('import.saved')} data-testid="import-saved" />}
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={t('import.problems')}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {problems.map((p, i) => (
                <li key={i}>{problem(p)}</li>
              ))}
            </ul>
          }
          data-testid="import-problems"
        />
      )}
      {refused && onColumn.size === 0 && <ErrorAlert error={refused} />}
      <Spin spinning={checking} delay={200} tip={t('import.checking')}>
        <ColumnsTable sheet={sheet} columns={current.columns} edits={edits} onEdit={onEdit} refusals={onColumn} />
      </Spin>
      <section aria-labelledby="import-match-title">
        <Typography.Title level={2} id="import-match-title" style={{ fontSize: 16 }}>
          {t('import.matchTitle')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('import.matchHelp')}</Typography.Paragraph>
        <Radio.Group value={matchBy ?? ''} onChange={(e) => onMatchBy((e.target.value as ImportMatchKey | '') || null)} data-testid="import-match-by">
          <Space direction="vertical">
            <Radio value="">{t('import.matchNone')}</Radio>
            <Radio value="NAME">{t('import.matchName')}</Radio>
            <Radio value="PHONE">{t('import.matchPhone')}</Radio>
          </Space>
        </Radio.Group>
      </section>
      {start.error != null && onColumn.size === 0 && (
        <Alert type="error" showIcon role="alert" message={importErrorText(start.error, lang, fields.label) ?? errorText(start.error, i18n)} />
      )}
      <div className="kehu-import-actions">
        <Button onClick={onBack} data-testid="import-back">
          {t('import.otherFile')}
        </Button>
        <Space wrap style={{ justifyContent: 'flex-end' }}>
          {problems.length > 0 && <Typography.Text type="danger">{t('import.fixFirst')}</Typography.Text>}
          <Button type="primary" onClick={() => start.mutate()} loading={start.isPending} disabled={blocked} data-testid="import-start-dry-run">
            {t('import.startDryRun')}
          </Button>
        </Space>
      </div>
    </Space>
  );
}
