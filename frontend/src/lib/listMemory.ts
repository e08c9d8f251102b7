// The customer list as the user left it (filter, sort, page; lib/urlState.ts),
// kept for this browser tab: the 客户 menu goes back to it, and Back from a
// customer finds the list scrolled where it was. sessionStorage, so another
// user signing in on the same computer (a new tab session) starts clean.
import { decodeListState, encodeListState } from './urlState';

const LIST_KEY = 'kehu.list.last';
const SCROLL_KEY = 'kehu.list.scroll';

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function session(): Store | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null; // storage blocked: nothing is remembered
  }
}

/** The list's query string in its canonical form ('' for the default list). */
export function canonicalSearch(search: string): string {
  return encodeListState(decodeListState(new URLSearchParams(search))).toString();
}

/** Remembers the list the user is looking at. */
export function rememberList(search: string, store: Store | null = session()): void {
  try {
    const s = canonicalSearch(search);
    if (s) store?.setItem(LIST_KEY, s);
    else store?.removeItem(LIST_KEY);
  } catch {
    // not kept
  }
}

/** Where the 客户 menu goes: the last list of this tab, else the default list. */
export function lastListPath(store: Store | null = session()): string {
  let s = '';
  try {
    s = store?.getItem(LIST_KEY) ?? '';
  } catch {
    s = '';
  }
  s = s ? canonicalSearch(s) : '';
  return s ? `/customers?${s}` : '/customers';
}

/** Forgets the remembered list (the list's reset). */
export function forgetList(store: Store | null = session()): void {
  try {
    store?.removeItem(LIST_KEY);
    store?.removeItem(SCROLL_KEY);
  } catch {
    // nothing kept
  }
}

/** Remembers how far the list of search was scrolled. */
export function rememberScroll(search: string, y: number, store: Store | null = session()): void {
  try {
    store?.setItem(SCROLL_KEY, JSON.stringify({ s: canonicalSearch(search), y: Math.max(0, Math.round(y)) }));
  } catch {
    // not kept
  }
}

/** The remembered scroll position of the list of search (0 when another list was scrolled). */
export function scrollOf(search: string, store: Store | null = session()): number {
  try {
    const v = JSON.parse(store?.getItem(SCROLL_KEY) ?? 'null') as { s?: unknown; y?: unknown } | null;
    return v && v.s === canonicalSearch(search) && typeof v.y === 'number' && v.y > 0 ? v.y : 0;
  } catch {
    return 0;
  }
}
