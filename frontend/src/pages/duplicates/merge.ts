// The merge dialog's state as mergeCustomers' arguments (pure, tested in
// test/merge.test.ts): which customer survives, whose value each field takes.

/** A customer as the dialog holds it: its id, code, version and the values of the merge fields. */
export interface MergeSide {
  id: string;
  code: string;
  version: number;
  /** The value of each merge field ('' or null when empty); ownerId is the owner's id. */
  values: Record<string, unknown>;
}

export type Side = 'a' | 'b';

export function otherSide(s: Side): Side {
  return s === 'a' ? 'b' : 'a';
}

export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** The survivor by default: the one with the older (smaller) code. */
export function defaultSurvivor(a: { code: string }, b: { code: string }): Side {
  return a.code.localeCompare(b.code, 'en', { numeric: true }) <= 0 ? 'a' : 'b';
}

/** Whose value each field takes by default: the survivor's unless it is empty and the other's is not. */
export function defaultPicks(fields: readonly string[], sides: Record<Side, MergeSide>, survivor: Side): Record<string, Side> {
  const other = otherSide(survivor);
  const picks: Record<string, Side> = {};
  for (const f of fields) {
    picks[f] = isEmptyValue(sides[survivor].values[f]) && !isEmptyValue(sides[other].values[f]) ? other : survivor;
  }
  return picks;
}

/** Fields whose two values differ (the ones worth a look); the others merge alike either way. */
export function differingFields(fields: readonly string[], sides: Record<Side, MergeSide>): string[] {
  return fields.filter((f) => !sameValue(sides.a.values[f], sides.b.values[f]));
}

function sameValue(x: unknown, y: unknown): boolean {
  if (isEmptyValue(x) && isEmptyValue(y)) return true;
  return JSON.stringify(x) === JSON.stringify(y);
}

export interface MergeArgs {
  survivorId: string;
  otherIds: string[];
  expectedVersions: number[];
  choices: { field: string; from: string }[];
}

/** mergeCustomers' arguments: every field's choice said explicitly, the survivor's version first. */
export function mergeArgs(fields: readonly string[], sides: Record<Side, MergeSide>, survivor: Side, picks: Record<string, Side>): MergeArgs {
  const other = otherSide(survivor);
  const defaults = defaultPicks(fields, sides, survivor);
  return {
    survivorId: sides[survivor].id,
    otherIds: [sides[other].id],
    expectedVersions: [sides[survivor].version, sides[other].version],
    choices: fields.map((field) => ({ field, from: sides[picks[field] ?? defaults[field] ?? survivor].id })),
  };
}
