// A finished import's report: the counts, the problems (row, column, what)
// and the first rows' outcomes (action, customer, field changes old → new,
// how cells were read: 68万 → 680000.00), and the file with its result
// columns.
import { Alert, Card, Grid, List, Space, Statistic, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import type { ImportJobFieldsFragment } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { IMPORT_ACTION_LABELS } from '../../i18n/enums';
import { useStaff } from '../../components/StaffSelect';
import { changeFieldText, changeValueLabels, COUNTS } from './job';
import { REPORT_ROWS } from './operations';
import { importProblemText } from './problems';
import { useImportFields } from './useImportFields';

type Outcome = ImportJobFieldsFragment['outcomes'][number];
type Problem = ImportJobFieldsFragment['errors'][number];
type Change = Outcome['changes'][number];

const COUNT_COLOR: Record<string, string | undefined> = { created: '#237804', updated: '#003eb3', duplicates: '#ad4e00', rowErrors: '#a8071a' };
const MATCHED_BY: Record<string, MessageKey> = {
  CODE: 'import.matchedBy.CODE',
  CREDIT_CODE: 'import.matchedBy.CREDIT_CODE',
  NAME: 'import.matchedBy.NAME',
  PHONE: 'import.matchedBy.PHONE',
};

/** The five counts as cards. */
export function ImportCounts({ job }: { job: ImportJobFieldsFragment }) {
  const { label, lang } = useI18n();
  return (
    <div className="kehu-import-counts" data-testid="import-counts">
      {COUNTS.map((c) => (
        <Card key={c.key} size="small" data-testid={`import-count-${c.action}`} data-count={job[c.key]}>
          <Statistic
            title={label(IMPORT_ACTION_LABELS, c.action)}
            value={job[c.key]}
            formatter={(v) => Number(v).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US')}
            valueStyle={{ color: job[c.key] > 0 ? COUNT_COLOR[c.key] : undefined }}
          />
        </Card>
      ))}
    </div>
  );
}

export function JobReport({ job }: { job: ImportJobFieldsFragment }) {
  const { t, label, lang } = useI18n();
  const fields = useImportFields();
  const staff = useStaff();
  const phone = Grid.useBreakpoint().md === false;
  const people = new Map((staff.data ?? []).map((u) => [u.id, u.name]));

  const valueText = (c: Change, v: string) => {
    if (v === '') return t('import.empty');
    if (c.field === 'ownerId') return people.get(v) ?? v;
    const labels = changeValueLabels(c.field);
    return labels?.[v] ? labels[v][lang] : v;
  };
  const changeText = (c: Change) => {
    const name = changeFieldText(c.field, fields.find, lang);
    // A history column adds entries: its change is their count.
    if (c.field === 'interactions' || c.field === 'deals') return t('import.entriesAdded', { field: name, n: c.new });
    return c.old === ''
      ? t('import.changeSet', { field: name, value: valueText(c, c.new) })
      : t('import.changeFromTo', { field: name, old: valueText(c, c.old), new: valueText(c, c.new) });
  };
  const customer = (o: Outcome) => (
    <Space direction="vertical" size={0}>
      {o.code &&
        (o.customerId && !job.undoneAt ? (
          <Link to={`/customers/${encodeURIComponent(o.code)}`}>{o.code}</Link>
        ) : (
          <span>{o.code}</span>
        ))}
      {o.matchedBy && MATCHED_BY[o.matchedBy] && (
        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
          {t(MATCHED_BY[o.matchedBy]!)}
        </Typography.Text>
      )}
      {o.duplicates.length > 0 && (
        <span style={{ fontSize: 12 }}>
          {t('import.mayDuplicate')}{' '}
          {o.duplicates.map((code, i) => (
            <span key={code}>
              {i > 0 && '、'}
              <Link to={`/customers/${encodeURIComponent(code)}`}>{code}</Link>
            </span>
          ))}
        </span>
      )}
    </Space>
  );
  const changes = (o: Outcome) =>
    o.changes.length > 0 && (
      <ul className="kehu-import-changes">
        {o.changes.map((c, i) => (
          <li key={i}>{changeText(c)}</li>
        ))}
      </ul>
    );
  const notes = (o: Outcome) =>
    o.notes.length > 0 && (
      <ul className="kehu-import-changes">
        {o.notes.map((n, i) => (
          <li key={i}>
            <Typography.Text type="secondary">{n.column}</Typography.Text> {n.from} → {n.to === '' ? t('import.empty') : n.to}
          </li>
        ))}
      </ul>
    );
  const actionTag = (a: Outcome['action']) => (
    <Tag color={IMPORT_ACTION_LABELS[a].color} style={{ marginInlineEnd: 0 }}>
      {label(IMPORT_ACTION_LABELS, a)}
    </Tag>
  );
  const kindTag = (p: Problem) => (
    <Tag color={p.warning ? 'gold' : 'red'} style={{ marginInlineEnd: 0 }}>
      {p.warning ? t('import.warning') : t('import.error')}
    </Tag>
  );
  const what = (p: Problem) => importProblemText(p, lang, fields.label);
  const rowText = (row: number) => (row > 0 ? t('import.rowN', { n: row }) : t('import.wholeFile'));
  const pagination = { pageSize: 20, hideOnSinglePage: true, showSizeChanger: false, simple: phone };
  const shownRows = job.outcomes.length;
  const problems = job.errors.map((p, i) => ({ ...p, key: i }));

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="import-report">
      {job.resultFileUrl && (
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          <a href={job.resultFileUrl} download data-testid="import-result-file">
            <DownloadOutlined /> {t('import.resultFile')}
          </a>
          <Typography.Text type="secondary"> {t('import.resultFileHint')}</Typography.Text>
        </Typography.Paragraph>
      )}
      {problems.length > 0 && (
        <section aria-labelledby={`import-problems-${job.id}`}>
          <Typography.Title level={2} id={`import-problems-${job.id}`} style={{ fontSize: 16 }}>
            {t('import.problemsTitle', { n: problems.length })}
          </Typography.Title>
          {phone ? (
            <List
              dataSource={problems}
              size="small"
              bordered
              pagination={problems.length > 20 ? pagination : false}
              data-testid="import-errors"
              renderItem={(p) => (
                <List.Item data-testid="import-error" data-row={p.row} data-reason={p.reason}>
                  <Space direction="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
                    <Space size={8} wrap>
                      {kindTag(p)}
                      <Typography.Text strong>{rowText(p.row)}</Typography.Text>
                      {p.column && <Typography.Text type="secondary">{p.column}</Typography.Text>}
                    </Space>
                    <span className="kehu-break">{what(p)}</span>
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Table<Problem>
              dataSource={problems}
              className="kehu-import-table"
              size="small"
              pagination={pagination}
              scroll={{ x: 'max-content' }}
              data-testid="import-errors"
              onRow={(p) => ({ 'data-testid': 'import-error', 'data-row': p.row, 'data-reason': p.reason }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('import.col.row'), dataIndex: 'row', width: 56, render: (r: number) => (r > 0 ? r : '—') },
                { title: t('import.col.column'), dataIndex: 'column', render: (c: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{c ?? '—'}</span> },
                { title: t('import.col.kind'), key: 'kind', render: (_: unknown, p) => kindTag(p) },
                {
                  title: t('import.col.what'),
                  key: 'what',
                  render: (_: unknown, p) => (
                    <div style={{ minWidth: 200, maxWidth: 520 }} title={p.message}>
                      {what(p)}
                    </div>
                  ),
                },
              ]}
            />
          )}
        </section>
      )}
      {shownRows > 0 && (
        <section aria-labelledby={`import-outcomes-${job.id}`}>
          <Typography.Title level={2} id={`import-outcomes-${job.id}`} style={{ fontSize: 16 }}>
            {t('import.outcomesTitle')}
          </Typography.Title>
          {job.rows > REPORT_ROWS && shownRows >= REPORT_ROWS && (
            <Alert type="info" showIcon style={{ marginBottom: 8 }} message={t('import.firstRows', { n: REPORT_ROWS, rows: job.rows })} />
          )}
          {phone ? (
            <List
              dataSource={job.outcomes}
              rowKey="row"
              size="small"
              bordered
              pagination={shownRows > 20 ? pagination : false}
              data-testid="import-outcomes"
              renderItem={(o) => (
                <List.Item data-testid="import-outcome" data-row={o.row} data-action={o.action}>
                  <Space direction="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
                    <Space size={8} wrap align="start">
                      <Typography.Text strong>{rowText(o.row)}</Typography.Text>
                      {actionTag(o.action)}
                      {customer(o)}
                    </Space>
                    {changes(o)}
                    {notes(o)}
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Table<Outcome>
              dataSource={job.outcomes}
              rowKey="row"
              className="kehu-import-table"
              size="small"
              pagination={pagination}
              scroll={{ x: 'max-content' }}
              data-testid="import-outcomes"
              onRow={(o) => ({ 'data-testid': 'import-outcome', 'data-row': o.row, 'data-action': o.action }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('import.col.row'), dataIndex: 'row', width: 56 },
                { title: t('import.col.action'), key: 'action', render: (_: unknown, o) => actionTag(o.action) },
                { title: t('import.col.customer'), key: 'customer', render: (_: unknown, o) => customer(o) },
                { title: t('import.col.changes'), key: 'changes', render: (_: unknown, o) => changes(o) },
                { title: t('import.col.notes'), key: 'notes', render: (_: unknown, o) => notes(o) },
              ]}
            />
          )}
        </section>
      )}
    </Space>
  );
}
