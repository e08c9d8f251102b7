import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Grid, Popconfirm, Row, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, FormOutlined, InboxOutlined, UndoOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams, type NavigateFunction } from 'react-router-dom';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../api/client';
import { ArchiveCustomerMutation, CustomerQuery, HISTORY_LIMIT, MAX_INTERACTION_LIMIT, RECORD_LIMIT, RestoreCustomerMutation } from '../api/operations';
import { useI18n } from '../i18n';
import { CUSTOMER_TYPE_LABELS, INTENT_GRADE_LABELS, LIFECYCLE_LABELS, NEED_TYPE_LABELS, STAGE_LABELS, VALUE_TIER_LABELS } from '../i18n/enums';
import { EnumTag } from '../components/EnumTag';
import { ErrorState, PageLoading } from '../components/States';
import { errorText } from '../lib/errorText';
import { lastListPath } from '../lib/listMemory';
import { RETURNS_BACK } from '../lib/history';
import { formatTime } from '../lib/money';
import { QuickLog } from './detail/QuickLog';
import { InteractionTimeline } from './detail/Timeline';
import { ContactsSection } from './detail/Contacts';
import { NeedsSection } from './detail/Needs';
import { DealsSection } from './detail/Deals';
import { SatisfactionSection } from './detail/Satisfaction';
import { HistorySection } from './detail/History';
import { InteractionModal } from './detail/InteractionModal';
import { ReachBar } from './detail/ReachBar';
import { ClassificationCard } from './detail/Classification';
import { TasksCard } from './detail/Tasks';
import { ServiceRequestsCard } from './detail/ServiceRequests';
import type { Detail, DetailInteraction, SectionProps } from './detail/types';
import { PageHeading } from '../components/PageHeading';
import { EMPLOYEE_BAND_CHOICES, REVENUE_BAND_CHOICES, SOURCE_CHOICES } from '../i18n/choices';
import { colors } from '../theme';
import { Money } from '../components/Money';
import { rememberRecent } from '../lib/recent';
import { useSession } from '../auth/session';
import { DIGEST_KEY } from '../components/useDigest';

const FIRST_INTERACTIONS = 30;
const MORE_INTERACTIONS = 50;

export default function CustomerDetailPage() {
  const { code = '' } = useParams<{ code: string }>();
  const i18n = useI18n();
  const { t, label } = i18n;
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const screens = Grid.useBreakpoint();
  const [limit, setLimit] = useState(FIRST_INTERACTIONS);
  // ?log=1 (a follow-up task's 记录跟进) opens the log dialog at once.
  const [params, setParams] = useSearchParams();
  const [logOpen, setLogOpen] = useState(params.get('log') === '1');
  useEffect(() => {
    if (params.has('log')) setParams((p) => { p.delete('log'); return p; }, { replace: true });
  }, [params, setParams]);
  // The interaction being corrected; a fresh dialog (key) for every opening.
  const [editingInteraction, setEditingInteraction] = useState<DetailInteraction | null>(null);
  const [editKey, setEditKey] = useState(0);
  const [editOpen, setEditOpen] = useState(false);
  const [tab, setTab] = useState('timeline');

  const query = useQuery({
    queryKey: ['customer', code, limit],
    queryFn: async () =>
      (await request(CustomerQuery, { code, interactionLimit: limit, recordLimit: RECORD_LIMIT, historyLimit: HISTORY_LIMIT })).customer,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
  });
  const c = query.data ?? null;
  const { me } = useSession();
  // 最近查看: this customer goes first in the list's and the switcher's recent ones.
  useEffect(() => {
    if (c) rememberRecent(me?.id, { code: c.code, name: c.name });
  }, [c?.code, c?.name, me?.id]);

  const reload = useCallback(async (): Promise<Detail | null> => {
    void qc.invalidateQueries({ queryKey: ['customers'] });
    // A logged follow-up or a completed next action closes tasks.
    void qc.invalidateQueries({ queryKey: ['tasks'] });
    void qc.invalidateQueries({ queryKey: DIGEST_KEY });
    // A complaint logged on an interaction opens a service request.
    void qc.invalidateQueries({ queryKey: ['service'] });
    const res = await query.refetch();
    return res.data ?? null;
  }, [qc, query]);

  if (query.isPending) return <PageLoading rows={12} />;
  if (!c) return <ErrorState error={query.error} onRetry={() => void query.refetch()} extra={<Button onClick={() => navigate('/customers')}>{t('common.goHome')}</Button>} />;

  // The server decides (docs/API.md, Roles); the app only asks.
  const canEdit = c.viewerCanEdit;
  const canLog = c.viewerCanLog;
  const section: SectionProps = { customer: c, canEdit, canLog, reload };
  const mobile = screens.md === false;

  const archive = async () => {
    try {
      if (c.archivedAt) await request(RestoreCustomerMutation, { id: c.id, expectedVersion: c.version });
      else await request(ArchiveCustomerMutation, { id: c.id, expectedVersion: c.version });
      message.success(t('common.saved'));
    } catch (e) {
      message.error(errorText(e, i18n));
    }
    await reload();
  };

  const stats = (
    <Card size="small" style={{ marginBottom: 16 }} className="kehu-stats">
      <Row gutter={[16, 12]}>
        <Col xs={12} sm={8} lg={4}>
          <Statistic title={t('detail.interactionCount')} value={c.interactionCount} />
        </Col>
        <Col xs={12} sm={8} lg={5}>
          <Statistic title={t('detail.lastContact')} value={c.lastInteractionAt ? formatTime(c.lastInteractionAt, false) : t('detail.never')} />
        </Col>
        <Col xs={12} sm={8} lg={5}>
          <Statistic
            title={t('detail.totalAmount')}
            valueRender={() => <Money value={c.totalAmount} />}
            suffix={<span style={{ fontSize: 13 }} className="kehu-muted">{t('detail.deals', { n: c.dealCount })}</span>}
          />
        </Col>
        <Col xs={12} sm={8} lg={4}>
          <Statistic
            title={t('detail.avgSatisfaction')}
            value={c.avgSatisfaction == null ? t('detail.noScore') : c.avgSatisfaction.toFixed(1)}
            suffix={c.satisfactionCount > 0 ? <span style={{ fontSize: 13 }} className="kehu-muted">({c.satisfactionCount})</span> : undefined}
          />
        </Col>
        <Col xs={12} sm={8} lg={3}>
          <Statistic title={t('detail.openNeeds')} value={c.openNeedCount} />
        </Col>
        <Col xs={12} sm={8} lg={3}>
          <Statistic title={t('detail.complaints')} value={c.complaintCount} valueStyle={c.complaintCount > 0 ? { color: '#cf1322' } : undefined} />
        </Col>
      </Row>
    </Card>
  );

  const profile = (
    <Card size="small" title={t('detail.profile')} style={{ marginBottom: 16 }}>
      <Descriptions
        column={1}
        size="small"
        colon={false}
        labelStyle={{ width: 120, color: colors.textMuted }}
        items={[
          { key: 'creditCode', label: t('customer.creditCode'), children: c.creditCode || '—' },
          { key: 'type', label: t('customer.type'), children: label(CUSTOMER_TYPE_LABELS, c.type) },
          { key: 'needType', label: t('customer.needType'), children: label(NEED_TYPE_LABELS, c.needType) || '—' },
          { key: 'industry', label: t('customer.industry'), children: c.industry || '—' },
          { key: 'size', label: t('customer.employeeBand'), children: [i18n.choice(EMPLOYEE_BAND_CHOICES, c.employeeBand), i18n.choice(REVENUE_BAND_CHOICES, c.revenueBand)].filter(Boolean).join(' / ') || '—' },
          { key: 'region', label: t('col.region'), children: [c.province, c.city].filter(Boolean).join(' ') || '—' },
          { key: 'address', label: t('customer.address'), children: c.address || '—' },
          {
            key: 'website',
            label: t('customer.website'),
            children: c.website ? (
              <a href={c.website} target="_blank" rel="noreferrer noopener">
                {c.website}
              </a>
            ) : (
              '—'
            ),
          },
          { key: 'foundedOn', label: t('customer.foundedOn'), children: c.foundedOn ?? '—' },
          { key: 'mainBusiness', label: t('customer.mainBusiness'), children: c.mainBusiness || '—' },
          { key: 'source', label: t('customer.source'), children: i18n.choice(SOURCE_CHOICES, c.source) || '—' },
          { key: 'owner', label: t('customer.owner'), children: c.owner?.name ?? '—' },
          { key: 'collaborators', label: t('customer.collaborators'), children: c.collaborators.map((u) => u.name).join('、') || '—' },
          { key: 'comm', label: t('customer.commPreference'), children: c.commPreference || '—' },
          { key: 'notes', label: t('customer.notes'), children: <span className="kehu-pre">{c.notes || '—'}</span> },
          { key: 'created', label: t('customer.createdAt'), children: `${formatTime(c.createdAt)}${c.createdBy ? ` · ${c.createdBy.name}` : ''}` },
          { key: 'updated', label: t('customer.updatedAt'), children: `${formatTime(c.updatedAt)}${c.updatedBy ? ` · ${c.updatedBy.name}` : ''}` },
        ]}
      />
    </Card>
  );

  const classification = (
    <>
      <TasksCard {...section} />
      <ServiceRequestsCard {...section} />
      <ClassificationCard {...section} />
    </>
  );

  const contacts = (
    <Card size="small" title={`${t('customer.contacts')} (${c.contacts.length})`} style={{ marginBottom: 16 }}>
      <ContactsSection {...section} />
    </Card>
  );

  const tabs = (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'timeline',
            label: `${t('detail.tabTimeline')} (${c.interactionCount})`,
            children: (
              <InteractionTimeline
                customer={c}
                loadingMore={query.isFetching}
                onMore={() => setLimit((l) => Math.min(c.interactionCount, MAX_INTERACTION_LIMIT, l + MORE_INTERACTIONS))}
                reload={reload}
                onEdit={(it) => {
                  setEditKey((k) => k + 1);
                  setEditingInteraction(it);
                  setEditOpen(true);
                }}
              />
            ),
          },
          { key: 'needs', label: `${t('detail.tabNeeds')} (${c.needs.length}${c.needs.length >= RECORD_LIMIT ? '+' : ''})`, children: <NeedsSection {...section} /> },
          { key: 'deals', label: `${t('detail.tabDeals')} (${c.dealCount})`, children: <DealsSection {...section} /> },
          { key: 'satisfaction', label: `${t('detail.tabSatisfaction')} (${c.satisfactionCount})`, children: <SatisfactionSection {...section} /> },
          { key: 'history', label: t('detail.tabHistory'), children: <HistorySection customer={c} /> },
        ]}
      />
    </Card>
  );

  return (
    <>
      <div className="kehu-page-head">
        <Button icon={<ArrowLeftOutlined />} aria-label={t('common.back')} onClick={() => goBack(navigate)} />
        <div style={{ minWidth: 0 }}>
          <PageHeading title={c.name} style={{ display: 'inline', marginInlineEnd: 8 }} />
          <Typography.Text type="secondary" copyable={{ text: c.code }} style={{ fontFamily: 'monospace' }}>
            {c.code}
          </Typography.Text>
          <div style={{ marginTop: 6 }}>
            <EnumTag map={STAGE_LABELS} value={c.stage} />
            <EnumTag map={VALUE_TIER_LABELS} value={c.valueTier} />
            <EnumTag map={LIFECYCLE_LABELS} value={c.lifecycle} />
            <EnumTag map={INTENT_GRADE_LABELS} value={c.intentGrade} />
            {c.owner && <Tag bordered={false}>{t('detail.ownerTag', { name: c.owner.name })}</Tag>}
            {c.tags.map((tag) => (
              <Tag key={tag}>{tag}</Tag>
            ))}
          </div>
        </div>
        <div className="kehu-grow" />
        <Space wrap>
          {canLog && (
            <Button icon={<FormOutlined />} onClick={() => setLogOpen(true)}>
              {t('interaction.addFull')}
            </Button>
          )}
          {canEdit && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/customers/${c.code}/edit`, { state: RETURNS_BACK })}>
              {t('common.edit')}
            </Button>
          )}
          {canEdit && (
            <Popconfirm
              title={c.archivedAt ? t('detail.restore') : t('detail.archiveConfirm')}
              onConfirm={() => void archive()}
              okText={c.archivedAt ? t('detail.restore') : t('detail.archive')}
              cancelText={t('common.cancel')}
            >
              <Button icon={c.archivedAt ? <UndoOutlined /> : <InboxOutlined />}>{c.archivedAt ? t('detail.restore') : t('detail.archive')}</Button>
            </Popconfirm>
          )}
        </Space>
      </div>
      {c.archivedAt && <Alert type="warning" showIcon message={t('detail.archivedBanner', { at: formatTime(c.archivedAt) })} style={{ marginBottom: 16 }} />}
      {c.mergedInto && (
        <Alert
          type="info"
          showIcon
          data-testid="merged-into"
          style={{ marginBottom: 16 }}
          message={
            <span className="kehu-break">
              {t('detail.mergedInto')} <Link to={`/customers/${encodeURIComponent(c.mergedInto.code)}`}>{c.mergedInto.code} {c.mergedInto.name}</Link>
            </span>
          }
        />
      )}
      {mobile ? (
        <>
          {/* On a phone: call, then log the call; the figures and the timeline after. */}
          <ReachBar customer={c} />
          {canLog && <QuickLog customerId={c.id} onLogged={reload} />}
          {stats}
          {classification}
          {tabs}
          {contacts}
          {profile}
        </>
      ) : (
        <>
        {stats}
        <Row gutter={16}>
          <Col md={14} lg={15} xl={16}>
            {canLog && <QuickLog customerId={c.id} onLogged={reload} />}
            {tabs}
          </Col>
          <Col md={10} lg={9} xl={8}>
            {classification}
            {contacts}
            {profile}
          </Col>
        </Row>
        </>
      )}
      {canLog && <InteractionModal customer={c} open={logOpen} onClose={() => setLogOpen(false)} onSaved={reload} />}
      {canLog && (
        <InteractionModal
          key={`edit-${editKey}`}
          customer={c}
          open={editOpen && editingInteraction !== null}
          editing={editingInteraction}
          onClose={() => setEditOpen(false)}
          onSaved={reload}
        />
      )}
    </>
  );
}

/** Back to where the user came from (the list with its page and search), else to the last list. */
function goBack(navigate: NavigateFunction): void {
  const idx = (window.history.state as { idx?: number } | null)?.idx ?? 0;
  if (idx > 0) navigate(-1);
  else navigate(lastListPath());
}
