// The import wizard: upload, columns, dry run, import. The chosen file is
// kept in memory: the dry run and the import both send it again with the
// same mapping and key, and the server works both out through one code path.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Grid, Space, Steps, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { upload } from '../../api/client';
import type { ImportJobFieldsFragment, ImportMatchKey } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { errorText } from '../../lib/errorText';
import { ColumnsStep, type Sheet } from './ColumnsStep';
import { isRunning, toWrite } from './job';
import { JobView } from './JobView';
import { editColumn, mappingInput, type ColumnEdits } from './mapping';
import { ImportCustomersMutation } from './operations';
import { importErrorText } from './problems';
import { UndoImportButton, UndoReport } from './UndoImport';
import { UploadStep } from './UploadStep';
import { useImportFields } from './useImportFields';
import { keepJob } from './useImportJob';

const STEPS: MessageKey[] = ['import.step.upload', 'import.step.columns', 'import.step.dryRun', 'import.step.commit'];

export function ImportWizard() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const qc = useQueryClient();
  const phone = Grid.useBreakpoint().md === false;
  const fields = useImportFields();
  const [sheet, setSheet] = useState<Sheet | null>(null);
  const [edits, setEdits] = useState<ColumnEdits>({});
  const [matchBy, setMatchBy] = useState<ImportMatchKey | null>(null);
  const [dryRunId, setDryRunId] = useState<string | null>(null);
  const [commitId, setCommitId] = useState<string | null>(null);
  const mapping = useMemo(() => (sheet ? mappingInput(sheet.detected.columns, edits, fields.byKey) : []), [sheet, edits, fields.byKey]);
  const step = !sheet ? 0 : !dryRunId ? 1 : !commitId ? 2 : 3;
  // A new step starts at its top (its button was at the bottom of the last
  // one). Always: while the step's content loads the page is briefly
  // shorter, and the card's position then says nothing.
  const card = useRef<HTMLDivElement>(null);
  const shown = useRef(step);
  useEffect(() => {
    if (shown.current === step) return;
    shown.current = step;
    if (window.scrollY > 0) card.current?.scrollIntoView({ block: 'start' });
  }, [step]);

  const start = async (dryRun: boolean) => {
    if (!sheet) return;
    const job = (await upload(ImportCustomersMutation, { file: sheet.file, dryRun, mapping, matchBy })).importCustomers;
    keepJob(qc, job);
    if (dryRun) setDryRunId(job.id);
    else setCommitId(job.id);
  };
  const commit = useMutation({ mutationFn: () => start(false) });
  const reset = () => {
    setSheet(null);
    setEdits({});
    setMatchBy(null);
    setDryRunId(null);
    setCommitId(null);
    commit.reset();
  };

  const dryRunActions = (job: ImportJobFieldsFragment) => {
    const n = toWrite(job);
    const ready = job.status === 'DONE';
    return (
      <>
        {ready && n === 0 && <Alert type="info" showIcon message={t('import.nothingToWrite')} />}
        {commit.error != null && (
          <Alert type="error" showIcon role="alert" message={importErrorText(commit.error, lang, fields.label) ?? errorText(commit.error, i18n)} />
        )}
        <div className="kehu-import-actions">
          <Button
            onClick={() => {
              commit.reset();
              setDryRunId(null);
            }}
            data-testid="import-back-to-columns"
          >
            {t('import.backToColumns')}
          </Button>
          {ready && (
            <Button type="primary" disabled={n === 0} loading={commit.isPending} onClick={() => commit.mutate()} data-testid="import-commit-button">
              {t('import.commit', { n: n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') })}
            </Button>
          )}
        </div>
      </>
    );
  };
  const commitActions = (job: ImportJobFieldsFragment) => (
    <>
      <UndoReport job={job} />
      {job.canUndo && <Typography.Text type="secondary">{t('import.undoWithin')}</Typography.Text>}
      <div className="kehu-import-actions">
        <Space wrap>
          <UndoImportButton job={job} />
          <Link to="/customers">{t('import.toCustomers')}</Link>
        </Space>
        <Button type="primary" onClick={reset} disabled={isRunning(job.status)} data-testid="import-again">
          {t('import.again')}
        </Button>
      </div>
    </>
  );

  return (
    <Card ref={card} size={phone ? 'small' : 'default'} style={{ marginBottom: 24, scrollMarginTop: 64 }} data-testid="import-wizard" data-step={step}>
      <Steps
        current={step}
        size="small"
        responsive={false}
        style={{ marginBottom: phone ? 16 : 24 }}
        // A phone has no room for four titles in a row: the current step's only.
        items={STEPS.map((key, i) => ({ title: !phone || i === step ? t(key) : undefined, 'aria-label': t(key) }))}
      />
      {step === 0 && (
        <UploadStep
          onRead={(file, detected) => {
            setSheet({ id: Date.now(), file, detected });
            setEdits({});
          }}
        />
      )}
      {step === 1 && sheet && (
        <ColumnsStep
          sheet={sheet}
          edits={edits}
          onEdit={(column, change) => setEdits((e) => editColumn(e, column, change))}
          mapping={mapping}
          matchBy={matchBy}
          onMatchBy={setMatchBy}
          onBack={reset}
          onStart={() => start(true)}
        />
      )}
      {step === 2 && dryRunId && <JobView key={dryRunId} id={dryRunId} actions={dryRunActions} />}
      {step === 3 && commitId && <JobView key={commitId} id={commitId} actions={commitActions} />}
    </Card>
  );
}
