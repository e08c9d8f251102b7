/** Where the app goes after sign-in when `next` is missing or refused. */
export const DEFAULT_NEXT = '/customers';

const BASE = 'https://kehu.invalid';

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators:
// URL parsers drop or rewrite some of them (a tab inside "//" vanishes).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Reports whether s, decoded any number of times, hides a way off the app. */
function unsafe(s: string): boolean {
  for (let i = 0; i < 4; i++) {
    if (CONTROL.test(s) || s.includes('\\') || s.startsWith('//') || /^\s/.test(s)) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return false; // a lone "%" (a search for "50%"): nothing more to decode
    }
    if (decoded === s) return false;
    s = decoded;
  }
  return true; // encoded more than a few times: nobody does that honestly
}

/**
 * Only same-app paths are followed after sign-in: a path that starts with
 * one "/" (no scheme, no "//" host, no backslashes, no control characters,
 * even percent-encoded), that the browser's own URL parser resolves to this
 * origin. Anything else, and the sign-in page itself, go to DEFAULT_NEXT.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith('/') || unsafe(next)) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return DEFAULT_NEXT;
  }
  if (url.origin !== BASE || url.pathname === '/login' || url.pathname.startsWith('/login/')) return DEFAULT_NEXT;
  // Resolving dot segments can make a host of the path: /.//evil.example
  // is //evil.example. The result is checked like the input.
  const out = url.pathname + url.search + url.hash;
  return unsafe(out) ? DEFAULT_NEXT : out;
}
