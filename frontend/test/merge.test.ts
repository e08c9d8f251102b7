import { describe, expect, it } from 'vitest';
import { defaultPicks, defaultSurvivor, differingFields, isEmptyValue, mergeArgs, type MergeSide } from '../src/pages/duplicates/merge';

const fields = ['name', 'industry', 'website', 'ownerId', 'cadenceDays'];
const a: MergeSide = { id: 'ca', code: 'K0002', version: 3, values: { name: '华信科技', industry: '制造业', website: '', ownerId: 'u1', cadenceDays: null } };
const b: MergeSide = { id: 'cb', code: 'K0010', version: 7, values: { name: '华信科技有限公司', industry: '', website: 'https://hx.cn', ownerId: 'u2', cadenceDays: 30 } };
const sides = { a, b };

describe('merge dialog state', () => {
  it('keeps the older code', () => {
    expect(defaultSurvivor({ code: 'K0002' }, { code: 'K0010' })).toBe('a');
    expect(defaultSurvivor({ code: 'K0100' }, { code: 'K0020' })).toBe('b');
  });

  it('takes the survivor’s value unless it is empty and the other’s is not', () => {
    expect(defaultPicks(fields, sides, 'a')).toEqual({ name: 'a', industry: 'a', website: 'b', ownerId: 'a', cadenceDays: 'b' });
    expect(defaultPicks(fields, sides, 'b')).toEqual({ name: 'b', industry: 'a', website: 'b', ownerId: 'b', cadenceDays: 'b' });
  });

  it('knows empty values', () => {
    expect(isEmptyValue('')).toBe(true);
    expect(isEmptyValue('  ')).toBe(true);
    expect(isEmptyValue(null)).toBe(true);
    expect(isEmptyValue(0)).toBe(false);
    expect(isEmptyValue('x')).toBe(false);
  });

  it('lists the fields that differ', () => {
    const same: MergeSide = { ...b, values: { ...b.values, industry: '制造业' } };
    expect(differingFields(fields, { a, b: same })).toEqual(['name', 'website', 'ownerId', 'cadenceDays']);
    expect(differingFields(['website'], { a: { ...a, values: { website: null } }, b: { ...b, values: { website: '' } } })).toEqual([]);
  });

  it('builds mergeCustomers’ arguments: survivor’s version first, every choice by id', () => {
    const picks = { ...defaultPicks(fields, sides, 'a'), name: 'b' as const };
    expect(mergeArgs(fields, sides, 'a', picks)).toEqual({
      survivorId: 'ca',
      otherIds: ['cb'],
      expectedVersions: [3, 7],
      choices: [
        { field: 'name', from: 'cb' },
        { field: 'industry', from: 'ca' },
        { field: 'website', from: 'cb' },
        { field: 'ownerId', from: 'ca' },
        { field: 'cadenceDays', from: 'cb' },
      ],
    });
    const other = mergeArgs(fields, sides, 'b', defaultPicks(fields, sides, 'b'));
    expect(other.survivorId).toBe('cb');
    expect(other.otherIds).toEqual(['ca']);
    expect(other.expectedVersions).toEqual([7, 3]);
    expect(other.choices.find((c) => c.field === 'industry')).toEqual({ field: 'industry', from: 'ca' });
  });

  it('falls back to the default for a field without a pick', () => {
    expect(mergeArgs(['website'], sides, 'a', {}).choices).toEqual([{ field: 'website', from: 'cb' }]);
  });
});
