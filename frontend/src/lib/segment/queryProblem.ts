// Where a query line does not parse: the server answers BAD_USER_INPUT on the
// field `query` with "at 7: expected ..." (7 counts characters from 1).
import { isApiError } from '../../api/errors';

export interface QueryProblem {
  /** 1-based position in characters (code points), null when the server named none. */
  pos: number | null;
  /** The server's message without the position; the fallback of reason. */
  message: string;
  reason?: string;
  params?: Record<string, unknown>;
}

const AT_RE = /^(?:query: )?at (\d+): ([\s\S]*)$/;

/** The problem of a failed parseQuery / customers(query) call; null for other failures. */
export function queryProblem(err: unknown): QueryProblem | null {
  if (!isApiError(err) || err.code !== 'BAD_USER_INPUT') return null;
  const f = err.fields.find((x) => x.field === 'query');
  if (!f) return null;
  const m = AT_RE.exec(f.message);
  const why = { reason: f.reason, params: f.params };
  if (!m) return { pos: null, message: f.message.replace(/^query: /, ''), ...why };
  return { pos: Number(m[1]), message: m[2] ?? '', ...why };
}

/**
 * Splits the line around the position (in code points, from 1; past the end
 * means "at the end"): the text before, the character at it (' ' at the end)
 * and the rest, for underlining; and the UTF-16 offset for the caret.
 */
export function splitAt(line: string, pos: number): { before: string; at: string; after: string; offset: number } {
  const chars = Array.from(line);
  const i = Math.max(0, Math.min(pos - 1, chars.length));
  const before = chars.slice(0, i).join('');
  return { before, at: chars[i] ?? ' ', after: chars.slice(i + 1).join(''), offset: before.length };
}
