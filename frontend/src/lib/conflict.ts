// Conflict handling: when a save answers CONFLICT (someone else changed the
// record since the user loaded it), the app fetches the fresh copy, shows
// what changed (diff of the loaded copy against the fresh one), and re-applies
// the user's own edits on the fresh copy so nothing typed is lost.

/** Compares two field values: empty-ish values are equal, arrays and objects by content. */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function isDayjsLike(v: unknown): v is { format: (f: string) => string; isValid: () => boolean } {
  return typeof v === 'object' && v !== null && 'isValid' in v && 'format' in v &&
    typeof (v as { format: unknown }).format === 'function';
}

/** A stable text form of a value for comparisons. */
export function canonical(v: unknown): string {
  if (v === null || v === undefined || v === '') return '';
  if (isDayjsLike(v)) return v.isValid() ? v.format('YYYY-MM-DDTHH:mm:ssZ') : '';
  if (Array.isArray(v)) return v.length === 0 ? '' : JSON.stringify(v.map(canonical));
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return JSON.stringify(keys.map((k) => [k, canonical(o[k])]));
  }
  return String(v);
}

export interface FieldChange<K extends string = string> {
  field: K;
  /** The value when the user loaded the record. */
  before: unknown;
  /** The value someone else saved. */
  after: unknown;
  /** True when the user changed this field too, to something else. */
  clash: boolean;
  /** The user's value when they changed this field. */
  mine?: unknown;
}

/** Fields whose value differs between the loaded and the fresh copy. */
export function diffRecords<T extends { [P in K]?: unknown }, K extends string>(
  loaded: T,
  fresh: T,
  fields: readonly K[],
  edited?: T,
): FieldChange<K>[] {
  const out: FieldChange<K>[] = [];
  for (const f of fields) {
    if (sameValue(loaded[f], fresh[f])) continue;
    const change: FieldChange<K> = { field: f, before: loaded[f], after: fresh[f], clash: false };
    if (edited && !sameValue(edited[f], loaded[f])) {
      change.mine = edited[f];
      change.clash = !sameValue(edited[f], fresh[f]);
    }
    out.push(change);
  }
  return out;
}

/** The fields the user changed relative to what they loaded. */
export function editedFields<T extends { [P in K]?: unknown }, K extends string>(
  loaded: T,
  edited: T,
  fields: readonly K[],
): K[] {
  return fields.filter((f) => !sameValue(loaded[f], edited[f]));
}

export interface MergeResult<T, K> {
  /** The fresh copy with the user's edits re-applied. */
  merged: T;
  /** Fields both sides changed to different values (the user's value wins, but they should look). */
  clashes: K[];
}

/**
 * Re-applies the user's edits (edited vs loaded) on the fresh copy. Fields
 * the user did not touch take the fresh value; fields they changed keep
 * their value.
 */
export function mergeEdits<T extends { [P in K]?: unknown }, K extends string>(
  loaded: T,
  edited: T,
  fresh: T,
  fields: readonly K[],
): MergeResult<T, K> {
  const merged = { ...fresh };
  const clashes: K[] = [];
  for (const f of editedFields(loaded, edited, fields)) {
    merged[f] = edited[f];
    if (!sameValue(loaded[f], fresh[f]) && !sameValue(edited[f], fresh[f])) clashes.push(f);
  }
  return { merged, clashes };
}
