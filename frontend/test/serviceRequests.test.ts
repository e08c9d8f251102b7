import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { closeVariables, mayWork, openInput, reassignPatch, serviceActions, splitRequests, stepPatch } from '../src/pages/service/steps';
import { defaultMine, filtersFromParams, filtersToParams, listVariables } from '../src/pages/service/filters';

describe('service request steps', () => {
  // The server's moves (internal/crm/servicerequest.go serviceSteps), written out by hand.
  it('offers what the status allows, the next step first', () => {
    expect(serviceActions('OPEN')).toEqual(['start', 'resolve', 'reassign']);
    expect(serviceActions('IN_PROGRESS')).toEqual(['resolve', 'reassign']);
    expect(serviceActions('RESOLVED')).toEqual(['close', 'reopen', 'reassign']);
    expect(serviceActions('CLOSED')).toEqual([]);
  });

  it('lets whoever may log on the customer, or the assignee, work on it; never an analyst', () => {
    const mine = { assignee: { id: 'u1' }, customer: { viewerCanLog: false } };
    const logged = { assignee: { id: 'u2' }, customer: { viewerCanLog: true } };
    expect(mayWork(mine, { id: 'u1', role: 'SALES' })).toBe(true);
    expect(mayWork(mine, { id: 'u3', role: 'SALES' })).toBe(false);
    expect(mayWork(logged, { id: 'u3', role: 'SERVICE' })).toBe(true);
    expect(mayWork({ assignee: null, customer: { viewerCanLog: false } }, { id: 'u3', role: 'MANAGER' })).toBe(false);
    expect(mayWork(logged, { id: 'u9', role: 'ANALYST' })).toBe(false);
    expect(mayWork(logged, null)).toBe(false);
  });

  it('opens a request with only what was filled in, the summary trimmed and the due time with its offset', () => {
    expect(openInput({ kind: 'COMPLAINT', summary: '  发票抬头错误 ', priority: null, due: null, assigneeId: null, contactId: null })).toEqual({
      kind: 'COMPLAINT',
      summary: '发票抬头错误',
    });
    const due = dayjs('2026-12-10T17:30:00');
    expect(openInput({ kind: 'AFTER_SALES', summary: '更换主板', priority: 'LOW', due, assigneeId: 'u7', contactId: 'c1' })).toEqual({
      kind: 'AFTER_SALES',
      summary: '更换主板',
      priority: 'LOW',
      due: due.format('YYYY-MM-DDTHH:mm:ssZ'),
      assigneeId: 'u7',
      contactId: 'c1',
    });
  });

  it('moves with a note only when one was written', () => {
    expect(stepPatch('start')).toEqual({ status: 'IN_PROGRESS' });
    expect(stepPatch('resolve', ' 已重新开具发票 ')).toEqual({ status: 'RESOLVED', note: '已重新开具发票' });
    expect(stepPatch('reopen', '客户说仍未收到')).toEqual({ status: 'IN_PROGRESS', note: '客户说仍未收到' });
    // An empty resolution is sent without a note: the server says it is required.
    expect(stepPatch('resolve', '   ')).toEqual({ status: 'RESOLVED' });
  });

  it('hands over with a note when there is one', () => {
    expect(reassignPatch({ assigneeId: 'u5', note: '' })).toEqual({ assigneeId: 'u5' });
    expect(reassignPatch({ assigneeId: 'u5', note: ' 休假交接 ' })).toEqual({ assigneeId: 'u5', note: '休假交接' });
  });

  it('closes with a score (0 included), a comment, or both; neither is nothing to send', () => {
    expect(closeVariables({ score: 90, comment: '' })).toEqual({ score: 90, comment: null });
    expect(closeVariables({ score: 0, comment: null })).toEqual({ score: 0, comment: null });
    expect(closeVariables({ score: null, comment: ' 客户未接电话，两次回访无果 ' })).toEqual({ score: null, comment: '客户未接电话，两次回访无果' });
    expect(closeVariables({ score: 75, comment: '较满意' })).toEqual({ score: 75, comment: '较满意' });
    expect(closeVariables({ score: null, comment: '  ' })).toBeNull();
    expect(closeVariables({})).toBeNull();
  });

  it('keeps the open ones in the server’s order and puts the last closed first', () => {
    const list = [
      { id: 'a', status: 'OPEN' as const, closedAt: null },
      { id: 'b', status: 'CLOSED' as const, closedAt: '2025-06-12T01:48:00Z' },
      { id: 'c', status: 'RESOLVED' as const, closedAt: null },
      { id: 'd', status: 'CLOSED' as const, closedAt: '2026-01-07T01:49:00+08:00' },
      { id: 'e', status: 'CLOSED' as const, closedAt: '2025-06-23T09:52:00+08:00' },
    ];
    const { active, closed } = splitRequests(list);
    expect(active.map((r) => r.id)).toEqual(['a', 'c']);
    expect(closed.map((r) => r.id)).toEqual(['d', 'e', 'b']);
  });
});

describe('the service list filters', () => {
  it('starts with mine for those who work on requests, everyone’s for the others', () => {
    expect(defaultMine('SERVICE')).toBe(true);
    expect(defaultMine('SALES')).toBe(true);
    expect(defaultMine('MANAGER')).toBe(false);
    expect(defaultMine('ADMIN')).toBe(false);
    expect(defaultMine('ANALYST')).toBe(false);
  });

  it('reads the URL, dropping values it does not know', () => {
    const f = filtersFromParams(new URLSearchParams('scope=all&kind=COMPLAINT&status=RESOLVED,OPEN,CLOSED,x&overdue=1'), true);
    expect(f).toEqual({ mine: false, kind: 'COMPLAINT', statuses: ['OPEN', 'RESOLVED'], overdue: true });
    expect(filtersFromParams(new URLSearchParams('kind=REFUND'), false)).toEqual({ mine: false, kind: null, statuses: [], overdue: false });
    expect(filtersFromParams(new URLSearchParams(''), true).mine).toBe(true);
    expect(filtersFromParams(new URLSearchParams('scope=mine'), false).mine).toBe(true);
  });

  it('writes the URL without the defaults, and reads back what it wrote', () => {
    expect(filtersToParams({ mine: true, kind: null, statuses: [], overdue: false }, true).toString()).toBe('');
    expect(filtersToParams({ mine: true, kind: null, statuses: [], overdue: false }, false).toString()).toBe('scope=mine');
    const f = { mine: false, kind: 'AFTER_SALES' as const, statuses: ['IN_PROGRESS' as const, 'OPEN' as const], overdue: true };
    const p = filtersToParams(f, true);
    expect(decodeURIComponent(p.toString())).toBe('scope=all&kind=AFTER_SALES&status=OPEN,IN_PROGRESS&overdue=1');
    expect(filtersFromParams(p, true)).toEqual({ ...f, statuses: ['OPEN', 'IN_PROGRESS'] });
  });

  it('asks for every status but closed when none is picked', () => {
    expect(listVariables({ mine: true, kind: null, statuses: [], overdue: false })).toEqual({ mine: true, kind: null, statuses: null, overdue: false });
    expect(listVariables({ mine: false, kind: 'CONSULTATION', statuses: ['RESOLVED'], overdue: true })).toEqual({
      mine: false,
      kind: 'CONSULTATION',
      statuses: ['RESOLVED'],
      overdue: true,
    });
  });
});
