import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { overrideVariables } from '../src/pages/detail/Classification';

describe('overrideVariables', () => {
  const now = { valueTier: 'C' as const, lifecycle: 'NEW' as const, cadenceDays: 30 };

  it('holds only the values that differ from the customer’s, with the reason trimmed', () => {
    expect(overrideVariables({ valueTier: 'A', lifecycle: 'NEW', cadenceDays: 30, reason: ' 战略合作 ', reviewOn: null }, now)).toEqual({
      valueTier: 'A',
      reason: '战略合作',
      reviewOn: null,
    });
  });

  it('sends the cadence and a review date as a calendar date', () => {
    expect(
      overrideVariables({ valueTier: 'C', lifecycle: 'STABLE', cadenceDays: 10, reason: '季度复核', reviewOn: dayjs('2027-03-31T23:30:00') }, now),
    ).toEqual({ lifecycle: 'STABLE', cadenceDays: 10, reason: '季度复核', reviewOn: '2027-03-31' });
  });

  it('sends no value when nothing changed: the server then says one is needed', () => {
    expect(overrideVariables({ valueTier: 'C', lifecycle: 'NEW', cadenceDays: 30, reason: 'x', reviewOn: null }, now)).toEqual({
      reason: 'x',
      reviewOn: null,
    });
  });
});
