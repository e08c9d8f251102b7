// An import job as the page shows it: its progress, its counts and the dry
// run's field changes as people read them.
import type { ImportAction, ImportJobSummaryFragment } from '../../gql/graphql';
import type { Lang } from '../../i18n/messages';
import {
  CONTACT_ROLE_LABELS,
  CUSTOMER_TYPE_LABELS,
  INTENT_GRADE_LABELS,
  LIFECYCLE_LABELS,
  NEED_TYPE_LABELS,
  STAGE_LABELS,
  VALUE_TIER_LABELS,
  type LabelMap,
} from '../../i18n/enums';

/** A job's progress in percent (0 until the file is read). */
export function progressPercent(job: Pick<ImportJobSummaryFragment, 'status' | 'processed' | 'total'>): number {
  if (job.status === 'DONE') return 100;
  if (job.total <= 0) return 0;
  return Math.min(100, Math.floor((job.processed * 100) / job.total));
}

/** Whether a job is still working (poll it). */
export const isRunning = (status: string): boolean => status === 'QUEUED' || status === 'RUNNING';

/** Seconds as 1 分 5 秒 / 1 min 5 s (at least 1 s). */
export function durationText(seconds: number, lang: Lang): string {
  const s = Math.max(1, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const parts =
    lang === 'zh'
      ? [h && `${h} 小时`, m && `${m} 分`, !h && r && `${r} 秒`]
      : [h && `${h} h`, m && `${m} min`, !h && r && `${r} s`];
  return parts.filter(Boolean).join(' ');
}

/** The customers a commit would write after this dry run. */
export const toWrite = (job: Pick<ImportJobSummaryFragment, 'created' | 'updated'>): number => job.created + job.updated;

const CONTACT_PATH = /^contacts\[(.*)\]\.(\w+)$/;

/**
 * A changed field's name as people read it: name → 客户名称,
 * contacts[陈经理].phone → 联系人电话（陈经理）, ownerId → 负责人.
 */
export function changeFieldText(field: string, fieldLabel: (key: string) => string | undefined, lang: Lang): string {
  const m = CONTACT_PATH.exec(field);
  if (m) {
    const sub = m[2] ?? '';
    const label = fieldLabel(`contact${sub.charAt(0).toUpperCase()}${sub.slice(1)}`) ?? sub;
    return lang === 'zh' ? `${label}（${m[1]}）` : `${label} (${m[1]})`;
  }
  const key = field.replace(/Ids?$/, (s) => (s === 'Ids' ? 's' : ''));
  return fieldLabel(key) ?? fieldLabel(field) ?? field;
}

/** The labels of a changed field's enum values (stage: POTENTIAL → 潜在客户). */
export function changeValueLabels(field: string): LabelMap<string> | undefined {
  const m = CONTACT_PATH.exec(field);
  if (m) return m[2] === 'role' ? CONTACT_ROLE_LABELS : undefined;
  return ENUM_FIELDS[field];
}

const ENUM_FIELDS: Record<string, LabelMap<string>> = {
  stage: STAGE_LABELS,
  type: CUSTOMER_TYPE_LABELS,
  valueTier: VALUE_TIER_LABELS,
  intentGrade: INTENT_GRADE_LABELS,
  lifecycle: LIFECYCLE_LABELS,
  needType: NEED_TYPE_LABELS,
};

/** The order of the dry run's counts, as the actions read. */
export const COUNTS: readonly { action: ImportAction; key: 'created' | 'updated' | 'unchanged' | 'duplicates' | 'rowErrors' }[] = [
  { action: 'CREATE', key: 'created' },
  { action: 'UPDATE', key: 'updated' },
  { action: 'UNCHANGED', key: 'unchanged' },
  { action: 'DUPLICATE', key: 'duplicates' },
  { action: 'ERROR', key: 'rowErrors' },
];
