// The sheet's columns: header and sample cells, the field each is imported
// as (with the unit of a money field and the contact of a contact's field),
// how sure the detection is and its warnings. A table on a desktop, a card
// per column on a phone.
import { Grid, InputNumber, List, Select, Space, Table, Tag, Typography } from 'antd';
import type { FieldProblem } from '../../api/errors';
import type { MoneyUnit } from '../../gql/graphql';
import { useI18n, type MessageKey } from '../../i18n';
import { MONEY_UNIT_LABELS } from '../../i18n/enums';
import { columnValue, isContact, isMoney, type ColumnEdit, type ColumnEdits } from './mapping';
import { importProblemText } from './problems';
import type { DetectedColumns } from './UploadStep';
import { useImportFields } from './useImportFields';

export interface Sheet {
  /** Tells one chosen file from the next (the queries' key). */
  id: number;
  file: File;
  /** The columns as first detected: what edits are compared with. */
  detected: DetectedColumns;
}

type Column = DetectedColumns['columns'][number];

const GROUPS: Record<string, MessageKey> = {
  customer: 'import.group.customer',
  contact: 'import.group.contact',
  record: 'import.group.record',
  figure: 'import.group.figure',
};
const HOW: Record<string, MessageKey> = {
  header: 'import.how.header',
  synonym: 'import.how.synonym',
  sniffed: 'import.how.sniffed',
  user: 'import.how.user',
};
const CONFIDENCE: Record<string, { key: MessageKey; color: string }> = {
  high: { key: 'import.confidence.high', color: 'green' },
  medium: { key: 'import.confidence.medium', color: 'gold' },
  low: { key: 'import.confidence.low', color: 'red' },
};

interface Props {
  sheet: Sheet;
  /** The columns as last checked (the edits applied). */
  columns: Column[];
  edits: ColumnEdits;
  onEdit: (column: number, change: ColumnEdit) => void;
  /** The server's refusals of the mapping argument, by column. */
  refusals: ReadonlyMap<number, FieldProblem[]>;
}

export function ColumnsTable({ sheet, columns, edits, onEdit, refusals }: Props) {
  const { t, lang, options } = useI18n();
  const fields = useImportFields();
  const phone = Grid.useBreakpoint().md === false;
  const problem = (p: Parameters<typeof importProblemText>[0]) => importProblemText(p, lang, fields.label);

  const groups = [...new Set(fields.list.map((f) => f.group))];
  const fieldOptions = [
    { value: '', label: t('import.skip') },
    ...groups.map((g) => ({
      label: GROUPS[g] ? t(GROUPS[g]) : g,
      options: fields.list.filter((f) => f.group === g).map((f) => ({ value: f.key, label: f[lang] })),
    })),
  ];

  const header = (col: Column) => (
    <>
      <div className="kehu-break">{col.header || <Typography.Text type="secondary">{t('import.noHeader')}</Typography.Text>}</div>
      {col.samples.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} className="kehu-break">
          {t('import.samples', { values: col.samples.slice(0, 3).join(' · ') })}
        </Typography.Text>
      )}
    </>
  );

  const field = (col: Column) => {
    const base = sheet.detected.columns[col.index] ?? col;
    const v = columnValue(base, edits[col.index]);
    const info = v.field ? fields.byKey.get(v.field) : undefined;
    const refused = refusals.get(col.index) ?? [];
    return (
      <Space direction="vertical" size={4} style={{ width: phone ? '100%' : 210 }}>
        <Select
          value={v.field ?? ''}
          options={fieldOptions}
          showSearch
          optionFilterProp="label"
          style={{ width: '100%' }}
          aria-label={t('import.fieldOf', { column: `${col.letter} ${col.header}` })}
          onChange={(key: string) => onEdit(col.index, { field: key || null })}
          status={refused.length > 0 ? 'error' : undefined}
          data-testid="import-field"
        />
        {isMoney(info) && (
          <Select<MoneyUnit>
            size="small"
            value={v.unit ?? 'YUAN'}
            options={options(MONEY_UNIT_LABELS)}
            style={{ width: '100%' }}
            aria-label={t('import.unitOf', { column: col.letter })}
            onChange={(unit) => onEdit(col.index, { unit })}
            data-testid="import-unit"
          />
        )}
        {isContact(info) && (
          <InputNumber
            size="small"
            min={1}
            max={9}
            precision={0}
            value={v.contact ?? 1}
            addonBefore={t('import.contactNo')}
            style={{ width: '100%' }}
            aria-label={t('import.contactOf', { column: col.letter })}
            onChange={(n) => n != null && onEdit(col.index, { contact: n })}
            data-testid="import-contact"
          />
        )}
        {refused.map((f, i) => (
          <Typography.Text key={i} type="danger" style={{ fontSize: 12 }}>
            {problem(f)}
          </Typography.Text>
        ))}
      </Space>
    );
  };

  const recognised = (col: Column) => {
    if (!col.field) return <Tag>{t('import.notImported')}</Tag>;
    const c = col.confidence ? CONFIDENCE[col.confidence] : undefined;
    const saved = sheet.detected.saved && col.how === 'user' && !edits[col.index];
    return (
      <Space direction={phone ? 'horizontal' : 'vertical'} size={2} wrap>
        {c && (
          <Tag color={c.color} style={{ marginInlineEnd: 0 }}>
            {t(c.key)}
          </Tag>
        )}
        {col.how && (
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
            {saved ? t('import.how.saved') : HOW[col.how] ? t(HOW[col.how]!) : col.how}
          </Typography.Text>
        )}
      </Space>
    );
  };

  const warnings = (col: Column) =>
    col.warnings.length > 0 && (
      <div style={{ maxWidth: phone ? undefined : 320 }}>
        {col.warnings.map((w, i) => (
          <Typography.Paragraph key={i} type="warning" style={{ fontSize: 12, marginBottom: 4 }} data-reason={w.reason}>
            {problem(w)}
          </Typography.Paragraph>
        ))}
      </div>
    );

  if (phone) {
    return (
      <List
        dataSource={columns}
        rowKey="index"
        size="small"
        bordered
        data-testid="import-columns"
        renderItem={(col) => (
          <List.Item data-testid="import-column" data-letter={col.letter}>
            <Space direction="vertical" size={6} style={{ width: '100%', minWidth: 0 }}>
              <div style={{ display: 'flex', gap: 8 }}>
                <Typography.Text strong>{col.letter}</Typography.Text>
                <div style={{ minWidth: 0 }}>{header(col)}</div>
              </div>
              {field(col)}
              {recognised(col)}
              {warnings(col)}
            </Space>
          </List.Item>
        )}
      />
    );
  }
  return (
    <Table<Column>
      dataSource={columns}
      rowKey="index"
      size="small"
      pagination={false}
      scroll={{ x: 'max-content' }}
      className="kehu-import-table"
      data-testid="import-columns"
      onRow={(col) => ({ 'data-testid': 'import-column', 'data-letter': col.letter }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('import.col.letter'), dataIndex: 'letter', width: 48, render: (l: string) => <Typography.Text strong>{l}</Typography.Text> },
        { title: t('import.col.header'), key: 'header', render: (_: unknown, col) => <div style={{ maxWidth: 240 }}>{header(col)}</div> },
        { title: t('import.col.field'), key: 'field', render: (_: unknown, col) => field(col) },
        { title: t('import.col.confidence'), key: 'confidence', render: (_: unknown, col) => recognised(col) },
        { title: t('import.col.warnings'), key: 'warnings', render: (_: unknown, col) => warnings(col) },
      ]}
    />
  );
}
