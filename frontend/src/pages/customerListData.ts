// Loading a page of the customer list with keyset cursors. Page N needs the
// end cursor of page N-1: the cursor stack remembers every page seen; for a
// page reached directly (a link, a page-number click), the cursors of the
// pages before it are fetched alone (no rows), 100 at a time.
import type { QueryClient } from '@tanstack/react-query';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { request } from '../api/client';
import { CustomerCursorsQuery, CustomersQuery } from '../api/operations';
import type { CustomerListItemFragment, CustomerOrder } from '../gql/graphql';
import type { Where } from '../lib/segment/tree';
import { CursorStack, decodeListState, listKey, type ListState } from '../lib/urlState';

export const cursorStack = new CursorStack();

export interface ListPage {
  rows: CustomerListItemFragment[];
  totalCount: number;
  hasNextPage: boolean;
  /** False when the page asked for lies beyond the end of the list. */
  inRange: boolean;
}

const WALK_CHUNK = 100;

function order(s: ListState): CustomerOrder {
  return { field: s.sort.field, direction: s.sort.direction };
}

const MINE: Where = { owner: { me: true } };

/**
 * The filter of a list request: the URL's query line, or a where that has
 * none (builder-only); 我的客户 ANDs owner = me to either (the API ANDs
 * where and query).
 */
export function filterVars(s: ListState, where: Where | null) {
  if (where) return { where: s.mine ? { and: [where, MINE] } : where, query: null };
  return { query: s.q || null, where: s.mine ? MINE : null };
}

function whereKey(where: Where | null): string {
  return where ? JSON.stringify(where) : '';
}

/** The `after` cursor of a page, walking the cursors of earlier pages if needed; undefined past the end. */
async function afterCursor(s: ListState, where: Where | null): Promise<string | null | undefined> {
  const key = listKey(s, whereKey(where));
  const known = cursorStack.get(key, s.page);
  if (known !== undefined) return known;
  const start = cursorStack.nearest(key, s.page);
  let after = start.after;
  let page = start.page;
  const perChunk = Math.max(1, Math.floor(WALK_CHUNK / s.size));
  while (page < s.page) {
    const pages = Math.min(perChunk, s.page - page);
    const res = await request(CustomerCursorsQuery, {
      first: pages * s.size,
      after,
      orderBy: order(s),
      scope: s.scope,
      ...filterVars(s, where),
    });
    const { endCursor, hasNextPage } = res.customers.pageInfo;
    if (!endCursor) return undefined;
    page += pages;
    after = endCursor;
    cursorStack.set(key, page - 1, endCursor);
    if (!hasNextPage && page < s.page) return undefined;
    if (!hasNextPage && page === s.page) return undefined;
  }
  return after;
}

export async function fetchListPage(s: ListState, where: Where | null = null): Promise<ListPage> {
  const after = await afterCursor(s, where);
  const res = await request(CustomersQuery, {
    first: s.size,
    after: after === undefined ? null : after,
    orderBy: order(s),
    scope: s.scope,
    ...filterVars(s, where),
  });
  const c = res.customers;
  if (after === undefined && s.page > 1) {
    return { rows: [], totalCount: c.totalCount, hasNextPage: false, inRange: false };
  }
  cursorStack.set(listKey(s, whereKey(where)), s.page, c.pageInfo.endCursor);
  return {
    rows: c.edges.map((e) => e.node),
    totalCount: c.totalCount,
    hasNextPage: c.pageInfo.hasNextPage,
    inRange: true,
  };
}

export function listQueryKey(s: ListState, where: Where | null = null) {
  return ['customers', s.q, s.scope, s.sort.field, s.sort.direction, s.size, s.page, s.mine, whereKey(where)] as const;
}

/** A page of the list of the URL's state; where replaces the query line when the filter has none. */
export function useCustomerList(s: ListState, where: Where | null = null) {
  return useQuery({
    queryKey: listQueryKey(s, where),
    queryFn: () => fetchListPage(s, where),
    placeholderData: keepPreviousData,
  });
}

/** Starts loading a list page (e.g. right after sign-in). */
export function prefetchCustomerList(qc: QueryClient, params: URLSearchParams): void {
  const s = decodeListState(params);
  void qc.prefetchQuery({ queryKey: listQueryKey(s), queryFn: () => fetchListPage(s) });
}
