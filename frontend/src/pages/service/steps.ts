// Service requests (seed 002): what a request in a status offers, and the
// variables its dialogs send. The server decides (BAD_TRANSITION and
// friends); these only keep the app from offering what it would refuse.
import type { Dayjs } from 'dayjs';
import type { Priority, Role, ServiceKind, ServiceRequestInput, ServiceRequestPatch, ServiceStatus } from '../../gql/graphql';
import { dayjsToTime } from '../../lib/money';

/** A step a person takes on a request: start, resolve (with the resolution), reopen (with why), the satisfaction check that closes it, hand it over. */
export type ServiceAction = 'start' | 'resolve' | 'reopen' | 'close' | 'reassign';

/** The steps of a request in status, the one to take next first. */
export function serviceActions(status: ServiceStatus): ServiceAction[] {
  switch (status) {
    case 'OPEN':
      return ['start', 'resolve', 'reassign'];
    case 'IN_PROGRESS':
      return ['resolve', 'reassign'];
    case 'RESOLVED':
      return ['close', 'reopen', 'reassign'];
    case 'CLOSED':
      return [];
  }
}

/** Steps that ask for something first (a dialog); start is one click. */
export function needsDialog(a: ServiceAction): boolean {
  return a !== 'start';
}

/**
 * Whether the viewer may work on a request: whoever may log on its customer
 * (the server's viewerCanLog), or its assignee unless an analyst.
 */
export function mayWork(
  r: { assignee?: { id: string } | null; customer: { viewerCanLog: boolean } },
  me: { id: string; role?: Role | null } | null | undefined,
): boolean {
  if (!me || me.role === 'ANALYST') return false;
  return r.customer.viewerCanLog || r.assignee?.id === me.id;
}

export interface NewRequestValues {
  kind?: ServiceKind | null;
  summary?: string;
  priority?: Priority | null;
  due?: Dayjs | null;
  assigneeId?: string | null;
  contactId?: string | null;
}

/** openServiceRequest's input: what was left empty is left out (the server's defaults apply). */
export function openInput(v: NewRequestValues): ServiceRequestInput {
  const out: ServiceRequestInput = { kind: v.kind ?? 'CONSULTATION', summary: (v.summary ?? '').trim() };
  if (v.priority) out.priority = v.priority;
  const due = dayjsToTime(v.due);
  if (due) out.due = due;
  if (v.assigneeId) out.assigneeId = v.assigneeId;
  if (v.contactId) out.contactId = v.contactId;
  return out;
}

/** The status change of a step (the note: the resolution, or why it is reopened). */
export function stepPatch(a: 'start' | 'resolve' | 'reopen', note?: string | null): ServiceRequestPatch {
  const text = (note ?? '').trim();
  const status: ServiceStatus = a === 'resolve' ? 'RESOLVED' : 'IN_PROGRESS';
  return text ? { status, note: text } : { status };
}

/** Handing over: the new assignee, with a note when one was written. */
export function reassignPatch(v: { assigneeId?: string | null; note?: string | null }): ServiceRequestPatch {
  const out: ServiceRequestPatch = { assigneeId: v.assigneeId ?? '' };
  const note = (v.note ?? '').trim();
  if (note) out.note = note;
  return out;
}

export interface CloseValues {
  score?: number | null;
  comment?: string | null;
}

/** The satisfaction check: a score, a comment, or both; null when neither was given (the dialog asks for one). */
export function closeVariables(v: CloseValues): { score: number | null; comment: string | null } | null {
  const score = typeof v.score === 'number' && Number.isFinite(v.score) ? v.score : null;
  const comment = (v.comment ?? '').trim() || null;
  if (score === null && comment === null) return null;
  return { score, comment };
}

/**
 * A customer's requests as the card shows them: those not closed in the server's order (by due
 * time), and the closed ones, the last closed first.
 */
export function splitRequests<T extends { status: ServiceStatus; closedAt?: string | null }>(list: readonly T[]): { active: T[]; closed: T[] } {
  const active: T[] = [];
  const closed: T[] = [];
  for (const r of list) (r.status === 'CLOSED' ? closed : active).push(r);
  const at = (r: T) => (r.closedAt ? Date.parse(r.closedAt) : 0);
  closed.sort((a, b) => at(b) - at(a));
  return { active, closed };
}
