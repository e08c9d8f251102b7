import { describe, expect, it } from 'vitest';
import { CursorStack, DEFAULT_STATE, decodeListState, encodeListState, listKey } from '../src/lib/urlState';

describe('customer list URL state', () => {
  it('decodes the example URL', () => {
    const s = decodeListState(new URLSearchParams('q=科技&sort=LAST_INTERACTION_AT.desc&page=3'));
    expect(s).toEqual({ q: '科技', scope: 'ACTIVE', sort: { field: 'LAST_INTERACTION_AT', direction: 'DESC' }, page: 3, size: 20, mine: false });
  });

  it('round-trips every state', () => {
    const states = [
      DEFAULT_STATE,
      { q: '杭州 云栖', scope: 'ARCHIVED' as const, sort: { field: 'TOTAL_AMOUNT' as const, direction: 'ASC' as const }, page: 7, size: 50, mine: true },
      { q: 'a&b=c?', scope: 'ALL' as const, sort: { field: 'NAME' as const, direction: 'DESC' as const }, page: 1, size: 100, mine: false },
    ];
    for (const s of states) {
      const qs = encodeListState(s).toString();
      expect(decodeListState(new URLSearchParams(qs))).toEqual(s);
    }
  });

  it('leaves defaults out of the URL', () => {
    expect(encodeListState(DEFAULT_STATE).toString()).toBe('');
    expect(encodeListState({ ...DEFAULT_STATE, page: 2 }).toString()).toBe('page=2');
    expect(encodeListState({ ...DEFAULT_STATE, mine: true }).toString()).toBe('mine=1');
  });

  it('keeps the cursors of 我的客户 apart from the whole list', () => {
    expect(listKey({ ...DEFAULT_STATE, mine: true })).not.toBe(listKey(DEFAULT_STATE));
  });

  it('ignores junk', () => {
    const s = decodeListState(new URLSearchParams('sort=PASSWORD.desc&page=-4&size=7&scope=everything'));
    expect(s).toEqual(DEFAULT_STATE);
    expect(decodeListState(new URLSearchParams('page=abc')).page).toBe(1);
    expect(decodeListState(new URLSearchParams('page=99999999')).page).toBe(10000);
    expect(decodeListState(new URLSearchParams('sort=name')).sort).toEqual({ field: 'NAME', direction: 'ASC' });
  });

  it('keeps a cursor stack per list', () => {
    const st = new CursorStack();
    const a = listKey(DEFAULT_STATE);
    const b = listKey({ ...DEFAULT_STATE, q: 'x' });
    expect(st.get(a, 1)).toBeNull();
    expect(st.get(a, 2)).toBeUndefined();
    st.set(a, 1, 'c1');
    st.set(a, 2, 'c2');
    expect(st.get(a, 2)).toBe('c1');
    expect(st.get(a, 3)).toBe('c2');
    expect(st.get(b, 2)).toBeUndefined();
    expect(st.nearest(a, 9)).toEqual({ page: 3, after: 'c2' });
    expect(st.nearest(b, 9)).toEqual({ page: 1, after: null });
    expect(listKey({ ...DEFAULT_STATE, page: 5 })).toBe(a);
  });
});
