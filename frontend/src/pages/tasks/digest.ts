// The daily digest behind the header's bell (components/DigestBell.tsx):
// when the bell shows its dot, the summary line, where the service
// requests line leads, and the counts on the 待办 and 服务请求 menu items
// (components/AppLayout.tsx). Pure, tested in test/digest.test.ts.
import type { DigestFieldsFragment, Role } from '../../gql/graphql';
import type { MessageKey } from '../../i18n';
import { defaultMine, filtersToParams } from '../service/filters';

type Counts = Pick<DigestFieldsFragment, 'overdue' | 'dueToday' | 'new' | 'read' | 'serviceRequests' | 'serviceRequestsOverdue'>;

/** The overdue and today's tasks (the number on 待办 too). */
export function dueCount(d: Counts): number {
  return d.overdue + d.dueToday;
}

/**
 * Whether the bell shows its dot: today's digest is not read yet and holds
 * something to do (tasks overdue or due today, service requests held).
 */
export function digestUnread(d: Counts | null | undefined): boolean {
  return !!d && !d.read && dueCount(d) + d.serviceRequests > 0;
}

/** A message with its parameters, worded by the caller's t(). */
export interface Line {
  key: MessageKey;
  params: Record<string, number>;
}

/** 逾期 N 项 · 今日到期 N 项 · 新增 N 项 */
export function summaryLine(d: Counts): Line {
  return { key: 'digest.summary', params: { overdue: d.overdue, today: d.dueToday, new: d.new } };
}

/**
 * The service requests line and its link: the requests assigned to me on
 * /service, only the overdue ones when some are. Null when I hold none.
 */
export function serviceLine(d: Counts, role: Role | null | undefined): (Line & { to: string }) | null {
  if (d.serviceRequests <= 0) return null;
  const overdue = d.serviceRequestsOverdue > 0;
  const p = filtersToParams({ mine: true, kind: null, statuses: [], overdue }, defaultMine(role));
  const qs = p.toString();
  return {
    key: overdue ? 'digest.service' : 'digest.serviceNoneOverdue',
    params: { n: d.serviceRequests, overdue: d.serviceRequestsOverdue },
    to: qs ? `/service?${qs}` : '/service',
  };
}

/** A count on a menu item: the number, whether it is urgent (the error colour), and its accessible name. */
export interface MenuCount extends Line {
  n: number;
  urgent: boolean;
}

/** 待办: my overdue and today's tasks, always urgent; null when none. */
export function tasksMenuCount(d: Counts | null | undefined): MenuCount | null {
  const n = d ? dueCount(d) : 0;
  return n > 0 ? { n, urgent: true, key: 'nav.tasksDue', params: { n } } : null;
}

/** 服务请求: the requests I hold, urgent when some are overdue; null when none. */
export function serviceMenuCount(d: Counts | null | undefined): MenuCount | null {
  if (!d || d.serviceRequests <= 0) return null;
  const overdue = d.serviceRequestsOverdue;
  return overdue > 0
    ? { n: d.serviceRequests, urgent: true, key: 'digest.service', params: { n: d.serviceRequests, overdue } }
    : { n: d.serviceRequests, urgent: false, key: 'digest.serviceNoneOverdue', params: { n: d.serviceRequests } };
}

/** The bell's accessible name: what it opens, and what is waiting when unread. */
export function bellLabel(d: Counts | null | undefined): Line {
  if (!d || !digestUnread(d)) return { key: 'digest.bell', params: {} };
  return { key: 'digest.bellUnread', params: { n: dueCount(d), service: d.serviceRequests } };
}
