// My work today: open tasks grouped by when they are due, in the user's
// time zone (the browser's).
import dayjs, { type Dayjs } from 'dayjs';

export type TaskGroup = 'overdue' | 'today' | 'week' | 'later';

export const TASK_GROUPS: readonly TaskGroup[] = ['overdue', 'today', 'week', 'later'];

/** The group of a task due at due, seen at now: before now, later today, by the end of Sunday, later. */
export function taskGroup(due: string, now: Dayjs = dayjs()): TaskGroup {
  const d = dayjs(due);
  if (d.isBefore(now)) return 'overdue';
  if (d.isBefore(now.endOf('day'))) return 'today';
  if (d.isBefore(endOfWeek(now))) return 'week';
  return 'later';
}

/** The end of the ISO week (Sunday 24:00) of now. */
export function endOfWeek(now: Dayjs): Dayjs {
  const daysToSunday = (7 - now.day()) % 7; // day(): Sunday 0
  return now.add(daysToSunday, 'day').endOf('day');
}

/** Tasks by group, each group by due time as the server sends them. */
export function groupTasks<T extends { due: string }>(tasks: readonly T[], now: Dayjs = dayjs()): Record<TaskGroup, T[]> {
  const out: Record<TaskGroup, T[]> = { overdue: [], today: [], week: [], later: [] };
  for (const t of tasks) out[taskGroup(t.due, now)].push(t);
  return out;
}

/** Snooze choices: tomorrow 09:00 and next Monday 09:00, local time. */
export function snoozeChoices(now: Dayjs = dayjs()): { key: 'tomorrow' | 'nextMonday'; until: Dayjs }[] {
  const nine = (d: Dayjs) => d.hour(9).minute(0).second(0).millisecond(0);
  const toMonday = ((8 - now.day()) % 7) || 7;
  return [
    { key: 'tomorrow', until: nine(now.add(1, 'day')) },
    { key: 'nextMonday', until: nine(now.add(toMonday, 'day')) },
  ];
}
