// /quality: the data quality report (dataQuality; MANAGER, ADMIN, ANALYST):
// the average completeness, customers by completeness, the fields missing
// most, the findings of the monthly clean-up with the customers concerned,
// the least complete customers; managers and admins remove every repeated
// follow-up record in one go.
import { App, Button, Card, Col, Grid, List, Popconfirm, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ClearOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { request } from '../../api/client';
import { ApiError } from '../../api/errors';
import { canMergeCustomers, canViewQuality, useSession } from '../../auth/session';
import type { DataQualityQuery as DataQualityQueryType } from '../../gql/graphql';
import { PageHeading } from '../../components/PageHeading';
import { ErrorState, PageLoading } from '../../components/States';
import { useI18n } from '../../i18n';
import { QUALITY_FIELD_LABELS, QUALITY_FINDING_KIND_LABELS, type QualityField } from '../../i18n/enums';
import { errorText } from '../../lib/errorText';
import { formatDate, formatTime } from '../../lib/money';
import { colors } from '../../theme';
import { DataQualityQuery, RemoveAllRepeatedFollowUpsMutation } from './operations';

type Report = DataQualityQueryType['dataQuality'];
type Ref = { id: string; code: string; name: string };

function CustomerLinks({ refs, total, testId }: { refs: Ref[]; total: number; testId?: string }) {
  const { t } = useI18n();
  if (refs.length === 0) return null;
  return (
    <div data-testid={testId}>
      <Space size={[8, 4]} wrap>
        {refs.map((r) => (
          <Link key={r.id} to={`/customers/${encodeURIComponent(r.code)}`} title={r.name} data-testid="quality-drill" data-code={r.code}>
            {r.code}
          </Link>
        ))}
      </Space>
      {total > refs.length && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 4 }}>
          {t('quality.drillMore', { n: total - refs.length })}
        </Typography.Text>
      )}
    </div>
  );
}

function fieldLabel(field: string, label: ReturnType<typeof useI18n>['label']): string {
  return field in QUALITY_FIELD_LABELS ? label(QUALITY_FIELD_LABELS, field as QualityField) : field;
}

export default function QualityPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const phone = Grid.useBreakpoint().md === false;
  const allowed = canViewQuality(me);
  const report = useQuery({
    queryKey: ['dataQuality'],
    queryFn: async () => (await request(DataQualityQuery)).dataQuality,
    enabled: allowed,
  });
  if (!allowed) return <ErrorState error={new ApiError('FORBIDDEN', 'only managers, admins and analysts may read the data quality report')} />;
  return (
    <div data-testid="quality-page" style={{ maxWidth: 1200 }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 8, marginBottom: 8 }}>
        <PageHeading title={t('quality.title')} style={{ margin: 0 }} />
        {canMergeCustomers(me) && report.data && <Cleanup />}
      </div>
      <Typography.Paragraph type="secondary">{t('quality.intro')}</Typography.Paragraph>
      {report.error != null && <ErrorState error={report.error} onRetry={() => void report.refetch()} />}
      {report.isPending && <PageLoading />}
      {report.data && <Report r={report.data} phone={phone} />}
      {report.data && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
          {t('quality.at', { time: formatTime(report.data.at) })}
        </Typography.Paragraph>
      )}
    </div>
  );
}

function Cleanup() {
  const i18n = useI18n();
  const { t } = i18n;
  const { message } = App.useApp();
  const qc = useQueryClient();
  const clean = useMutation({
    mutationFn: async () => (await request(RemoveAllRepeatedFollowUpsMutation)).removeAllRepeatedFollowUps,
    onSuccess: (r) => {
      const text = t('quality.cleaned', { customers: r.customers, removed: r.removed });
      if (r.changed.length > 0) {
        void message.warning(`${text} · ${t('quality.cleanedChanged', { n: r.changed.length, codes: r.changed.map((c) => c.code).join('、') })}`, 8);
      } else {
        void message.success(text);
      }
    },
    onError: (err) => void message.error(errorText(err, i18n)),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['dataQuality'] });
      void qc.invalidateQueries({ queryKey: ['customer'] });
    },
  });
  return (
    <Popconfirm
      title={t('quality.cleanup')}
      description={<div style={{ maxWidth: 280 }}>{t('quality.cleanupConfirm')}</div>}
      okText={t('quality.cleanup')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={() => clean.mutateAsync().catch(() => undefined)}
    >
      <Button icon={<ClearOutlined />} loading={clean.isPending} data-testid="quality-cleanup">
        {t('quality.cleanup')}
      </Button>
    </Popconfirm>
  );
}

function Report({ r, phone }: { r: Report; phone: boolean }) {
  const { t, label } = useI18n();
  const most = Math.max(1, ...r.histogram.map((b) => b.customers));
  const title = (text: string) => (
    <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
      {text}
    </Typography.Title>
  );
  const size = phone ? 'small' : 'default';
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card size={size} title={title(t('quality.average'))} style={{ height: '100%' }} data-testid="quality-average">
            <Space size={24} align="center" wrap>
              <Progress type="circle" percent={r.averageCompleteness} format={(p) => `${p}`} size={phone ? 100 : 120} strokeColor={colors.primary} aria-label={t('quality.average')} />
              <Statistic title={t('quality.customers')} value={r.customers} valueRender={(v) => <span data-testid="quality-customers" data-count={r.customers}>{v}</span>} />
            </Space>
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card size={size} title={title(t('quality.histogram'))} style={{ height: '100%' }} data-testid="quality-histogram">
            <Space direction="vertical" size={6} style={{ width: '100%' }}>
              {r.histogram.map((b) => (
                <Row key={b.min} gutter={8} align="middle" data-testid="quality-bucket" data-min={b.min} data-customers={b.customers}>
                  <Col flex="72px">
                    <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
                      {t('quality.bucket', { min: b.min, max: b.max })}
                    </Typography.Text>
                  </Col>
                  <Col flex="auto" style={{ minWidth: 0 }}>
                    <Progress percent={(b.customers * 100) / most} showInfo={false} strokeColor={colors.primary} aria-label={`${t('quality.bucket', { min: b.min, max: b.max })}: ${b.customers}`} />
                  </Col>
                  <Col flex="48px" style={{ textAlign: 'end' }}>
                    {b.customers}
                  </Col>
                </Row>
              ))}
            </Space>
          </Card>
        </Col>
      </Row>

      <Card size={size} title={title(t('quality.findings'))} data-testid="quality-findings">
        <Row gutter={[12, 12]}>
          {r.findings.map((f) => (
            <Col xs={24} md={12} xl={8} key={f.kind}>
              <Card size="small" data-testid="quality-finding" data-kind={f.kind} data-customers={f.customers} style={{ height: '100%' }}>
                <Space direction="vertical" size={6} style={{ width: '100%', minWidth: 0 }}>
                  <Space size={8} wrap>
                    <Tag color={QUALITY_FINDING_KIND_LABELS[f.kind].color} style={{ marginInlineEnd: 0 }}>
                      {label(QUALITY_FINDING_KIND_LABELS, f.kind)}
                    </Tag>
                    <Typography.Text strong>
                      {f.customers === 0 ? t('quality.noFinding') : f.records !== f.customers ? t('quality.findingCounts', { customers: f.customers, records: f.records }) : t('quality.findingCustomers', { customers: f.customers })}
                    </Typography.Text>
                  </Space>
                  {f.kind === 'STALE' && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('quality.staleBefore', { date: formatDate(r.staleBefore.slice(0, 10)) })}
                    </Typography.Text>
                  )}
                  <CustomerLinks refs={f.drill} total={f.customers} />
                </Space>
              </Card>
            </Col>
          ))}
        </Row>
      </Card>

      <Card size={size} title={title(t('quality.missing'))} data-testid="quality-missing">
        {phone ? (
          <List
            dataSource={r.missing}
            rowKey="field"
            size="small"
            renderItem={(m) => (
              <List.Item data-testid="quality-missing-field" data-field={m.field} style={{ paddingInline: 0, display: 'block' }}>
                <Space direction="vertical" size={4} style={{ width: '100%', minWidth: 0 }}>
                  <Space size={8} wrap>
                    <Typography.Text strong>{fieldLabel(m.field, label)}</Typography.Text>
                    <Typography.Text>
                      {t('quality.missingCount')} {m.customers}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {t('quality.weight')} {m.weight}
                    </Typography.Text>
                  </Space>
                  <CustomerLinks refs={m.drill.slice(0, 8)} total={m.customers} />
                </Space>
              </List.Item>
            )}
          />
        ) : (
          <Table
            dataSource={r.missing}
            rowKey="field"
            size="small"
            pagination={false}
            onRow={(m) => ({ 'data-testid': 'quality-missing-field', 'data-field': m.field }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: t('quality.field'), key: 'field', width: 200, render: (_: unknown, m) => fieldLabel(m.field, label) },
              { title: t('quality.missingCount'), dataIndex: 'customers', key: 'customers', width: 120, align: 'right' },
              { title: t('quality.weight'), dataIndex: 'weight', key: 'weight', width: 80, align: 'right' },
              { title: '', key: 'drill', render: (_: unknown, m) => <CustomerLinks refs={m.drill.slice(0, 10)} total={m.customers} /> },
            ]}
          />
        )}
      </Card>

      <Card size={size} title={title(t('quality.least'))} data-testid="quality-least">
        <List
          dataSource={r.leastComplete}
          rowKey={(s) => s.customer.id}
          size="small"
          grid={phone ? undefined : { gutter: 16, column: 2 }}
          renderItem={(s) => (
            <List.Item style={{ paddingInline: 0, marginBlockEnd: phone ? undefined : 4 }} data-testid="quality-least-item">
              <Row gutter={8} align="middle" wrap={false} style={{ width: '100%' }}>
                <Col flex="auto" style={{ minWidth: 0 }}>
                  <Link to={`/customers/${encodeURIComponent(s.customer.code)}`} className="kehu-break">
                    {s.customer.code} · {s.customer.name}
                  </Link>
                </Col>
                <Col flex="110px">
                  <Progress percent={s.score} size="small" strokeColor={colors.primary} format={(p) => `${p}`} aria-label={`${t('quality.score')} ${s.score}`} />
                </Col>
              </Row>
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
