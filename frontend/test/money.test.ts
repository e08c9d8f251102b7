import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { dateToDayjs, dayjsToDate, dayjsToTime, formatMoney, formatMoneyShort, formatShortTime, timeToDayjs, toMoney } from '../src/lib/money';

describe('money', () => {
  it('normalises input to the Money scalar', () => {
    expect(toMoney('12500')).toBe('12500.00');
    expect(toMoney('12500.5')).toBe('12500.50');
    expect(toMoney('0.1')).toBe('0.10');
    expect(toMoney('.5')).toBe('0.50');
    expect(toMoney('007')).toBe('7.00');
    expect(toMoney(680000)).toBe('680000.00');
    expect(toMoney(12.3)).toBe('12.30');
    expect(toMoney('1,234,567.89')).toBe('1234567.89');
    expect(toMoney('¥99')).toBe('99.00');
    expect(toMoney('999999999999.99')).toBe('999999999999.99');
    expect(toMoney('')).toBeNull();
    expect(toMoney(null)).toBeNull();
    expect(toMoney(undefined)).toBeNull();
  });

  it('rounds extra decimals half up without floats', () => {
    expect(toMoney('0.125')).toBe('0.13');
    expect(toMoney('0.124')).toBe('0.12');
    expect(toMoney('19.999')).toBe('20.00');
  });

  it('passes invalid text through for the server to name', () => {
    expect(toMoney('-5')).toBe('-5');
    expect(toMoney('abc')).toBe('abc');
  });

  it('formats amounts with grouping', () => {
    expect(formatMoney('1234567.5')).toBe('¥1,234,567.50');
    expect(formatMoney('0.00')).toBe('¥0.00');
    expect(formatMoney('999')).toBe('¥999.00');
    expect(formatMoney(null)).toBe('—');
    expect(formatMoneyShort('680000.00', 'zh')).toBe('¥68万');
    expect(formatMoneyShort('250000000.00', 'zh')).toBe('¥2.5亿');
    expect(formatMoneyShort('821000.00', 'zh')).toBe('¥82.1万');
    expect(formatMoneyShort('821000.00', 'en')).toBe('¥821K');
    expect(formatMoneyShort('680000.00', 'en')).toBe('¥680K');
    expect(formatMoneyShort('12.00', 'en')).toBe('¥12.00');
  });
});

describe('dates and times', () => {
  it('converts Date scalars', () => {
    expect(dayjsToDate(dateToDayjs('2026-11-20'))).toBe('2026-11-20');
    expect(dateToDayjs('2026-13-01')).toBeNull();
    expect(dateToDayjs(null)).toBeNull();
    expect(dayjsToDate(null)).toBeNull();
    expect(dayjsToDate(dayjs('2024-02-29T23:59:00'))).toBe('2024-02-29');
  });

  it('converts Time scalars to RFC 3339 with an offset', () => {
    const s = dayjsToTime(dayjs('2026-11-30T18:00:00'));
    expect(s).toMatch(/^2026-11-30T18:00:00[+-]\d{2}:\d{2}$/);
    const back = timeToDayjs('2026-11-30T18:00:00+08:00');
    expect(back?.toISOString()).toBe('2026-11-30T10:00:00.000Z');
    expect(timeToDayjs('not a time')).toBeNull();
    expect(dayjsToTime(null)).toBeNull();
    // A round trip keeps the instant.
    const t = '2026-11-23T09:30:00+08:00';
    expect(timeToDayjs(dayjsToTime(timeToDayjs(t)))?.valueOf()).toBe(timeToDayjs(t)?.valueOf());
  });
  it('writes a time short for narrow columns: the day and time this year, the date before', () => {
    const now = dayjs('2026-12-06T10:00:00+08:00');
    expect(formatShortTime('2026-12-06T09:04:00Z', now)).toMatch(/^12-06 \d\d:04$/);
    expect(formatShortTime('2025-11-30T02:00:00Z', now)).toBe('2025-11-30');
    expect(formatShortTime(null, now)).toBe('—');
  });
});
