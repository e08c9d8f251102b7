// The /service page's filters and their URL:
// /service?scope=all&kind=COMPLAINT&status=OPEN,IN_PROGRESS&overdue=1
// (defaults left out; scope's default depends on the role).
import type { Role, ServiceKind, ServiceStatus } from '../../gql/graphql';

export interface ServiceFilters {
  /** Only the requests assigned to me. */
  mine: boolean;
  kind: ServiceKind | null;
  /** Empty: every status but CLOSED (the list has no closed requests). */
  statuses: ServiceStatus[];
  overdue: boolean;
}

export const SERVICE_KINDS: readonly ServiceKind[] = ['CONSULTATION', 'COMPLAINT', 'AFTER_SALES'];
/** The statuses the list can hold. */
export const LISTED_STATUSES: readonly ServiceStatus[] = ['OPEN', 'IN_PROGRESS', 'RESOLVED'];

/** Those who mostly work on requests start with theirs; managers, admins and analysts with everyone's. */
export function defaultMine(role: Role | null | undefined): boolean {
  return role === 'SALES' || role === 'SERVICE';
}

export function filtersFromParams(p: URLSearchParams, mineByDefault: boolean): ServiceFilters {
  const scope = p.get('scope');
  const kind = p.get('kind');
  const statuses = (p.get('status') ?? '')
    .split(',')
    .filter((s): s is ServiceStatus => (LISTED_STATUSES as readonly string[]).includes(s));
  return {
    mine: scope === 'mine' ? true : scope === 'all' ? false : mineByDefault,
    kind: kind && (SERVICE_KINDS as readonly string[]).includes(kind) ? (kind as ServiceKind) : null,
    statuses: LISTED_STATUSES.filter((s) => statuses.includes(s)),
    overdue: p.get('overdue') === '1',
  };
}

export function filtersToParams(f: ServiceFilters, mineByDefault: boolean): URLSearchParams {
  const p = new URLSearchParams();
  if (f.mine !== mineByDefault) p.set('scope', f.mine ? 'mine' : 'all');
  if (f.kind) p.set('kind', f.kind);
  if (f.statuses.length > 0) p.set('status', LISTED_STATUSES.filter((s) => f.statuses.includes(s)).join(','));
  if (f.overdue) p.set('overdue', '1');
  return p;
}

/** The serviceRequests arguments of the filters (a page's first and after are added by the page). */
export function listVariables(f: ServiceFilters): { mine: boolean; kind: ServiceKind | null; statuses: ServiceStatus[] | null; overdue: boolean } {
  return { mine: f.mine, kind: f.kind, statuses: f.statuses.length > 0 ? f.statuses : null, overdue: f.overdue };
}
