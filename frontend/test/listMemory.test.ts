import { describe, expect, it } from 'vitest';
import { canonicalSearch, forgetList, lastListPath, rememberList, rememberScroll, scrollOf } from '../src/lib/listMemory';

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

describe('list memory', () => {
  it('goes to the default list when nothing is remembered', () => {
    expect(lastListPath(memory())).toBe('/customers');
  });
  it('returns to the last filter, sort and page', () => {
    const s = memory();
    rememberList('?q=%E7%A7%91%E6%8A%80&sort=NAME.asc&page=3', s);
    expect(lastListPath(s)).toBe('/customers?q=%E7%A7%91%E6%8A%80&sort=NAME.asc&page=3');
  });
  it('drops what the list does not understand and forgets the default list', () => {
    const s = memory();
    rememberList('?page=2&evil=%3Cscript%3E', s);
    expect(lastListPath(s)).toBe('/customers?page=2');
    rememberList('', s);
    expect(lastListPath(s)).toBe('/customers');
  });
  it('forgets on reset', () => {
    const s = memory();
    rememberList('?page=4', s);
    rememberScroll('?page=4', 900, s);
    forgetList(s);
    expect(lastListPath(s)).toBe('/customers');
    expect(scrollOf('?page=4', s)).toBe(0);
  });
  it('restores the scroll only for the same list', () => {
    const s = memory();
    rememberScroll('?page=2&size=20', 1234.4, s);
    expect(scrollOf('?page=2', s)).toBe(1234);
    expect(scrollOf('?page=3', s)).toBe(0);
  });
  it('canonicalises the default list to the empty string', () => {
    expect(canonicalSearch('?page=1&sort=LAST_INTERACTION_AT.desc')).toBe('');
  });
});
