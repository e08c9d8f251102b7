// The interaction form (log a new one, or correct a logged one): form values,
// the InteractionInput of a new interaction and the InteractionPatch of a
// correction (only what changed, so a stale dialog does not overwrite fields
// the user did not touch).
import type { Dayjs } from 'dayjs';
import type { InteractionChannel, InteractionInput, InteractionPatch, KeyEvent, NextActionInput } from '../gql/graphql';
import { canonical, diffRecords, sameValue } from './conflict';
import { dayjsToTime, timeToDayjs } from './money';

export interface InteractionFormValues {
  at: Dayjs | null;
  channel: InteractionChannel;
  summary: string;
  feedback: string;
  result: string;
  keyEvent: KeyEvent | null;
  durationMin: number | null;
  contactIds: string[];
  participants: string[];
  nextAction: { what?: string; due?: Dayjs | null; ownerId?: string | null; done?: boolean };
}

/** The fields of an interaction as the detail page loads it. */
export interface LoadedInteraction {
  at: string;
  channel: InteractionChannel;
  summary: string;
  feedback: string;
  result: string;
  keyEvent: KeyEvent | null;
  durationMin: number | null;
  contactIds: string[];
  participants: { id: string }[];
  nextAction: { what: string; due: string | null; done: boolean; owner: { id: string } | null } | null;
}

export const INTERACTION_FIELDS = [
  'at',
  'channel',
  'summary',
  'feedback',
  'result',
  'keyEvent',
  'durationMin',
  'contactIds',
  'participants',
  'nextAction',
] as const;
export type InteractionField = (typeof INTERACTION_FIELDS)[number];

export function interactionToForm(it: LoadedInteraction): InteractionFormValues {
  return {
    at: timeToDayjs(it.at),
    channel: it.channel,
    summary: it.summary,
    feedback: it.feedback,
    result: it.result,
    keyEvent: it.keyEvent,
    durationMin: it.durationMin,
    contactIds: [...it.contactIds],
    participants: it.participants.map((p) => p.id),
    nextAction: it.nextAction
      ? { what: it.nextAction.what, due: timeToDayjs(it.nextAction.due), ownerId: it.nextAction.owner?.id ?? null, done: it.nextAction.done }
      : {},
  };
}

function nextActionInput(n: InteractionFormValues['nextAction'] | undefined): NextActionInput | null {
  const what = n?.what?.trim();
  if (!what) return null;
  const out: NextActionInput = { what, due: dayjsToTime(n?.due ?? null) };
  if (n?.ownerId) out.ownerId = n.ownerId;
  if (n?.done) out.done = true;
  return out;
}

export function formToInteractionInput(v: InteractionFormValues): InteractionInput {
  const input: InteractionInput = {
    at: dayjsToTime(v.at),
    channel: v.channel,
    summary: v.summary.trim(),
    feedback: v.feedback?.trim() || null,
    result: v.result?.trim() || null,
    keyEvent: v.keyEvent ?? null,
    durationMin: v.durationMin ?? null,
    contactIds: v.contactIds?.length ? v.contactIds : null,
    participants: v.participants?.length ? v.participants : null,
  };
  const next = nextActionInput(v.nextAction);
  if (next) input.nextAction = next;
  return input;
}

/**
 * The correction: only fields that differ from base (the interaction when the
 * dialog opened). Ticking the next action off alone is sent as nextActionDone;
 * a changed text, due date or owner replaces the next action (keeping done).
 * Participants are sent as the whole list when the set changed (never an
 * empty list: the API needs at least one). A key event or next action the
 * user emptied (and only then) is sent as clearKeyEvent / clearNextAction.
 */
export function formToInteractionPatch(v: InteractionFormValues, base: InteractionFormValues): InteractionPatch {
  const patch: InteractionPatch = {};
  const changed = (k: keyof InteractionFormValues) => !sameValue(v[k], base[k]);
  if (changed('at') && v.at) patch.at = dayjsToTime(v.at);
  if (changed('channel')) patch.channel = v.channel;
  if (canonical(v.summary?.trim()) !== canonical(base.summary?.trim())) patch.summary = (v.summary ?? '').trim();
  if (canonical(v.feedback?.trim()) !== canonical(base.feedback?.trim())) patch.feedback = (v.feedback ?? '').trim();
  if (canonical(v.result?.trim()) !== canonical(base.result?.trim())) patch.result = (v.result ?? '').trim();
  if (changed('keyEvent')) {
    if (v.keyEvent) patch.keyEvent = v.keyEvent;
    else if (base.keyEvent) patch.clearKeyEvent = true;
  }
  if (changed('durationMin') && v.durationMin != null) patch.durationMin = v.durationMin;
  if (!sameValue([...(v.contactIds ?? [])].sort(), [...(base.contactIds ?? [])].sort())) patch.contactIds = v.contactIds ?? [];
  const participants = v.participants ?? [];
  if (participants.length > 0 && !sameValue([...participants].sort(), [...(base.participants ?? [])].sort())) patch.participants = participants;
  const n = v.nextAction ?? {};
  const b = base.nextAction ?? {};
  const body = (x: typeof n) => ({ what: x.what?.trim() ?? '', due: x.due ?? null, ownerId: x.ownerId ?? null });
  if (!sameValue(body(n), body(b))) {
    const next = nextActionInput(n);
    if (next) patch.nextAction = { ...next, done: Boolean(n.done) };
    else if (b.what?.trim()) patch.clearNextAction = true;
  } else if (Boolean(n.done) !== Boolean(b.done) && b.what) {
    patch.nextActionDone = Boolean(n.done);
  }
  return patch;
}

/** The fields someone else changed between base and fresh (for the conflict note). */
export function interactionChanges(base: InteractionFormValues, fresh: InteractionFormValues): InteractionField[] {
  return diffRecords(base, fresh, INTERACTION_FIELDS).map((c) => c.field);
}
