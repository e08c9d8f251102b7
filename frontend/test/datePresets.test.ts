import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { fromNativeValue, nextMonday, presetKeys, presetValue, toNativeValue } from '../src/lib/datePresets';

const fmt = 'YYYY-MM-DD HH:mm';

describe('nextMonday', () => {
  // 2026-12-07 is a Monday (checked on a calendar).
  const cases: [string, string][] = [
    ['2026-12-06 10:00', '2026-12-07'], // Sunday: tomorrow (weeks start on Monday)
    ['2026-12-07 10:00', '2026-12-14'], // Monday: a week later
    ['2026-12-08 23:59', '2026-12-14'], // Tuesday
    ['2026-12-11 00:00', '2026-12-14'], // Friday
    ['2026-12-12 12:00', '2026-12-14'], // Saturday
    ['2026-12-29 09:00', '2027-01-04'], // across the year
  ];
  it.each(cases)('after %s is %s', (now, want) => {
    expect(nextMonday(dayjs(now)).format('YYYY-MM-DD')).toBe(want);
  });
});

describe('presetKeys', () => {
  const now = dayjs('2026-12-09 15:20');
  it('offers today, tomorrow and next Monday by default', () => {
    expect(presetKeys(now, {})).toEqual(['today', 'tomorrow', 'nextMonday']);
  });
  it('offers today and yesterday for a field that cannot be in the future', () => {
    expect(presetKeys(now, { max: now })).toEqual(['today', 'yesterday']);
  });
  it('leaves out shortcuts outside the bounds', () => {
    expect(presetKeys(now, { min: dayjs('2026-12-10') })).toEqual(['tomorrow', 'nextMonday']);
    expect(presetKeys(now, { max: dayjs('2026-12-10') })).toEqual(['today', 'tomorrow']);
  });
});

describe('presetValue', () => {
  const now = dayjs('2026-12-09 15:20:33');
  const cases: { name: string; key: Parameters<typeof presetValue>[0]; withTime: boolean; current?: string; pastOnly?: boolean; want: string }[] = [
    { name: 'a date: tomorrow', key: 'tomorrow', withTime: false, want: '2026-12-10 00:00' },
    { name: 'a due time tomorrow: 09:00', key: 'tomorrow', withTime: true, want: '2026-12-10 09:00' },
    { name: 'next Monday keeps the chosen time', key: 'nextMonday', withTime: true, current: '2026-12-20 14:45', want: '2026-12-14 14:45' },
    { name: 'a due time today: the next quarter hour', key: 'today', withTime: true, want: '2026-12-09 15:30' },
    { name: 'when it happened, today: now', key: 'today', withTime: true, pastOnly: true, want: '2026-12-09 15:20' },
    { name: 'yesterday at 09:00', key: 'yesterday', withTime: true, pastOnly: true, want: '2026-12-08 09:00' },
  ];
  it.each(cases)('$name', ({ key, withTime, current, pastOnly, want }) => {
    expect(presetValue(key, now, { withTime, current: current ? dayjs(current) : null, pastOnly }).format(fmt)).toBe(want);
  });
  it('stays on today near midnight', () => {
    expect(presetValue('today', dayjs('2026-12-09 23:50'), { withTime: true }).format(fmt)).toBe('2026-12-09 23:50');
  });
});

describe('native input values', () => {
  it('round-trips a date and a date-time', () => {
    expect(toNativeValue(dayjs('2026-12-10 09:05'), true)).toBe('2026-12-10T09:05');
    expect(toNativeValue(dayjs('2026-12-10 09:05'), false)).toBe('2026-12-10');
    expect(fromNativeValue('2026-12-10T09:05', true)?.format(fmt)).toBe('2026-12-10 09:05');
    expect(fromNativeValue('2026-12-10', false)?.format('YYYY-MM-DD')).toBe('2026-12-10');
  });
  it('refuses what is not a whole date', () => {
    for (const s of ['', '2026-12', '2026-02-30', '2026-12-10T9:5', 'abc']) {
      expect(fromNativeValue(s, s.includes('T'))).toBeNull();
    }
    expect(toNativeValue(null, true)).toBe('');
  });
});
