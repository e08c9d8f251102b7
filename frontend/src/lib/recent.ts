// 最近查看: the customers a user opened last, newest first, kept in this
// browser per user (localStorage: kehu.recent.<user id>). A customer page
// records itself when it shows; the list and the quick switcher read it.

export interface RecentCustomer {
  code: string;
  name: string;
}

export const RECENT_MAX = 10;

const key = (userId: string) => `kehu.recent.${userId}`;

/** The list with c first (moved up if it was there), at most RECENT_MAX long. */
export function pushRecent(list: readonly RecentCustomer[], c: RecentCustomer): RecentCustomer[] {
  return [c, ...list.filter((x) => x.code !== c.code)].slice(0, RECENT_MAX);
}

/** A stored value read back; anything malformed is dropped. */
export function parseRecent(raw: string | null): RecentCustomer[] {
  if (!raw) return [];
  try {
    const v: unknown = JSON.parse(raw);
    if (!Array.isArray(v)) return [];
    return v
      .filter((x): x is RecentCustomer => typeof x === 'object' && x !== null && typeof x.code === 'string' && typeof x.name === 'string' && x.code !== '')
      .slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

export function loadRecent(userId: string | undefined): RecentCustomer[] {
  if (!userId) return [];
  try {
    return parseRecent(localStorage.getItem(key(userId)));
  } catch {
    return [];
  }
}

export function rememberRecent(userId: string | undefined, c: RecentCustomer): void {
  if (!userId) return;
  try {
    localStorage.setItem(key(userId), JSON.stringify(pushRecent(loadRecent(userId), c)));
  } catch {
    // storage blocked or full: not remembered
  }
}

/** 我的客户 as this user last left it on this browser. */
export function loadMine(userId: string | undefined): boolean {
  if (!userId) return false;
  try {
    return localStorage.getItem(`kehu.mine.${userId}`) === '1';
  } catch {
    return false;
  }
}

export function saveMine(userId: string | undefined, mine: boolean): void {
  if (!userId) return;
  try {
    localStorage.setItem(`kehu.mine.${userId}`, mine ? '1' : '0');
  } catch {
    // not remembered
  }
}
