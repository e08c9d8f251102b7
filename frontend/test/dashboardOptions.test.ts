import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import {
  barOption,
  formatShare,
  funnelOption,
  changeTone,
  formatKpi,
  formatKpiChange,
  byOrder,
  sortGroups,
  decodeDashboardState,
  drillPath,
  encodeDashboardState,
  formatValue,
  hasData,
  itemsOf,
  pieOption,
  presetDays,
  stackedOption,
  TIMELINESS_COLORS,
  TIMELINESS_ORDER,
  toAggregateRange,
  type Group,
} from '../src/pages/dashboard/options';

const g = (keys: string[], labels: string[], count: number, extra: Partial<Group> = {}): Group => ({
  keys,
  labels,
  count,
  customers: count,
  other: false,
  drill: `k:${keys.join(',')}`,
  ...extra,
});

describe('ranges', () => {
  it('maps presets and custom days to the API range', () => {
    expect(toAggregateRange({ preset: 'month' })).toEqual({ last: 1, unit: 'MONTH' });
    expect(toAggregateRange({ preset: 'last3' })).toEqual({ last: 3, unit: 'MONTH' });
    expect(toAggregateRange({ preset: 'last12' })).toEqual({ last: 12, unit: 'MONTH' });
    expect(toAggregateRange({ preset: 'year' })).toEqual({ last: 1, unit: 'YEAR' });
    expect(toAggregateRange({ from: '2026-01-01', to: '2026-03-31' })).toEqual({ from: '2026-01-01', to: '2026-03-31' });
  });

  it('shows the days a preset covers, as the API resolves them', () => {
    const now = dayjs('2026-12-06T10:00:00');
    const f = (p: Parameters<typeof presetDays>[0]) => presetDays(p, now).map((d) => d.format('YYYY-MM-DD'));
    expect(f('month')).toEqual(['2026-12-01', '2026-12-06']);
    expect(f('last3')).toEqual(['2026-10-01', '2026-12-06']);
    expect(f('last12')).toEqual(['2026-01-01', '2026-12-06']);
    expect(f('year')).toEqual(['2026-01-01', '2026-12-06']);
  });

  it('round-trips the URL state and refuses bad ranges', () => {
    const cases: [string, ReturnType<typeof decodeDashboardState>][] = [
      ['', { range: { preset: 'last12' }, segment: null }],
      ['range=month&segment=s1', { range: { preset: 'month' }, segment: 's1' }],
      ['range=2026-01-01..2026-02-28', { range: { from: '2026-01-01', to: '2026-02-28' }, segment: null }],
      ['range=2026-03-01..2026-02-28', { range: { preset: 'last12' }, segment: null }], // inverted
      ['range=2026-02-30..2026-03-01', { range: { preset: 'last12' }, segment: null }], // no such day
      ['range=week', { range: { preset: 'last12' }, segment: null }],
    ];
    for (const [q, want] of cases) {
      const got = decodeDashboardState(new URLSearchParams(q));
      expect(got).toEqual(want);
      expect(decodeDashboardState(encodeDashboardState(got.range, got.segment))).toEqual(got);
    }
    expect(encodeDashboardState({ preset: 'last12' }, null).toString()).toBe('');
  });

  it('opens a drill line in the list, encoded', () => {
    expect(drillPath('tier:A industry:"制造 业"')).toBe(`/customers?q=${encodeURIComponent('tier:A industry:"制造 业"').replace(/%20/g, '+')}`);
    expect(new URLSearchParams(drillPath('a&b=c').split('?')[1]).get('q')).toBe('a&b=c');
  });
});

describe('chart options', () => {
  it('formats money in the app units and counts with grouping', () => {
    expect(formatValue(1234567, true, 'zh')).toBe('¥123万');
    expect(formatValue(250000000, true, 'zh')).toBe('¥2.5亿');
    expect(formatValue(821000, true, 'en')).toBe('¥821K');
    expect(formatValue(12345, false, 'en')).toBe('12,345');
    expect(formatValue(0, true, 'zh')).toBe('0');
  });

  it('makes the folded group unclickable and keeps the exact amount', () => {
    const items = itemsOf(
      [g(['制造业'], ['制造业'], 3, { sum: '1200000.50' }), g(['*'], ['其他'], 9, { other: true, drill: null, sum: '10.00' })],
      'sum',
    );
    expect(items[0]).toMatchObject({ name: '制造业', value: 1200000.5, exact: '1200000.50', drill: 'k:制造业' });
    expect(items[1]).toMatchObject({ drill: null, value: 10 });
    const opt = barOption(items, { lang: 'zh', series: '成交金额', money: true, customersText: (n) => `${n} 位客户` });
    expect(opt.series[0]?.data[1]?.itemStyle).toEqual({ color: '#8c8c8c' });
    expect(opt.xAxis).toMatchObject({ type: 'category', data: ['制造业', '其他'] });
    const tip = opt.tooltip.formatter({ data: items[0]!, marker: '' });
    expect(tip).toContain('¥1,200,000.50');
    expect(tip).toContain('3 位客户');
  });

  it('escapes labels in tooltips', () => {
    const items = itemsOf([g(['<b>'], ['<img src=x>'], 1)]);
    const opt = pieOption(items, { lang: 'en', series: 'S', customersText: (n) => `${n}` });
    expect(opt.tooltip.formatter({ data: items[0]!, marker: '', percent: 100 })).not.toContain('<img');
  });

  it('stacks two-key groups: categories in first-seen order, zeros filled, other series unclickable', () => {
    const groups = [
      g(['2026-01', 'VISIT'], ['2026-01', '拜访'], 2),
      g(['2026-02', 'VISIT'], ['2026-02', '拜访'], 0),
      g(['2026-01', 'PHONE'], ['2026-01', '电话'], 5),
      g(['2026-01', '*'], ['2026-01', '其他'], 1, { other: true, drill: null }),
    ];
    const opt = stackedOption(groups, { lang: 'zh', customersText: String });
    expect(opt.xAxis.data).toEqual(['2026-01', '2026-02']);
    expect(opt.series.map((s) => s.name)).toEqual(['拜访', '电话', '其他']);
    expect(opt.series[1]?.data.map((d) => d.value)).toEqual([5, 0]);
    expect(opt.series[1]?.data[1]?.drill).toBeNull();
    expect(opt.series[2]?.data[0]?.drill).toBeNull();
    expect(opt.series.every((s) => s.stack === 'total')).toBe(true);
  });

  it('stacks a TIMELINESS dimension in reading order, each in the colour of what it means', () => {
    const groups = [
      g(['2026-01', 'OVERDUE'], ['2026-01', '已超时'], 1),
      g(['2026-01', 'ON_TIME'], ['2026-01', '按时'], 4),
      g(['2026-01', 'CLOSED'], ['2026-01', '自动关闭'], 2),
      g(['2026-01', 'LATE'], ['2026-01', '逾期完成'], 3),
      g(['2026-01', '*'], ['2026-01', '其他'], 1, { other: true, drill: null }),
    ];
    const opt = stackedOption(groups, { lang: 'zh', customersText: String, seriesOrder: TIMELINESS_ORDER, seriesColors: TIMELINESS_COLORS });
    expect(opt.series.map((s) => s.name)).toEqual(['按时', '逾期完成', '已超时', '自动关闭', '其他']);
    expect(opt.series.map((s) => s.itemStyle?.color)).toEqual(['#389e0d', '#d46b08', '#cf1322', '#8c8c8c', undefined]);
    // Without colours the palette colours the series, as before.
    expect(stackedOption(groups, { lang: 'zh', customersText: String }).series.every((s) => s.itemStyle === undefined)).toBe(true);
  });

  it('tells an empty aggregate (zero buckets) from data', () => {
    expect(hasData([g(['2026-01'], ['2026-01'], 0)])).toBe(false);
    expect(hasData([g(['2026-01'], ['2026-01'], 1)])).toBe(true);
    expect(hasData([g(['x'], ['x'], 2, { sum: '0.00' })], 'sum')).toBe(false);
    expect(hasData(undefined)).toBe(false);
  });
});

describe('order', () => {
  it('sorts enum groups in the enum order, not set and the folded group last', () => {
    const groups = [
      g(['WON'], ['成交'], 1),
      g([''], ['未填写'], 1),
      g(['*'], ['其他'], 1, { other: true, drill: null }),
      g(['POTENTIAL'], ['潜在客户'], 1),
      g(['NEW_THING'], ['新'], 1),
    ];
    expect(sortGroups(groups, ['POTENTIAL', 'CONTACTED', 'WON']).map((x) => x.keys[0])).toEqual(['POTENTIAL', 'WON', 'NEW_THING', '', '*']);
    expect(['b', '', 'a', '*'].sort(byOrder(['a', 'b']))).toEqual(['a', 'b', '', '*']);
  });

  it('orders a stack by the given orders of categories and series', () => {
    const groups = [g(['RESOLVED', 'LOW'], ['已解决', '低'], 1), g(['OPEN', 'HIGH'], ['未跟进', '高'], 2), g(['OPEN', 'LOW'], ['未跟进', '低'], 3)];
    const opt = stackedOption(groups, { lang: 'zh', customersText: String, catOrder: ['OPEN', 'RESOLVED'], seriesOrder: ['HIGH', 'MEDIUM', 'LOW'] });
    expect(opt.xAxis.data).toEqual(['未跟进', '已解决']);
    expect(opt.series.map((s) => s.name)).toEqual(['高', '低']);
    expect(opt.series[1]?.data.map((d) => d.value)).toEqual([3, 1]);
  });

  it('leaves pie labels to the legend on a phone', () => {
    const opt = pieOption(itemsOf([g(['x'], ['x'], 1)]), { lang: 'zh', series: 'S', customersText: String, narrow: true });
    expect(opt.series[0]?.label).toEqual({ show: false });
  });
});

describe('KPIs', () => {
  it('writes values with their units, exactly', () => {
    expect(formatKpi('92.50', 'PERCENT', 'zh')).toBe('92.5%');
    expect(formatKpi('100.00', 'PERCENT', 'en')).toBe('100%');
    expect(formatKpi('86.25', 'SCORE', 'zh')).toBe('86.25 分');
    expect(formatKpi('12.50', 'DAYS', 'en')).toBe('12.5 days');
    expect(formatKpi('30.50', 'HOURS', 'zh')).toBe('30.5 小时');
    expect(formatKpi('30.00', 'HOURS', 'en')).toBe('30 hours');
    expect(formatKpi('12345', 'COUNT', 'zh')).toBe('12,345');
    expect(formatKpi('680000.00', 'YUAN', 'zh')).toBe('¥68万');
    expect(formatKpi(null, 'PERCENT', 'zh')).toBe('—');
  });

  it('writes changes with a sign, percentage points for percentages', () => {
    expect(formatKpiChange('-3.20', 'PERCENT', 'zh')).toBe('−3.2 个百分点');
    expect(formatKpiChange('1.50', 'PERCENT', 'en')).toBe('+1.5 pp');
    expect(formatKpiChange('0.00', 'SCORE', 'en')).toBe('±0');
    expect(formatKpiChange('2', 'COUNT', 'zh')).toBe('+2');
    expect(formatKpiChange(null, 'DAYS', 'zh')).toBe('—');
  });

  it('colours a change by whether higher is better', () => {
    expect(changeTone('2.5', true)).toBe('good');
    expect(changeTone('2.5', false)).toBe('bad');
    expect(changeTone('-1', false)).toBe('good');
    expect(changeTone('0.00', true)).toBeNull();
    expect(changeTone(null, true)).toBeNull();
  });
});

describe('funnel', () => {
  const step = (stage: string, label: string, customers: number, prev: number | null, first: number | null, days: string | null) => ({
    stage,
    label,
    customers,
    conversionFromPrevious: prev,
    conversionFromFirst: first,
    medianDaysFromPrevious: days,
    drill: `stage:${stage}`,
  });
  const texts = { customers: (n: number) => `${n} 位客户`, fromPrevious: '较上一步', fromFirst: '较第一步', medianDays: '中位天数' };

  it('keeps the stage order and writes conversion and days in the tooltip', () => {
    const steps = [step('POTENTIAL', '潜在客户', 100, null, 1, null), step('CONTACTED', '初步接触', 120, 1.2, 1.2, '3.50'), step('WON', '成交', 5, 0.0417, 0.05, '30.00')];
    const opt = funnelOption(steps, { lang: 'zh', texts });
    expect(opt.series[0]?.sort).toBe('none');
    expect(opt.series[0]?.data.map((d) => d.name)).toEqual(['潜在客户', '初步接触', '成交']);
    expect(opt.series[0]?.data[2]?.drill).toBe('stage:WON');
    const tip = opt.tooltip.formatter({ data: opt.series[0]!.data[2]!, marker: '' });
    expect(tip).toContain('较上一步: 4.2%');
    expect(tip).toContain('较第一步: 5%');
    expect(tip).toContain('中位天数: 30 天');
    expect(opt.tooltip.formatter({ data: opt.series[0]!.data[0]!, marker: '' })).not.toContain('较上一步');
  });

  it('writes shares', () => {
    expect(formatShare(0.2)).toBe('20%');
    expect(formatShare(0.12345)).toBe('12.3%');
    expect(formatShare(null)).toBe('—');
  });
});
