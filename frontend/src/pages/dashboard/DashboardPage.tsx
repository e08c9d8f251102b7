// /dashboard: the seeds' figures at a glance. Every chart is one aggregate of
// a single request (DashboardQuery), narrowed by the same range and saved
// segment; a click on a bar or slice opens the customer list with the
// group's drill line.
import { useCallback, useMemo, type ReactNode } from 'react';
import { Card, Col, DatePicker, Grid, Row, Segmented, Select, Skeleton, Spin, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { request } from '../../api/client';
import { DashboardQuery, DashboardSegmentsQuery } from '../../api/operations';
import { localeFromLang, useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import { PageHeading } from '../../components/PageHeading';
import { EmptyState, ErrorState } from '../../components/States';
import { Money } from '../../components/Money';
import { Chart } from './Chart';
import { KpiCards } from './KpiCards';
import { NEED_STATUS_LABELS, PRIORITY_LABELS, STAGE_LABELS, VALUE_TIER_LABELS } from '../../i18n/enums';

// Enum groups in the order of the enum (the pipeline's stages, A before B...), not by code.
const TIER_ORDER = Object.keys(VALUE_TIER_LABELS);
const STAGE_ORDER = Object.keys(STAGE_LABELS);
const NEED_STATUS_ORDER = Object.keys(NEED_STATUS_LABELS);
const PRIORITY_ORDER = Object.keys(PRIORITY_LABELS);
import {
  RANGE_PRESETS,
  barOption,
  decodeDashboardState,
  drillPath,
  encodeDashboardState,
  formatValue,
  funnelOption,
  hasData,
  itemsOf,
  pieOption,
  presetDays,
  sortGroups,
  stackedOption,
  TIMELINESS_COLORS,
  TIMELINESS_ORDER,
  toAggregateRange,
  type Group,
  type RangePreset,
  type RangeState,
} from './options';

const PRESET_LABEL: Record<RangePreset, MessageKey> = {
  month: 'dash.range.month',
  last3: 'dash.range.last3',
  last12: 'dash.range.last12',
  year: 'dash.range.year',
};

export default function DashboardPage() {
  const { t, lang } = useI18n();
  const narrow = !Grid.useBreakpoint().md;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const { range, segment } = useMemo(() => decodeDashboardState(params), [params]);
  const setState = useCallback(
    (r: RangeState, s: string | null) => setParams(encodeDashboardState(r, s), { replace: true }),
    [setParams],
  );
  const locale = localeFromLang(lang);
  const variables = { range: toAggregateRange(range), segment, locale };
  const data = useQuery({
    queryKey: ['dashboard', variables],
    queryFn: () => request(DashboardQuery, variables),
    placeholderData: keepPreviousData,
  });
  const segments = useQuery({
    queryKey: ['dashboard-segments'],
    queryFn: async () => (await request(DashboardSegmentsQuery)).segments,
  });
  const open = useCallback((drill: string) => navigate(drillPath(drill)), [navigate]);
  const customersText = useCallback((n: number) => t('dash.customersN', { n: formatValue(n, false, lang) }), [t, lang]);

  const d = data.data;
  const days: [dayjs.Dayjs, dayjs.Dayjs] = 'from' in range ? [dayjs(range.from), dayjs(range.to)] : presetDays(range.preset);
  const rangeText = `${days[0].format('YYYY-MM-DD')} ~ ${days[1].format('YYYY-MM-DD')}`;

  const card = (
    id: string,
    title: string,
    unit: string,
    groups: readonly Group[] | undefined,
    total: ReactNode,
    build: (groups: readonly Group[]) => object,
    opts: { money?: boolean; height?: number; span?: number; subtitle?: string } = {},
  ) => (
    <Col xs={24} lg={opts.span ?? 12} key={id}>
      <Card
        size="small"
        data-testid={`dash-card-${id}`}
        title={
          <div style={{ whiteSpace: 'normal', lineHeight: 1.4, paddingBlock: 6 }}>
            <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
              {title}
            </Typography.Title>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {opts.subtitle ?? rangeText} · {unit}
            </Typography.Text>
          </div>
        }
        extra={d ? <span data-testid={`dash-total-${id}`}>{total}</span> : null}
      >
        {!d ? (
          <Skeleton active paragraph={{ rows: 5 }} />
        ) : !groups || !hasData(groups, opts.money ? 'sum' : 'count') ? (
          <div style={{ height: opts.height ?? 300, display: 'grid', placeItems: 'center' }}>
            <EmptyState description={t('dash.empty')} />
          </div>
        ) : (
          <Chart label={title} testId={`dash-chart-${id}`} option={build(groups)} onDrill={open} height={opts.height} />
        )}
      </Card>
    </Col>
  );

  const n = (v: number | undefined) => t('dash.customersN', { n: formatValue(v ?? 0, false, lang) });
  const c = (v: number | undefined) => t('dash.countN', { n: formatValue(v ?? 0, false, lang) });

  return (
    <div>
      <PageHeading title={t('dash.title')} />
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', marginBottom: 16 }}>
        {/* On a phone the presets scroll sideways inside their own box, never the page. */}
        <div style={{ maxWidth: '100%', overflowX: 'auto' }}>
          <Segmented
            aria-label={t('dash.range')}
            data-testid="dash-range"
            value={'preset' in range ? range.preset : 'custom'}
            onChange={(v) => {
              if (v !== 'custom') setState({ preset: v as RangePreset }, segment);
            }}
            options={[
              ...RANGE_PRESETS.map((p) => ({ value: p, label: t(PRESET_LABEL[p]) })),
              { value: 'custom', label: t('dash.range.custom'), disabled: !('from' in range) },
            ]}
          />
        </div>
        <DatePicker.RangePicker
          aria-label={t('dash.range.custom')}
          allowClear={false}
          value={days}
          onChange={(v) => {
            const [a, b] = v ?? [];
            if (a && b) setState({ from: a.format('YYYY-MM-DD'), to: b.format('YYYY-MM-DD') }, segment);
          }}
          disabledDate={(x) => x.isAfter(dayjs(), 'day')}
          inputReadOnly
        />
        <Select
          aria-label={t('dash.segment')}
          data-testid="dash-segment"
          style={{ minWidth: 200, maxWidth: '100%' }}
          value={segment ?? ''}
          loading={segments.isLoading}
          onChange={(v: string) => setState(range, v || null)}
          options={[{ value: '', label: t('dash.segment.all') }, ...(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))]}
        />
        {data.isFetching && d && <Spin size="small" aria-label={t('common.loading')} />}
      </div>
      {data.error && !d ? (
        <ErrorState error={data.error} onRetry={() => void data.refetch()} />
      ) : (
        <>
          <KpiCards
            kpis={d?.kpis.kpis}
            onDrill={open}
            previousText={d?.kpis.previousRange ? t('dash.kpi.previous', { from: d.kpis.previousRange.from, to: d.kpis.previousRange.to }) : ''}
          />
          <Row gutter={[16, 16]}>
            {card('tiers', t('dash.tiers'), t('dash.unit.customers'), d?.tiers.groups, n(d?.tiers.total.customers),
              (g) => barOption(itemsOf(sortGroups(g, TIER_ORDER)), { lang, series: t('dash.series.customers'), horizontal: true, narrow, customersText }),
              { subtitle: t('dash.now') })}
            {card('stages', t('dash.stages'), t('dash.unit.customers'), d?.stages.groups, n(d?.stages.total.customers),
              (g) => barOption(itemsOf(sortGroups(g, STAGE_ORDER)), { lang, series: t('dash.series.customers'), horizontal: true, narrow, customersText }),
              { subtitle: t('dash.now') })}
            {card('funnel', t('dash.funnel'), t('dash.unit.customers'), d?.funnel.steps.map((st) => ({ keys: [st.stage], labels: [st.label], count: st.customers, customers: st.customers, other: false, drill: st.drill })),
            n(d?.funnel.steps[0]?.customers),
            () => funnelOption(d?.funnel.steps ?? [], { lang, narrow, texts: { customers: customersText, fromPrevious: t('dash.funnel.fromPrevious'), fromFirst: t('dash.funnel.fromFirst'), medianDays: t('dash.funnel.medianDays') } }),
            { span: 24, height: 320, subtitle: `${t('dash.funnel.cohort')} ${rangeText}` })}
          {card('newCustomers', t('dash.newCustomers'), t('dash.unit.customers'), d?.newCustomers.groups, n(d?.newCustomers.total.customers),
              (g) => barOption(itemsOf(g), { lang, series: t('dash.series.newCustomers'), narrow, customersText }))}
            {card('dealAmount', t('dash.dealAmount'), t('dash.unit.money'), d?.dealAmount.groups, <Money value={d?.dealAmount.total.sum} />,
              (g) => barOption(itemsOf(g, 'sum'), { lang, series: t('dash.series.dealAmount'), money: true, narrow, customersText }),
              { money: true })}
            {card('interactions', t('dash.interactions'), t('dash.unit.interactions'), d?.interactions.groups, c(d?.interactions.total.count),
              (g) => stackedOption(g, { lang, narrow, customersText }))}
            {card('needs', t('dash.needs'), t('dash.unit.needs'), d?.needs.groups, c(d?.needs.total.count),
              (g) => stackedOption(g, { lang, narrow, customersText, catOrder: NEED_STATUS_ORDER, seriesOrder: PRIORITY_ORDER }))}
            {card('serviceRequests', t('dash.serviceRequests'), t('dash.unit.serviceRequests'), d?.serviceRequests.groups, c(d?.serviceRequests.total.count),
              (g) => stackedOption(g, { lang, narrow, customersText, seriesOrder: TIMELINESS_ORDER, seriesColors: TIMELINESS_COLORS }))}
            {card('tasks', t('dash.tasks'), t('dash.unit.tasks'), d?.tasks.groups, c(d?.tasks.total.count),
              (g) => stackedOption(g, { lang, narrow, customersText, seriesOrder: TIMELINESS_ORDER, seriesColors: TIMELINESS_COLORS }))}
            {card('industries', t('dash.industries'), t('dash.unit.money'), d?.industries.groups, <Money value={d?.industries.total.sum} />,
              (g) => barOption(itemsOf(g, 'sum'), { lang, series: t('dash.series.dealAmount'), money: true, horizontal: true, narrow, customersText }),
              { money: true, height: 340 })}
            {card('sources', t('dash.sources'), t('dash.unit.customers'), d?.sources.groups, n(d?.sources.total.customers),
              (g) => pieOption(itemsOf(g), { lang, series: t('dash.series.newCustomers'), narrow, customersText }),
              { height: 340 })}
          </Row>
        </>
      )}
    </div>
  );
}
