// Maps the field paths of the API's validation errors
// ("input.contacts[0].phone", "i.name", "currentPassword") to the name paths
// of Ant Design form fields (["contacts", 0, "phone"]).
import type { FieldProblem } from '../api/errors';

export type NamePath = (string | number)[];

/** The argument names of mutations that are not an input object. */
const TOP_LEVEL_ARGS = new Set([
  'id',
  'customerId',
  'contactId',
  'needId',
  'interactionId',
  'dealId',
  'resultId',
  'expectedVersion',
  'currentPassword',
  'newPassword',
  'email',
  'password',
]);

/** Splits "a.b[0].c" into ["a", "b", 0, "c"]. */
export function parseFieldPath(path: string): NamePath {
  const out: NamePath = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

/**
 * The form name path of an API field path: the first segment is the
 * argument (input, or a variable such as i) and is dropped, unless the path
 * is a top-level argument itself (currentPassword).
 */
export function toFormPath(apiField: string): NamePath {
  const parts = parseFieldPath(apiField);
  if (parts.length === 0) return [];
  const head = parts[0];
  if (parts.length === 1 && typeof head === 'string' && TOP_LEVEL_ARGS.has(head)) return parts;
  if (parts.length === 1) return parts; // "name" without an argument prefix
  return parts.slice(1);
}

export interface MappedProblems {
  /** Problems that land on a field of the form. */
  fields: { name: NamePath; problems: FieldProblem[] }[];
  /** Problems about something the form does not show (a general alert). */
  other: FieldProblem[];
}

/**
 * Splits an error's field problems into those the form can show next to a
 * field (known(name) says whether the form has that field) and the rest.
 * Several problems of one field are joined on that field.
 */
export function mapFieldProblems(
  problems: FieldProblem[],
  known: (name: NamePath) => boolean,
  rename: (name: NamePath) => NamePath = (n) => n,
): MappedProblems {
  const byKey = new Map<string, { name: NamePath; problems: FieldProblem[] }>();
  const other: FieldProblem[] = [];
  for (const p of problems) {
    const name = rename(toFormPath(p.field));
    if (name.length > 0 && known(name)) {
      const key = JSON.stringify(name);
      const cur = byKey.get(key);
      if (cur) cur.problems.push(p);
      else byKey.set(key, { name, problems: [p] });
    } else {
      other.push(p);
    }
  }
  return { fields: [...byKey.values()], other };
}

/** A known() for forms whose fields are a set of top-level names plus lists. */
export function knownNames(top: readonly string[], lists: Record<string, readonly string[]> = {}): (name: NamePath) => boolean {
  const topSet = new Set(top);
  return (name) => {
    const [head, idx, sub] = name;
    if (typeof head !== 'string') return false;
    if (name.length === 1) return topSet.has(head) || head in lists;
    const fields = lists[head];
    if (!fields || typeof idx !== 'number') return false;
    if (name.length === 2) return true;
    return name.length === 3 && typeof sub === 'string' && fields.includes(sub);
  };
}
