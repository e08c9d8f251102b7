// Import problems (a refused file, the mapping's problems, the rows'
// errors and warnings) in the user's language.
import { isApiError, type FieldProblem } from '../../api/errors';
import type { ColumnMappingInput } from '../../gql/graphql';
import type { Lang } from '../../i18n/messages';
import { problemText } from '../../i18n/reasons';
import { columnLetter } from './mapping';

/**
 * The half of a server sentence in lang when it says the same in both
 * ("the file has no data / 文件中没有数据", the refused files); else the
 * sentence.
 */
export function pickLanguage(message: string, lang: Lang): string {
  const at = message.lastIndexOf(' / ');
  if (at < 0) return message;
  const en = message.slice(0, at);
  const zh = message.slice(at + 3);
  if (!/[\u4e00-\u9fff]/.test(zh)) return message;
  return lang === 'zh' ? zh : en;
}

export interface ImportProblemLike {
  reason?: string | null;
  message: string;
  field?: string | null;
  params?: Record<string, unknown> | null;
}

/**
 * An import problem in lang: by its reason (i18n/reasons.ts) with field
 * keys in its parameters named by their labels and column indexes by their
 * letters, else the server's sentence (its half in lang when bilingual).
 */
export function importProblemText(p: ImportProblemLike, lang: Lang, fieldLabel: (key: string) => string): string {
  const params: Record<string, unknown> = { ...(p.params ?? {}) };
  if (typeof params.field === 'string') params.field = fieldLabel(params.field);
  if (Array.isArray(params.fields)) params.fields = params.fields.map((f) => (typeof f === 'string' ? fieldLabel(f) : f));
  if (Array.isArray(params.columns)) params.columns = params.columns.map((c) => (typeof c === 'number' ? columnLetter(c) : c));
  return problemText({ reason: p.reason ?? undefined, field: p.field ?? undefined, params, message: pickLanguage(p.message, lang) }, lang);
}


/**
 * Why an upload, a detection or an import start was refused, in lang: the
 * file's or the mapping's problem by its reason, a refused request's own
 * reason (UPLOAD_TOO_LARGE, PREFLIGHT_REQUIRED); null for other errors
 * (errorText words those).
 */
export function importErrorText(err: unknown, lang: Lang, fieldLabel: (key: string) => string): string | null {
  if (!isApiError(err) || err.code !== 'BAD_USER_INPUT') return null;
  const f = err.fields[0];
  if (f) return importProblemText(f, lang, fieldLabel);
  if (err.reason) return problemText({ reason: err.reason, message: err.serverMessage }, lang);
  return null;
}

/** The problems of a refused mapping argument (mapping[2].field) by the column they are about. */
export function mappingProblems(err: unknown, mapping: readonly ColumnMappingInput[]): Map<number, FieldProblem[]> {
  const out = new Map<number, FieldProblem[]>();
  if (!isApiError(err)) return out;
  for (const f of err.fields) {
    const m = /^mapping\[(\d+)\]/.exec(f.field);
    const col = m ? mapping[Number(m[1])]?.column : undefined;
    if (col === undefined) continue;
    out.set(col, [...(out.get(col) ?? []), f]);
  }
  return out;
}
