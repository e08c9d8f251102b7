import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { endOfWeek, groupTasks, snoozeChoices, taskGroup } from '../src/pages/tasks/groups';

describe('my work today', () => {
  // Wednesday 2026-12-09 10:00 local time.
  const now = dayjs('2026-12-09T10:00:00');

  it('groups tasks by when they are due', () => {
    expect(taskGroup('2026-12-09T09:59:00', now)).toBe('overdue');
    expect(taskGroup('2026-12-01T09:00:00', now)).toBe('overdue');
    expect(taskGroup('2026-12-09T10:00:00', now)).toBe('today');
    expect(taskGroup('2026-12-09T23:59:00', now)).toBe('today');
    expect(taskGroup('2026-12-10T00:00:00', now)).toBe('week');
    expect(taskGroup('2026-12-13T23:00:00', now)).toBe('week');
    expect(taskGroup('2026-12-14T00:00:00', now)).toBe('later');
    const g = groupTasks([{ due: '2026-12-08T09:00:00' }, { due: '2026-12-09T18:00:00' }, { due: '2026-12-20T09:00:00' }], now);
    expect([g.overdue.length, g.today.length, g.week.length, g.later.length]).toEqual([1, 1, 0, 1]);
  });

  it('ends the week on Sunday, also seen on a Sunday', () => {
    expect(endOfWeek(now).format('YYYY-MM-DD HH:mm')).toBe('2026-12-13 23:59');
    expect(endOfWeek(dayjs('2026-12-13T08:00:00')).format('YYYY-MM-DD')).toBe('2026-12-13');
  });

  it('snoozes to tomorrow or next Monday at nine', () => {
    const [tomorrow, monday] = snoozeChoices(now);
    expect(tomorrow!.until.format('YYYY-MM-DD HH:mm')).toBe('2026-12-10 09:00');
    expect(monday!.until.format('YYYY-MM-DD HH:mm')).toBe('2026-12-14 09:00');
    expect(snoozeChoices(dayjs('2026-12-14T08:00:00'))[1]!.until.format('YYYY-MM-DD')).toBe('2026-12-21');
  });
});
