// The daily digest's bell and summary (pages/tasks/digest.ts).
import { describe, expect, it } from 'vitest';
import { bellLabel, digestUnread, dueCount, serviceLine, serviceMenuCount, summaryLine, tasksMenuCount } from '../src/pages/tasks/digest';
import { en, format, zh } from '../src/i18n/messages';

const digest = (over: Partial<Parameters<typeof digestUnread>[0] & object> = {}) => ({
  overdue: 2,
  dueToday: 3,
  new: 1,
  read: false,
  serviceRequests: 4,
  serviceRequestsOverdue: 1,
  ...over,
});

describe('the daily digest', () => {
  it('shows the dot while today is unread and holds something', () => {
    expect(digestUnread(digest())).toBe(true);
    expect(digestUnread(digest({ read: true }))).toBe(false);
    // Nothing to do: no dot, even unread (an analyst's digest).
    expect(digestUnread(digest({ overdue: 0, dueToday: 0, serviceRequests: 0, serviceRequestsOverdue: 0 }))).toBe(false);
    // Only new tasks due later: nothing for today.
    expect(digestUnread(digest({ overdue: 0, dueToday: 0, new: 5, serviceRequests: 0, serviceRequestsOverdue: 0 }))).toBe(false);
    // Service requests alone are something.
    expect(digestUnread(digest({ overdue: 0, dueToday: 0, serviceRequests: 1, serviceRequestsOverdue: 0 }))).toBe(true);
    expect(digestUnread(digest({ overdue: 1, dueToday: 0, serviceRequests: 0, serviceRequestsOverdue: 0 }))).toBe(true);
    expect(digestUnread(null)).toBe(false);
    expect(digestUnread(undefined)).toBe(false);
    expect(dueCount(digest())).toBe(5);
  });

  it('words the summary in both languages', () => {
    const l = summaryLine(digest());
    expect(format(zh[l.key], l.params)).toBe('逾期 2 项 · 今日到期 3 项 · 新增 1 项');
    expect(format(en[l.key], l.params)).toBe('Overdue 2 · Due today 3 · New 1');
  });

  it('links the service requests to mine on /service, overdue only when some are', () => {
    const s = serviceLine(digest(), 'SALES');
    expect(s?.to).toBe('/service?overdue=1');
    expect(format(zh[s!.key], s!.params)).toBe('4 个服务请求处理中，1 个已超时');
    // A manager's list starts with everyone's: the link asks for mine.
    expect(serviceLine(digest(), 'MANAGER')?.to).toBe('/service?scope=mine&overdue=1');
    const calm = serviceLine(digest({ serviceRequestsOverdue: 0 }), 'SERVICE');
    expect(calm?.to).toBe('/service');
    expect(format(zh[calm!.key], calm!.params)).toBe('4 个服务请求处理中');
    expect(format(en[calm!.key], calm!.params)).toBe('4 service requests open');
    expect(serviceLine(digest({ serviceRequests: 0, serviceRequestsOverdue: 0 }), 'SALES')).toBeNull();
  });

  it('names the bell with what is waiting', () => {
    const unread = bellLabel(digest());
    expect(format(zh[unread.key], unread.params)).toBe('今日摘要（未读）：5 项待办逾期或今日到期，4 个服务请求处理中');
    expect(bellLabel(digest({ read: true })).key).toBe('digest.bell');
    expect(bellLabel(null).key).toBe('digest.bell');
  });

  it('counts on the menu: 待办 my due tasks, 服务请求 the requests I hold, red when some are overdue', () => {
    const tasks = tasksMenuCount(digest());
    expect(tasks).toMatchObject({ n: 5, urgent: true });
    expect(format(zh[tasks!.key], tasks!.params)).toBe('5 项今天到期或已逾期');
    expect(tasksMenuCount(digest({ overdue: 0, dueToday: 0 }))).toBeNull();

    const held = serviceMenuCount(digest());
    expect(held).toMatchObject({ n: 4, urgent: true });
    expect(format(zh[held!.key], held!.params)).toBe('4 个服务请求处理中，1 个已超时');
    expect(format(en[held!.key], held!.params)).toBe('4 service requests open, 1 past due');
    // None overdue: the count, not in the error colour.
    const calm = serviceMenuCount(digest({ serviceRequests: 2, serviceRequestsOverdue: 0 }));
    expect(calm).toMatchObject({ n: 2, urgent: false });
    expect(format(zh[calm!.key], calm!.params)).toBe('2 个服务请求处理中');
    // Read or not, the counts stay (only the bell's dot goes).
    expect(serviceMenuCount(digest({ read: true }))?.n).toBe(4);
    expect(serviceMenuCount(digest({ serviceRequests: 0, serviceRequestsOverdue: 0 }))).toBeNull();
    // Not loaded yet (or an error): no count.
    expect(serviceMenuCount(undefined)).toBeNull();
    expect(tasksMenuCount(null)).toBeNull();
  });
});
