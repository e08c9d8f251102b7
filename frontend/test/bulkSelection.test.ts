import { describe, expect, it } from 'vitest';
import { NONE, isSelected, pageSelected, selectRange, selectedCount, selectionInput, setRows, type Selection } from '../src/pages/bulk/selection';

const rows = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, version: i + 1 }));
const ids = (s: Selection) => (s.kind === 'all' ? 'all' : [...s.picked.keys()].sort().join(''));

describe('bulk selection', () => {
  it('picks rows one by one with the version seen', () => {
    let s = setRows(NONE, rows, [rows[1]!], true);
    s = setRows(s, rows, [rows[3]!], true);
    expect(ids(s)).toBe('bd');
    expect(selectionInput(s, {})).toEqual({ customers: [{ id: 'b', expectedVersion: 2 }, { id: 'd', expectedVersion: 4 }] });
    s = setRows(s, rows, [rows[1]!], false);
    expect(ids(s)).toBe('d');
  });

  it.each([
    // anchor, clicked, on, before, after
    [1, 3, true, '', 'bcd'],
    [3, 1, true, '', 'bcd'],
    [0, 4, true, 'c', 'abcde'],
    [4, 2, false, 'abcde', 'ab'],
    [null, 2, true, 'a', 'ac'],
    [9, 2, true, '', 'c'], // an anchor from another page
    [2, 2, true, '', 'c'],
  ] as const)('shift-click from %s to %s (%s): %s -> %s', (anchor, index, on, before, after) => {
    const start = setRows(NONE, rows, rows.filter((r) => before.includes(r.id)), true);
    expect(ids(selectRange(start, rows, anchor, index, on))).toBe(after);
  });

  it('keeps rows picked on other pages', () => {
    const other = [{ id: 'x', version: 7 }];
    let s = setRows(NONE, other, other, true);
    s = selectRange(s, rows, 0, 1, true);
    expect(ids(s)).toBe('abx');
    expect(pageSelected(s, rows)).toBe(false);
    expect(pageSelected(selectRange(s, rows, 0, 4, true), rows)).toBe(true);
  });

  it('selects every customer matching the filter', () => {
    const all: Selection = { kind: 'all' };
    expect(selectedCount(all, 1234)).toBe(1234);
    expect(isSelected(all, 'zzz')).toBe(true);
    const filter = { query: 'tag:展会', scope: 'ACTIVE' as const };
    expect(selectionInput(all, filter)).toEqual({ filter });
    // unticking a row leaves "all" for the rows shown less that one
    expect(ids(setRows(all, rows, [rows[0]!], false))).toBe('bcde');
  });
});
