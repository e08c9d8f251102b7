// Links of the export buttons: GET /export/customers.csv|xlsx?query=...&columns=...
// (the session cookie authenticates them). The list's visible columns go along
// when the export knows each of them; otherwise the export's default columns.

/** The export's key(s) of each list column. */
const EXPORT_KEYS: Readonly<Record<string, readonly string[]>> = {
  code: ['code'],
  name: ['name'],
  stage: ['stage'],
  valueTier: ['valueTier'],
  lifecycle: ['lifecycle'],
  intentGrade: ['intentGrade'],
  owner: ['owner'],
  primaryContact: ['primaryContact'],
  industry: ['industry'],
  region: ['province', 'city'],
  type: ['type'],
  source: ['source'],
  tags: ['tags'],
  lastInteractionAt: ['lastInteractionAt'],
  nextFollowUpAt: ['nextFollowUpAt'],
  interactionCount: ['interactionCount'],
  dealCount: ['dealCount'],
  totalAmount: ['totalAmount'],
  lastDealOn: ['lastDealOn'],
  avgSatisfaction: ['avgSatisfaction'],
  openNeedCount: ['openNeedCount'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};

/** The columns parameter for the visible list columns; null (leave it out) when one has no export column. */
export function exportColumns(visible: readonly string[]): string | null {
  const keys: string[] = [];
  for (const k of visible) {
    const mapped = EXPORT_KEYS[k];
    if (!mapped) return null;
    for (const m of mapped) if (!keys.includes(m)) keys.push(m);
  }
  return keys.length > 0 ? keys.join(',') : null;
}

export type ExportFormat = 'csv' | 'xlsx';

/** What the list shows besides its filter, so that the file has the same rows in the same order. */
export interface ExportView {
  scope?: string;
  orderBy?: string;
  desc?: boolean;
}

/** The export link of a filter (its query line, '' for every customer). */
export function exportHref(format: ExportFormat, query: string, columns: string | null, view: ExportView = {}): string {
  const p = new URLSearchParams();
  if (query.trim()) p.set('query', query.trim());
  if (columns) p.set('columns', columns);
  if (view.scope && view.scope !== 'ACTIVE') p.set('scope', view.scope);
  if (view.orderBy) p.set('orderBy', view.orderBy);
  if (view.desc) p.set('desc', 'true');
  const qs = p.toString();
  return `/export/customers.${format}${qs ? `?${qs}` : ''}`;
}
