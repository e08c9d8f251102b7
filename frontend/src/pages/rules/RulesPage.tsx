// /rules: the classification rules in force (the seeds' defaults until a
// manager saves a set), and for those who may change them (me.canEditRules)
// the dry run: what the rules would change on today's customers, and what
// is wrong with them. The dry run writes nothing; the rules themselves are
// applied on every write and by the server's periodic pass.
import { useState } from 'react';
import { Alert, Button, Card, Grid, List, Space, Statistic, Table, Tag, Typography } from 'antd';
import { EditOutlined, ExperimentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { request } from '../../api/client';
import type { PreviewRulesQuery as PreviewData, RuleFieldsFragment, RuleField } from '../../gql/graphql';
import { localeFromLang, useI18n } from '../../i18n';
import { LIFECYCLE_LABELS, RULE_FIELD_LABELS, RULE_LINT_KIND_LABELS, TASK_KIND_LABELS, VALUE_TIER_LABELS } from '../../i18n/enums';
import { useSession } from '../../auth/session';
import { PageHeading } from '../../components/PageHeading';
import { ErrorState, PageLoading } from '../../components/States';
import { errorText } from '../../lib/errorText';
import { formatTime } from '../../lib/money';
import { PreviewRulesQuery, RulesQuery } from './operations';
import { RulesEditor } from './RulesEditor';

type Preview = PreviewData['previewRules'];

/** The changes the dry run lists. */
const PREVIEW_CHANGES = 20;

export default function RulesPage() {
  const i18n = useI18n();
  const { t, label, lang } = i18n;
  const { me } = useSession();
  const phone = Grid.useBreakpoint().md === false;
  const rules = useQuery({ queryKey: ['rules'], queryFn: async () => (await request(RulesQuery)).rules });
  const [asked, setAsked] = useState(false);
  const [editing, setEditing] = useState(false);
  const locale = localeFromLang(lang);
  const preview = useQuery({
    queryKey: ['rules-preview', locale],
    queryFn: async () => (await request(PreviewRulesQuery, { first: PREVIEW_CHANGES, locale })).previewRules,
    enabled: asked,
  });

  /** A value of a field as people read it ("" is unset). */
  const valueText = (field: RuleField, v: string | null | undefined): string => {
    if (!v) return t('rules.unset');
    switch (field) {
      case 'VALUE_TIER':
        return label(VALUE_TIER_LABELS, v as keyof typeof VALUE_TIER_LABELS);
      case 'LIFECYCLE':
        return label(LIFECYCLE_LABELS, v as keyof typeof LIFECYCLE_LABELS);
      case 'CADENCE_DAYS':
        return t('rules.everyDays', { n: v });
      default:
        return v;
    }
  };
  const fieldText = (field: RuleField, tag?: string | null) =>
    field === 'TAG' && tag ? `${label(RULE_FIELD_LABELS, field)} ${tag}` : label(RULE_FIELD_LABELS, field);

  const sets = (r: RuleFieldsFragment) => {
    const th = r.then;
    return (
      <Space size={[4, 4]} wrap>
        {th.valueTier && <Tag color={VALUE_TIER_LABELS[th.valueTier].color}>{label(VALUE_TIER_LABELS, th.valueTier)}</Tag>}
        {th.lifecycle && <Tag color={LIFECYCLE_LABELS[th.lifecycle].color}>{label(LIFECYCLE_LABELS, th.lifecycle)}</Tag>}
        {th.cadenceDays != null && <Tag>{t('rules.cadence', { n: th.cadenceDays })}</Tag>}
        {th.addTags.map((x) => (
          <Tag key={`+${x}`} color="red">
            {t('rules.addTag', { tag: x })}
          </Tag>
        ))}
        {th.removeTags.map((x) => (
          <Tag key={`-${x}`}>{t('rules.removeTag', { tag: x })}</Tag>
        ))}
      </Space>
    );
  };

  if (rules.isPending) return <PageLoading />;
  if (rules.error) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />;
  const set = rules.data;

  return (
    <div data-testid="rules-page">
      <PageHeading title={t('rules.title')} />
      <Typography.Paragraph type="secondary">{t('rules.intro')}</Typography.Paragraph>
      <Alert type="info" showIcon message={t('rules.notApplied')} style={{ marginBottom: 16 }} />
      <Card
        size={phone ? 'small' : 'default'}
        title={editing ? t('rules.editing') : t('rules.inForce')}
        extra={
          me?.canEditRules && !editing ? (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="rules-edit">
              {t('rules.edit')}
            </Button>
          ) : null
        }
        style={{ marginBottom: 16 }}
      >
        <Typography.Paragraph type="secondary" data-testid="rules-version">
          {set.version === 0
            ? t('rules.defaults')
            : t('rules.saved', { version: set.version, at: formatTime(set.updatedAt), by: set.updatedBy?.name ?? '' })}
        </Typography.Paragraph>
        {editing ? (
          <RulesEditor
            rules={set.rules}
            version={set.version}
            onDone={() => setEditing(false)}
            renderPreview={(p) => <PreviewView p={p} valueText={valueText} fieldText={fieldText} />}
          />
        ) : phone ? (
          <List
            dataSource={set.rules}
            rowKey="name"
            renderItem={(r) => (
              <List.Item data-testid="rule">
                <Space direction="vertical" size={2} style={{ width: '100%' }}>
                  <Typography.Text strong>{r.name}</Typography.Text>
                  <Typography.Text code style={{ wordBreak: 'break-all' }}>
                    {r.when || t('rules.everyCustomer')}
                  </Typography.Text>
                  {sets(r)}
                  <Typography.Text type="secondary">{t('rules.priorityN', { n: r.priority })}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table
            dataSource={set.rules}
            rowKey="name"
            pagination={false}
            size="small"
            onRow={() => ({ 'data-testid': 'rule' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('rules.name'), dataIndex: 'name', width: '22%' },
              {
                title: t('rules.when'),
                dataIndex: 'when',
                render: (w: string) => <Typography.Text code>{w || t('rules.everyCustomer')}</Typography.Text>,
              },
              { title: t('rules.then'), key: 'then', render: (_: unknown, r: RuleFieldsFragment) => sets(r), width: '28%' },
              { title: t('rules.priority'), dataIndex: 'priority', align: 'right', width: 80 },
            ]}
          />
        )}
      </Card>
      {me?.canEditRules && !editing && (
        <Card
          size={phone ? 'small' : 'default'}
          title={t('rules.preview')}
          extra={
            <Button icon={<ExperimentOutlined />} onClick={() => (asked ? void preview.refetch() : setAsked(true))} loading={preview.isFetching} data-testid="rules-preview">
              {asked ? t('rules.previewAgain') : t('rules.previewRun')}
            </Button>
          }
        >
          {!asked ? (
            <Typography.Paragraph type="secondary">{t('rules.previewHint')}</Typography.Paragraph>
          ) : preview.error ? (
            <Alert type="error" showIcon message={errorText(preview.error, i18n)} />
          ) : preview.data ? (
            <PreviewView p={preview.data} valueText={valueText} fieldText={fieldText} />
          ) : (
            <PageLoading />
          )}
        </Card>
      )}
    </div>
  );
}

function PreviewView({
  p,
  valueText,
  fieldText,
}: {
  p: Preview;
  valueText: (f: RuleField, v: string | null | undefined) => string;
  fieldText: (f: RuleField, tag?: string | null) => string;
}) {
  const { t, label } = useI18n();
  // On a phone the changes are a list (four columns do not fit 375 px);
  // the small tables keep their columns and scroll inside their own box.
  const phone = Grid.useBreakpoint().md === false;
  /** Whether a customer has the tag. */
  const tagState = (v: string | null | undefined) => (v ? t('rules.tagOn') : t('rules.tagOff'));
  type Change = Preview['changes'][number];
  const changeText = (x: Change) =>
    x.field === 'TAG'
      ? x.to
        ? t('rules.addTag', { tag: x.tag ?? '' })
        : t('rules.removeTag', { tag: x.tag ?? '' })
      : `${valueText(x.field, x.from)} → ${valueText(x.field, x.to)}`;
  const customerLink = (x: Change) => <Link to={`/customers/${encodeURIComponent(x.code)}`}>{`${x.code} ${x.name}`}</Link>;
  const changes = p.changes.map((x, i) => ({ ...x, key: i }));
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="rules-preview-result">
      <Space size={32} wrap>
        <Statistic title={t('rules.classified')} value={p.customers} />
        <Statistic title={t('rules.wouldChange')} value={p.changed} />
        {p.held > 0 && <Statistic title={t('rules.held')} value={p.held} />}
      </Space>
      <section aria-labelledby="rules-lint">
        <Typography.Title level={2} id="rules-lint" style={{ fontSize: 16 }}>
          {t('rules.lint')}
        </Typography.Title>
        {p.lint.length === 0 ? (
          <Alert type="success" showIcon message={t('rules.lintClean')} />
        ) : (
          <Space direction="vertical" style={{ width: '100%' }}>
            {p.lint.map((f, i) => (
              <Alert
                key={i}
                data-testid="rules-finding"
                type={RULE_LINT_KIND_LABELS[f.kind].color === 'error' ? 'error' : 'warning'}
                showIcon
                message={label(RULE_LINT_KIND_LABELS, f.kind)}
                description={f.message}
              />
            ))}
          </Space>
        )}
      </section>
      <section aria-labelledby="rules-transitions">
        <Typography.Title level={2} id="rules-transitions" style={{ fontSize: 16 }}>
          {t('rules.transitions')}
        </Typography.Title>
        <Table
          dataSource={p.transitions.map((x, i) => ({ ...x, key: i }))}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          size="small"
          scroll={{ x: 'max-content' }}
          onRow={() => ({ 'data-testid': 'rules-transition' }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('rules.field'), key: 'field', render: (_: unknown, x) => fieldText(x.field, x.tag) },
            { title: t('rules.from'), key: 'from', render: (_: unknown, x) => (x.field === 'TAG' ? tagState(x.from) : valueText(x.field, x.from)) },
            { title: t('rules.to'), key: 'to', render: (_: unknown, x) => (x.field === 'TAG' ? tagState(x.to) : valueText(x.field, x.to)) },
            { title: t('rules.customers'), dataIndex: 'customers', align: 'right' },
          ]}
        />
      </section>
      {p.tasks.length > 0 && (
        <section aria-labelledby="rules-tasks">
          <Typography.Title level={2} id="rules-tasks" style={{ fontSize: 16 }}>
            {t('rules.tasks')}
          </Typography.Title>
          <Table
            dataSource={p.tasks.map((x) => ({ ...x, key: x.kind }))}
            pagination={false}
            size="small"
            scroll={{ x: 'max-content' }}
            onRow={() => ({ 'data-testid': 'rules-task-effect' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('rules.taskKind'), key: 'kind', render: (_: unknown, x) => label(TASK_KIND_LABELS, x.kind) },
              { title: t('rules.tasksOpened'), dataIndex: 'opened', align: 'right' },
              { title: t('rules.tasksClosed'), dataIndex: 'closed', align: 'right' },
            ]}
          />
        </section>
      )}
      <section aria-labelledby="rules-changes">
        <Typography.Title level={2} id="rules-changes" style={{ fontSize: 16 }}>
          {t('rules.changes', { n: p.changes.length })}
        </Typography.Title>
        {phone ? (
          <List
            dataSource={changes}
            rowKey="key"
            size="small"
            renderItem={(x) => (
              <List.Item data-testid="rules-change" style={{ paddingInline: 8 }}>
                <Space direction="vertical" size={2} style={{ width: '100%', minWidth: 0 }}>
                  {customerLink(x)}
                  <span>
                    <Typography.Text type="secondary">{fieldText(x.field, x.tag)}</Typography.Text> {changeText(x)}
                  </span>
                  <Typography.Text type="secondary" style={{ overflowWrap: 'anywhere' }}>
                    {x.reason}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table
            dataSource={changes}
            pagination={false}
            size="small"
            scroll={{ x: true }}
            onRow={() => ({ 'data-testid': 'rules-change' }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('rules.customer'), key: 'customer', render: (_: unknown, x) => customerLink(x) },
              { title: t('rules.field'), key: 'field', render: (_: unknown, x) => fieldText(x.field, x.tag) },
              { title: t('rules.change'), key: 'change', render: (_: unknown, x) => changeText(x) },
              { title: t('rules.why'), dataIndex: 'reason' },
            ]}
          />
        )}
      </section>
    </Space>
  );
}
