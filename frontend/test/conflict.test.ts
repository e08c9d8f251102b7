import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { canonical, diffRecords, editedFields, mergeEdits, sameValue } from '../src/lib/conflict';
import { PROFILE_FIELDS, emptyCustomerForm, formToPatch, type CustomerFormValues } from '../src/lib/customerForm';

const loaded: CustomerFormValues = { ...emptyCustomerForm(), name: '杭州云栖科技', city: '杭州市', tags: ['高意向'], stage: 'CONTACTED', notes: '' };

describe('conflict diff and merge', () => {
  it('compares values by content', () => {
    expect(sameValue('', null)).toBe(true);
    expect(sameValue(undefined, '')).toBe(true);
    expect(sameValue([], null)).toBe(true);
    expect(sameValue(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameValue(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameValue(dayjs('2020-01-01'), dayjs('2020-01-01'))).toBe(true);
    expect(sameValue(dayjs('2020-01-01'), dayjs('2020-01-02'))).toBe(false);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(canonical(0)).toBe('0');
  });

  it('lists what someone else changed, marking clashes with the user', () => {
    const fresh = { ...loaded, city: '宁波市', stage: 'PROPOSAL' as const, notes: '对方补充的备注' };
    const mine = { ...loaded, notes: '我写的备注', name: '杭州云栖科技有限公司' };
    const changes = diffRecords(loaded, fresh, PROFILE_FIELDS, mine);
    expect(changes.map((c) => c.field)).toEqual(['stage', 'city', 'notes']);
    const notes = changes.find((c) => c.field === 'notes');
    expect(notes).toMatchObject({ before: '', after: '对方补充的备注', mine: '我写的备注', clash: true });
    const city = changes.find((c) => c.field === 'city');
    expect(city?.clash).toBe(false);
    expect(city?.mine).toBeUndefined();
  });

  it('re-applies the user edits on the fresh copy', () => {
    const fresh = { ...loaded, city: '宁波市', notes: '对方补充的备注' };
    const mine = { ...loaded, notes: '我写的备注', name: '杭州云栖科技有限公司' };
    expect(editedFields(loaded, mine, PROFILE_FIELDS)).toEqual(['name', 'notes']);
    const { merged, clashes } = mergeEdits(loaded, mine, fresh, PROFILE_FIELDS);
    expect(merged.name).toBe('杭州云栖科技有限公司');
    expect(merged.notes).toBe('我写的备注');
    expect(merged.city).toBe('宁波市');
    expect(clashes).toEqual(['notes']);
    // Saving the merge against the fresh copy sends only the user's changes.
    expect(formToPatch(merged, fresh)).toEqual({ name: '杭州云栖科技有限公司', notes: '我写的备注' });
  });

  it('a user edit equal to the fresh value is no clash', () => {
    const fresh = { ...loaded, city: '宁波市' };
    const mine = { ...loaded, city: '宁波市' };
    const { merged, clashes } = mergeEdits(loaded, mine, fresh, PROFILE_FIELDS);
    expect(clashes).toEqual([]);
    expect(merged.city).toBe('宁波市');
    expect(diffRecords(loaded, fresh, PROFILE_FIELDS, mine)[0]).toMatchObject({ field: 'city', clash: false });
  });
});

describe('customer form conversions', () => {
  it('sends only changed fields; an emptied text clears it', () => {
    const v = { ...loaded, city: '', tags: ['高意向', ' 新标签 ', '高意向'], foundedOn: dayjs('2001-05-06') };
    expect(formToPatch(v, loaded)).toEqual({ city: '', tags: ['高意向', '新标签'], foundedOn: '2001-05-06' });
    expect(formToPatch(loaded, loaded)).toEqual({});
  });
});
