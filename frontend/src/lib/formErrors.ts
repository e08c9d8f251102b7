import type { FormInstance } from 'antd';
import { isApiError, type FieldProblem } from '../api/errors';
import { mapFieldProblems, type NamePath } from './fieldPath';

export interface ServerErrorResult {
  /** True when at least one problem was shown on a field. */
  onFields: boolean;
  /** Problems that belong to no field of the form, as "field: message". */
  other: string[];
}

/**
 * Shows the field problems of a BAD_USER_INPUT (or a unique-value CONFLICT)
 * next to the form's fields and scrolls to the first one.
 */
export function applyServerErrors(
  form: FormInstance,
  err: unknown,
  known: (name: NamePath) => boolean,
  translate: (problem: FieldProblem) => string,
  rename?: (name: NamePath) => NamePath,
): ServerErrorResult {
  if (!isApiError(err) || err.fields.length === 0) return { onFields: false, other: [] };
  const mapped = mapFieldProblems(err.fields, known, rename);
  form.setFields(mapped.fields.map((f) => ({ name: f.name, errors: f.problems.map(translate) })));
  const first = mapped.fields[0];
  if (first) {
    form.scrollToField(first.name, { block: 'center', behavior: 'smooth' });
    try {
      form.getFieldInstance(first.name)?.focus?.();
    } catch {
      // some inputs have no focus(); the scroll is enough
    }
  }
  return {
    onFields: mapped.fields.length > 0,
    other: mapped.other.map((p) => `${p.field.replace(/^input\./, '')}: ${translate(p)}`),
  };
}
