// The dashboard's pure parts: the date ranges of the picker, the URL state,
// and the ECharts options built from aggregate groups. No React, no ECharts
// import: tested in test/dashboardOptions.test.ts.
import dayjs, { type Dayjs } from 'dayjs';
import type { AggregateRange } from '../../gql/graphql';
import type { Lang } from '../../i18n/messages';
import { formatMoney, formatMoneyShort } from '../../lib/money';

/** One group of an aggregate as the dashboard reads it. */
export interface Group {
  keys: string[];
  labels: string[];
  count: number;
  customers: number;
  other: boolean;
  drill: string | null;
  sum?: string | null;
}

/** What a chart item carries: its value and where a click goes. */
export interface Item {
  name: string;
  value: number;
  /** The group's query line; null for the folded "other" group (not clickable). */
  drill: string | null;
  /** The exact amount of a money value (the Decimal string), for the tooltip. */
  exact?: string | null;
  customers: number;
}

// ---- ranges

export type RangePreset = 'month' | 'last3' | 'last12' | 'year';
export const RANGE_PRESETS: readonly RangePreset[] = ['month', 'last3', 'last12', 'year'];
export const DEFAULT_PRESET: RangePreset = 'last12';

/** The picker's state: a preset, or two days (inclusive). */
export type RangeState = { preset: RangePreset } | { from: string; to: string };

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function isDay(s: string): boolean {
  if (!DAY_RE.test(s)) return false;
  const d = dayjs(s);
  return d.isValid() && d.format('YYYY-MM-DD') === s;
}

/** The API's range of a picker state (relative ranges end today, the current unit included). */
export function toAggregateRange(r: RangeState): AggregateRange {
  if ('from' in r) return { from: r.from, to: r.to };
  switch (r.preset) {
    case 'month':
      return { last: 1, unit: 'MONTH' };
    case 'last3':
      return { last: 3, unit: 'MONTH' };
    case 'year':
      return { last: 1, unit: 'YEAR' };
    default:
      return { last: 12, unit: 'MONTH' };
  }
}

/** The days a preset covers on a given day (what the picker shows beside it). */
export function presetDays(p: RangePreset, now: Dayjs = dayjs()): [Dayjs, Dayjs] {
  const today = now.startOf('day');
  switch (p) {
    case 'month':
      return [today.startOf('month'), today];
    case 'last3':
      return [today.startOf('month').subtract(2, 'month'), today];
    case 'year':
      return [today.startOf('year'), today];
    default:
      return [today.startOf('month').subtract(11, 'month'), today];
  }
}

/** Reads ?range= (a preset, or YYYY-MM-DD..YYYY-MM-DD) and ?segment= from the URL. */
export function decodeDashboardState(params: URLSearchParams): { range: RangeState; segment: string | null } {
  const raw = params.get('range') ?? '';
  let range: RangeState = { preset: DEFAULT_PRESET };
  if ((RANGE_PRESETS as readonly string[]).includes(raw)) {
    range = { preset: raw as RangePreset };
  } else {
    const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(raw);
    if (m && m[1] && m[2] && isDay(m[1]) && isDay(m[2]) && m[1] <= m[2]) range = { from: m[1], to: m[2] };
  }
  const segment = (params.get('segment') ?? '').trim() || null;
  return { range, segment };
}

/** The URL's query of a state; the defaults are left out. */
export function encodeDashboardState(range: RangeState, segment: string | null): URLSearchParams {
  const p = new URLSearchParams();
  if ('from' in range) p.set('range', `${range.from}..${range.to}`);
  else if (range.preset !== DEFAULT_PRESET) p.set('range', range.preset);
  if (segment) p.set('segment', segment);
  return p;
}

/** The customer list of a drill line. */
export function drillPath(drill: string): string {
  return `/customers?${new URLSearchParams({ q: drill }).toString()}`;
}

// ---- order

/**
 * A comparator of keys by a given order (an enum's declaration order, e.g. the
 * pipeline's stages): known keys first in that order, then others as they
 * came, the empty key (未填写) and the folded group (*) last.
 */
export function byOrder(order: readonly string[] | undefined): (a: string, b: string) => number {
  const rank = (k: string) => {
    if (k === '*') return 1e6 + 1;
    if (k === '') return 1e6;
    const i = order ? order.indexOf(k) : -1;
    return i < 0 ? 1e5 : i;
  };
  return (a, b) => rank(a) - rank(b);
}

/** Groups sorted by their first key in an order (stable for ties). */
export function sortGroups<G extends Group>(groups: readonly G[], order: readonly string[]): G[] {
  const cmp = byOrder(order);
  return groups
    .map((g, i) => ({ g, i }))
    .sort((x, y) => cmp(x.g.other ? '*' : (x.g.keys[0] ?? ''), y.g.other ? '*' : (y.g.keys[0] ?? '')) || x.i - y.i)
    .map((x) => x.g);
}

// ---- items

/** One item per group (the folded group last, not clickable). */
export function itemsOf(groups: readonly Group[], value: 'count' | 'customers' | 'sum' = 'count'): Item[] {
  return groups.map((g) => ({
    name: g.labels.join(' · '),
    value: value === 'sum' ? Number(g.sum ?? 0) : g[value],
    exact: value === 'sum' ? (g.sum ?? '0.00') : undefined,
    drill: g.other ? null : g.drill,
    customers: g.customers,
  }));
}

/** An axis label or a tooltip figure in the app's units (万/亿 in Chinese, K/M in English). */
export function formatValue(v: number | string, money: boolean, lang: Lang): string {
  if (money && Number(v) === 0) return '0';
  if (money) return formatMoneyShort(typeof v === 'number' ? v.toFixed(2) : v, lang);
  const n = typeof v === 'number' ? v : Number(v);
  return n.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US');
}

/** A series' colours: AA-contrast blues, teals and warm tones, primary first. */
export const PALETTE = ['#0958d9', '#08979c', '#d46b08', '#cf1322', '#531dab', '#389e0d', '#c41d7f', '#595959', '#1d39c4', '#ad8b00', '#006d75'];

export interface BarOptions {
  lang: Lang;
  /** The series name (legend and tooltip). */
  series: string;
  money?: boolean;
  /** Horizontal bars (long category names: industries, sources). */
  horizontal?: boolean;
  /** The tooltip's line of customers ("{n} 位客户"). */
  customersText: (n: number) => string;
  /** A phone-sized chart: pie labels left to the legend and the tooltip. */
  narrow?: boolean;
}

function moneyTooltip(item: Item, lang: Lang, money: boolean): string {
  if (money) return item.exact ? formatMoney(item.exact) : formatValue(item.value, true, lang);
  return formatValue(item.value, false, lang);
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bar chart of one series: one bar per group, each bar opens its customers. */
export function barOption(items: readonly Item[], o: BarOptions) {
  const category = { type: 'category' as const, data: items.map((i) => i.name), axisLabel: { hideOverlap: true }, axisTick: { alignWithLabel: true } };
  const value = {
    type: 'value' as const,
    minInterval: o.money ? undefined : 1,
    splitNumber: o.narrow ? 3 : undefined,
    axisLabel: { hideOverlap: true, formatter: (v: number) => formatValue(v, Boolean(o.money), o.lang) },
  };
  return {
    color: PALETTE,
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0, data: [o.series] },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { data: Item; marker: string }) =>
        `${esc(p.data.name)}<br/>${p.marker}${esc(o.series)}: <b>${esc(moneyTooltip(p.data, o.lang, Boolean(o.money)))}</b><br/>${esc(o.customersText(p.data.customers))}`,
    },
    xAxis: o.horizontal ? value : category,
    yAxis: o.horizontal ? { ...category, inverse: true, axisLabel: { width: 110, overflow: 'truncate' as const } } : value,
    series: [
      {
        type: 'bar' as const,
        name: o.series,
        data: items.map((i) => ({ ...i, itemStyle: i.drill ? undefined : { color: '#8c8c8c' } })),
        barMaxWidth: 36,
        cursor: 'pointer',
      },
    ],
  };
}

/** A pie (doughnut) of the groups. */
export function pieOption(items: readonly Item[], o: BarOptions) {
  return {
    color: PALETTE,
    aria: { enabled: true },
    legend: { type: 'scroll' as const, bottom: 0 },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { data: Item; marker: string; percent: number }) =>
        `${p.marker}${esc(p.data.name)}: <b>${esc(moneyTooltip(p.data, o.lang, Boolean(o.money)))}</b> (${p.percent}%)<br/>${esc(o.customersText(p.data.customers))}`,
    },
    series: [
      {
        type: 'pie' as const,
        name: o.series,
        radius: ['38%', '66%'],
        center: ['50%', '45%'],
        avoidLabelOverlap: true,
        label: o.narrow ? { show: false } : { formatter: '{b}: {c}' },
        labelLine: { show: !o.narrow },
        data: items.filter((i) => i.value > 0),
      },
    ],
  };
}

/**
 * Stacked bars of two-key groups: keys[0] along the axis (in the order the
 * groups first name them: time order for a time unit), one series per keys[1].
 */
export function stackedOption(
  groups: readonly Group[],
  o: Omit<BarOptions, 'series'> & { catOrder?: readonly string[]; seriesOrder?: readonly string[]; seriesColors?: Readonly<Record<string, string>> },
) {
  const cats: string[] = [];
  const catLabel = new Map<string, string>();
  const series = new Map<string, { key: string; name: string; data: Map<string, Item> }>();
  for (const g of groups) {
    const [c = '', s = ''] = g.keys;
    if (!catLabel.has(c)) {
      cats.push(c);
      catLabel.set(c, g.labels[0] ?? c);
    }
    const sk = g.other ? '*' : s;
    let ser = series.get(sk);
    if (!ser) {
      ser = { key: sk, name: g.labels[1] ?? s, data: new Map() };
      series.set(sk, ser);
    }
    ser.data.set(c, { name: g.labels[0] ?? c, value: g.count, drill: g.other ? null : g.drill, customers: g.customers });
  }
  if (o.catOrder) cats.sort(byOrder(o.catOrder));
  const sorted = [...series.entries()].sort((a, b) => byOrder(o.seriesOrder)(a[0], b[0])).map(([, v]) => v);
  const names = sorted.map((s) => s.name);
  return {
    color: PALETTE,
    aria: { enabled: true },
    grid: { left: 8, right: 16, top: 8, bottom: 40, containLabel: true },
    legend: { type: 'scroll' as const, bottom: 0, data: names },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { data: Item; marker: string; seriesName: string }) =>
        `${esc(p.data.name)}<br/>${p.marker}${esc(p.seriesName)}: <b>${esc(formatValue(p.data.value, false, o.lang))}</b><br/>${esc(o.customersText(p.data.customers))}`,
    },
    xAxis: { type: 'category' as const, data: cats.map((c) => catLabel.get(c) ?? c), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' as const, minInterval: 1, axisLabel: { hideOverlap: true, formatter: (v: number) => formatValue(v, false, o.lang) } },
    series: sorted.map((s) => ({
      type: 'bar' as const,
      name: s.name,
      stack: 'total',
      barMaxWidth: 36,
      emphasis: { focus: 'series' as const },
      itemStyle: o.seriesColors?.[s.key] ? { color: o.seriesColors[s.key] } : undefined,
      data: cats.map((c) => s.data.get(c) ?? { name: catLabel.get(c) ?? c, value: 0, drill: null, customers: 0 }),
    })),
  };
}

/**
 * A TIMELINESS dimension's keys (service requests, tasks: docs/ANALYTICS.md)
 * in reading order, each in the colour of what it means: done on time
 * green, late orange, overdue red, still open blue, closed by itself and
 * not set grey.
 */
export const TIMELINESS_ORDER = ['ON_TIME', 'LATE', 'OVERDUE', 'OPEN', 'CLOSED'] as const;
export const TIMELINESS_COLORS: Readonly<Record<string, string>> = {
  ON_TIME: '#389e0d',
  LATE: '#d46b08',
  OVERDUE: '#cf1322',
  OPEN: '#0958d9',
  CLOSED: '#8c8c8c',
  '': '#bfbfbf',
};

/** Whether groups hold anything to draw. */
export function hasData(groups: readonly Group[] | null | undefined, value: 'count' | 'sum' = 'count'): boolean {
  return Boolean(groups?.some((g) => (value === 'sum' ? Number(g.sum ?? 0) > 0 : g.count > 0)));
}

// ---- KPIs

export type KpiUnit = 'PERCENT' | 'SCORE' | 'DAYS' | 'HOURS' | 'COUNT' | 'YUAN';

function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Thousands separators on a decimal string (no float). */
function grouped(s: string): string {
  const neg = s.startsWith('-');
  const [i = '0', f] = (neg ? s.slice(1) : s).split('.');
  const g = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${g}${f ? `.${f}` : ''}`;
}

/** A KPI's value with its unit: 92.5%, 86.5 分, 12.5 天, 30 小时, 1,234, ¥68万. */
export function formatKpi(value: string | null | undefined, unit: KpiUnit, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  const v = trimDecimal(value);
  switch (unit) {
    case 'PERCENT':
      return `${grouped(v)}%`;
    case 'SCORE':
      return lang === 'zh' ? `${grouped(v)} 分` : grouped(v);
    case 'DAYS':
      return lang === 'zh' ? `${grouped(v)} 天` : `${grouped(v)} days`;
    case 'HOURS':
      return lang === 'zh' ? `${grouped(v)} 小时` : `${grouped(v)} hours`;
    case 'YUAN':
      return formatMoneyShort(value, lang);
    default:
      return grouped(v);
  }
}

/** A change with its sign; percentage points for a PERCENT KPI. */
export function formatKpiChange(change: string | null | undefined, unit: KpiUnit, lang: Lang): string {
  if (change === null || change === undefined || change === '') return '—';
  const neg = change.startsWith('-');
  const abs = neg ? change.slice(1) : change;
  const sign = neg ? '−' : Number(abs) === 0 ? '±' : '+';
  if (unit === 'PERCENT') return `${sign}${grouped(trimDecimal(abs))} ${lang === 'zh' ? '个百分点' : 'pp'}`;
  if (unit === 'YUAN') return `${sign}${formatMoneyShort(abs, lang)}`;
  return `${sign}${formatKpi(abs, unit, lang)}`;
}

/** Whether a change is good news (null: no change or none to judge). */
export function changeTone(change: string | null | undefined, higherIsBetter: boolean): 'good' | 'bad' | null {
  if (!change) return null;
  const n = Number(change);
  if (!Number.isFinite(n) || n === 0) return null;
  return n > 0 === higherIsBetter ? 'good' : 'bad';
}

// ---- funnel

export interface FunnelStepView {
  stage: string;
  label: string;
  customers: number;
  conversionFromPrevious: number | null;
  conversionFromFirst: number | null;
  medianDaysFromPrevious: string | null;
  drill: string | null;
}

/** A share 0-1 as a percentage with at most one decimal ("—" when null). */
export function formatShare(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${trimDecimal((v * 100).toFixed(1))}%`;
}

export interface FunnelTexts {
  customers: (n: number) => string;
  fromPrevious: string;
  fromFirst: string;
  medianDays: string;
}

/** The pipeline funnel in its stage order (not sorted by size), each step opening its customers. */
export function funnelOption(steps: readonly FunnelStepView[], o: { lang: Lang; narrow?: boolean; texts: FunnelTexts }) {
  const data = steps.map((s) => ({
    name: s.label,
    value: s.customers,
    customers: s.customers,
    drill: s.drill,
    step: s,
  }));
  return {
    color: PALETTE,
    aria: { enabled: true },
    legend: { show: false },
    tooltip: {
      trigger: 'item' as const,
      formatter: (p: { data: (typeof data)[number]; marker: string }) => {
        const s = p.data.step;
        const lines = [`${p.marker}${esc(s.label)}: <b>${esc(o.texts.customers(s.customers))}</b>`];
        if (s.conversionFromPrevious !== null) lines.push(`${esc(o.texts.fromPrevious)}: ${formatShare(s.conversionFromPrevious)}`);
        if (s.conversionFromFirst !== null) lines.push(`${esc(o.texts.fromFirst)}: ${formatShare(s.conversionFromFirst)}`);
        if (s.medianDaysFromPrevious !== null) lines.push(`${esc(o.texts.medianDays)}: ${esc(formatKpi(s.medianDaysFromPrevious, 'DAYS', o.lang))}`);
        return lines.join('<br/>');
      },
    },
    series: [
      {
        type: 'funnel' as const,
        sort: 'none' as const,
        left: o.narrow ? '2%' : '10%',
        width: o.narrow ? '96%' : '80%',
        top: 8,
        bottom: 8,
        // On a phone the narrow end must still hold its label.
        minSize: o.narrow ? '50%' : '12%',
        gap: 2,
        label: {
          position: 'inside' as const,
          color: '#fff',
          formatter: (p: { data: (typeof data)[number] }) =>
            `${p.data.name} ${p.data.customers.toLocaleString(o.lang === 'zh' ? 'zh-CN' : 'en-US')}${p.data.step.conversionFromFirst !== null ? ` · ${formatShare(p.data.step.conversionFromFirst)}` : ''}`,
        },
        data,
      },
    ],
  };
}
