// The satisfaction form (record a result, or correct a recorded one): form
// values and the SatisfactionPatch of a correction (only what changed, so a
// stale dialog does not overwrite fields the user did not touch).
import type { Dayjs } from 'dayjs';
import type { SatisfactionPatch } from '../gql/graphql';
import { dayjsToTime, timeToDayjs } from './money';

export interface SatisfactionFormValues {
  score: number | null;
  at: Dayjs | null;
  comment: string;
}

/** The fields of a satisfaction result as the detail page loads it. */
export interface LoadedSatisfaction {
  score: number;
  at: string;
  comment: string;
}

export const SATISFACTION_FIELDS = ['score', 'at', 'comment'] as const;

export function satisfactionToForm(r: LoadedSatisfaction): SatisfactionFormValues {
  return { score: r.score, at: timeToDayjs(r.at), comment: r.comment ?? '' };
}

/**
 * Only the fields that differ from base (the result when the dialog opened).
 * The time is compared to the minute (the picker shows minutes); an emptied
 * score or time is left out (the form requires a score, the time cannot be
 * cleared); an emptied comment is sent as ''.
 */
export function satisfactionPatch(v: SatisfactionFormValues, base: SatisfactionFormValues): SatisfactionPatch {
  const patch: SatisfactionPatch = {};
  if (v.score != null && v.score !== base.score) patch.score = v.score;
  if (v.at && (!base.at || !v.at.isSame(base.at, 'minute'))) patch.at = dayjsToTime(v.at);
  if ((v.comment ?? '').trim() !== (base.comment ?? '').trim()) patch.comment = (v.comment ?? '').trim();
  return patch;
}
