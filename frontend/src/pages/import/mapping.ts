// The import wizard's columns: the user's edits as the mapping argument of
// detectImportColumns and importCustomers.
import type { ColumnMappingInput, MoneyUnit } from '../../gql/graphql';

/** A field a column may be mapped to (importFields). */
export interface ImportFieldInfo {
  key: string;
  zh: string;
  en: string;
  group: string;
  kind: string;
}

/** A detected column as the mapping needs it. */
export interface DetectedColumn {
  index: number;
  field: string | null;
  unit: MoneyUnit | null;
  contact: number | null;
}

/** What the user changed on a column; a key absent is as detected. */
export interface ColumnEdit {
  /** null: leave the column out. */
  field?: string | null;
  unit?: MoneyUnit;
  contact?: number;
}

export type ColumnEdits = Readonly<Record<number, ColumnEdit>>;

export const isMoney = (f: ImportFieldInfo | undefined): boolean => f?.kind === 'money';
/** A field of one contact of the row (not 全部联系人, a list of them in one cell). */
export const isContact = (f: ImportFieldInfo | undefined): boolean => f?.group === 'contact' && f.kind !== 'contacts';

/** edits with change merged into a column's. */
export function editColumn(edits: ColumnEdits, index: number, change: ColumnEdit): ColumnEdits {
  return { ...edits, [index]: { ...edits[index], ...change } };
}

/** The value a column shows: the user's edit, else what was detected. */
export function columnValue(col: DetectedColumn, edit: ColumnEdit | undefined): { field: string | null; unit: MoneyUnit | null; contact: number | null } {
  return {
    field: edit && 'field' in edit ? (edit.field ?? null) : col.field,
    unit: edit?.unit ?? col.unit,
    contact: edit?.contact ?? col.contact,
  };
}

/**
 * The mapping argument of detectImportColumns and importCustomers: one
 * entry per column the user changed from what was first detected (a saved
 * mapping included), in column order. An entry always names its field
 * (the server reads a missing one as "leave the column out"); a unit only
 * for a money field and a contact only for a contact's field, and only
 * when the user chose one (else the server takes the header's: (万元),
 * 电话2).
 */
export function mappingInput(
  detected: readonly DetectedColumn[],
  edits: ColumnEdits,
  fields: ReadonlyMap<string, ImportFieldInfo>,
): ColumnMappingInput[] {
  const out: ColumnMappingInput[] = [];
  for (const col of detected) {
    const edit = edits[col.index];
    if (!edit) continue;
    const field = 'field' in edit ? (edit.field ?? null) : col.field;
    const info = field ? fields.get(field) : undefined;
    const unit = isMoney(info) ? edit.unit : undefined;
    const contact = isContact(info) ? edit.contact : undefined;
    const changed = field !== col.field || (unit !== undefined && unit !== col.unit) || (contact !== undefined && contact !== col.contact);
    if (!changed) continue;
    const entry: ColumnMappingInput = { column: col.index, field: field ?? '' };
    if (unit !== undefined) entry.unit = unit;
    if (contact !== undefined) entry.contact = contact;
    out.push(entry);
  }
  return out;
}

/** A column's letter as the spreadsheet shows it, from 0: A, Z, AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

