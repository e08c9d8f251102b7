// The customer list keeps its state in the URL so that a link, a reload or
// the back button shows the same page: /customers?q=科技&sort=LAST_INTERACTION_AT.desc&page=3
// q is a query line (internal/segment/QUERY.md): plain words search names,
// codes and contacts; `tier:A,B visits(90d):>=3` filters.
import type { ArchiveScope, CustomerOrderField, OrderDirection } from '../gql/graphql';
import { ARCHIVE_SCOPE_LABELS, ORDER_FIELD_LABELS } from '../i18n/enums';

export interface ListSort {
  field: CustomerOrderField;
  direction: OrderDirection;
}

export interface ListState {
  /** The query line of the list's filter ('' for none). */
  q: string;
  /** Active customers (default), archived ones, or all. */
  scope: ArchiveScope;
  sort: ListSort;
  page: number;
  size: number;
  /** Only the signed-in user's own customers (我的客户: owner is me), ANDed with the filter. */
  mine: boolean;
}

export const PAGE_SIZES = [20, 50, 100] as const;
export const DEFAULT_SORT: ListSort = { field: 'LAST_INTERACTION_AT', direction: 'DESC' };
export const DEFAULT_STATE: ListState = { q: '', scope: 'ACTIVE', sort: DEFAULT_SORT, page: 1, size: 20, mine: false };
/** The longest query line the server takes (4,000 bytes; a character is at most 4). */
export const MAX_QUERY = 4000;
/** Upper bound of a page number in a URL (keeps a typo from walking a huge list). */
export const MAX_PAGE = 10000;

function isOrderField(s: string): s is CustomerOrderField {
  return Object.prototype.hasOwnProperty.call(ORDER_FIELD_LABELS, s);
}

function decodeScope(raw: string | null): ArchiveScope {
  const s = (raw ?? '').toUpperCase();
  return Object.prototype.hasOwnProperty.call(ARCHIVE_SCOPE_LABELS, s) ? (s as ArchiveScope) : 'ACTIVE';
}

export function encodeSort(sort: ListSort): string {
  return `${sort.field}.${sort.direction.toLowerCase()}`;
}

export function decodeSort(raw: string | null): ListSort {
  if (!raw) return DEFAULT_SORT;
  const [field = '', dir = 'asc'] = raw.split('.');
  const f = field.toUpperCase();
  if (!isOrderField(f)) return DEFAULT_SORT;
  const d = dir.toLowerCase();
  return { field: f, direction: d === 'desc' ? 'DESC' : 'ASC' };
}

function intParam(raw: string | null, def: number, min: number, max: number): number {
  if (raw === null || !/^\d+$/.test(raw)) return def;
  const n = Number(raw);
  return n < min ? def : Math.min(n, max);
}

export function decodeListState(params: URLSearchParams): ListState {
  const sizeRaw = intParam(params.get('size'), DEFAULT_STATE.size, 1, 100);
  const size = (PAGE_SIZES as readonly number[]).includes(sizeRaw) ? sizeRaw : DEFAULT_STATE.size;
  return {
    q: (params.get('q') ?? '').trim().slice(0, MAX_QUERY),
    scope: decodeScope(params.get('scope')),
    sort: decodeSort(params.get('sort')),
    page: intParam(params.get('page'), 1, 1, MAX_PAGE),
    size,
    mine: params.get('mine') === '1',
  };
}

/** The query string of a state; defaults are left out to keep links short. */
export function encodeListState(s: ListState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q.trim()) p.set('q', s.q.trim());
  if (s.scope !== 'ACTIVE') p.set('scope', s.scope.toLowerCase());
  if (s.sort.field !== DEFAULT_SORT.field || s.sort.direction !== DEFAULT_SORT.direction) p.set('sort', encodeSort(s.sort));
  if (s.page > 1) p.set('page', String(s.page));
  if (s.size !== DEFAULT_STATE.size) p.set('size', String(s.size));
  if (s.mine) p.set('mine', '1');
  return p;
}

/**
 * A key for everything but the page: cursors of one key are valid together.
 * extra names a filter that is not in the URL (a builder-only where).
 */
export function listKey(s: ListState, extra = ''): string {
  return `${s.q.trim()}|${s.scope}|${encodeSort(s.sort)}|${s.size}${s.mine ? '|mine' : ''}${extra ? `|${extra}` : ''}`;
}

/**
 * Keyset cursors of the pages seen so far, per list key: the cursor stack.
 * cursors[n] is the `after` of page n+1 (page 1 has none).
 */
export class CursorStack {
  private readonly stacks = new Map<string, (string | null)[]>();

  /** The `after` cursor of a page, null for page 1, undefined when not known yet. */
  get(key: string, page: number): string | null | undefined {
    if (page <= 1) return null;
    return this.stacks.get(key)?.[page - 1];
  }

  /** Records the end cursor of a page (the `after` of the next one). */
  set(key: string, page: number, endCursor: string | null): void {
    let stack = this.stacks.get(key);
    if (!stack) {
      stack = [null];
      this.stacks.set(key, stack);
    }
    stack[page] = endCursor;
  }

  /** The highest page below `page` whose cursor is known, and that cursor. */
  nearest(key: string, page: number): { page: number; after: string | null } {
    const stack = this.stacks.get(key);
    for (let p = page; p > 1; p--) {
      const c = stack?.[p - 1];
      if (c) return { page: p, after: c };
    }
    return { page: 1, after: null };
  }

  clear(): void {
    this.stacks.clear();
  }
}
