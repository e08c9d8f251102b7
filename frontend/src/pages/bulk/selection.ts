// Which customers of the list are selected for a bulk change: rows picked
// one by one (each with the version it was seen at, so that a change made by
// someone else meanwhile is a conflict, not overwritten), or every customer
// the list's filter holds. Pure: the list page and the tests share it.
import type { BulkChangeInput, BulkFilterInput } from '../../gql/graphql';

export interface PickedRow {
  id: string;
  version: number;
}

export type Selection =
  | { kind: 'some'; picked: ReadonlyMap<string, number> } // id -> version seen
  | { kind: 'all' }; // every customer matching the filter

export const NONE: Selection = { kind: 'some', picked: new Map() };

/** How many customers are selected; total is the number matching the filter. */
export function selectedCount(sel: Selection, total: number): number {
  return sel.kind === 'all' ? total : sel.picked.size;
}

export function isSelected(sel: Selection, id: string): boolean {
  return sel.kind === 'all' || sel.picked.has(id);
}

/**
 * Sets rows on or off. Leaving "all" by unticking a row keeps the rows
 * shown (the others are not known by id) less that row.
 */
export function setRows(sel: Selection, shown: readonly PickedRow[], rows: readonly PickedRow[], on: boolean): Selection {
  const picked = new Map(sel.kind === 'all' ? shown.map((r) => [r.id, r.version] as const) : sel.picked);
  for (const r of rows) {
    if (on) picked.set(r.id, r.version);
    else picked.delete(r.id);
  }
  return { kind: 'some', picked };
}

/**
 * A shift-click: every row from the anchor (the last row clicked) to index,
 * both included, in the order shown, takes the state the clicked row takes.
 * Without an anchor on this page, only the clicked row.
 */
export function selectRange(sel: Selection, shown: readonly PickedRow[], anchor: number | null, index: number, on: boolean): Selection {
  if (index < 0 || index >= shown.length) return sel;
  const from = anchor === null || anchor < 0 || anchor >= shown.length ? index : Math.min(anchor, index);
  const to = anchor === null || anchor < 0 || anchor >= shown.length ? index : Math.max(anchor, index);
  return setRows(sel, shown, shown.slice(from, to + 1), on);
}

/** True when every row shown is selected (then "select all N" is offered). */
export function pageSelected(sel: Selection, shown: readonly PickedRow[]): boolean {
  return shown.length > 0 && shown.every((r) => isSelected(sel, r.id));
}

/** The selection part of the bulk change input. */
export function selectionInput(sel: Selection, filter: BulkFilterInput): Pick<BulkChangeInput, 'customers' | 'filter'> {
  if (sel.kind === 'all') return { filter };
  return { customers: [...sel.picked].map(([id, expectedVersion]) => ({ id, expectedVersion })) };
}
