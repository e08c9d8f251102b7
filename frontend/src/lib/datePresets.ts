// The shortcuts every date field offers (今天 / 明天 / 下周一), and what a
// tap on one sets. Pure, so the rules are tested without a browser.
import dayjs, { type Dayjs } from 'dayjs';

export type PresetKey = 'today' | 'tomorrow' | 'nextMonday' | 'yesterday';

export interface DateBounds {
  /** The earliest day allowed (inclusive, by day). */
  min?: Dayjs | null;
  /** The latest day allowed (inclusive, by day). */
  max?: Dayjs | null;
}

/**
 * The first Monday after today: on a Sunday that is tomorrow (a week starts
 * on Monday in China), on a Monday it is a week later.
 */
export function nextMonday(now: Dayjs): Dayjs {
  const dow = now.day(); // 0 Sunday .. 6 Saturday
  const ahead = dow === 0 ? 1 : 8 - dow;
  return now.startOf('day').add(ahead, 'day');
}

function dayOf(key: PresetKey, now: Dayjs): Dayjs {
  const today = now.startOf('day');
  switch (key) {
    case 'today':
      return today;
    case 'tomorrow':
      return today.add(1, 'day');
    case 'yesterday':
      return today.subtract(1, 'day');
    case 'nextMonday':
      return nextMonday(now);
  }
}

/** Whether a day lies within bounds (by day). */
export function withinBounds(d: Dayjs, b: DateBounds): boolean {
  if (b.min && d.isBefore(b.min, 'day')) return false;
  if (b.max && d.isAfter(b.max, 'day')) return false;
  return true;
}

/**
 * The shortcuts a field offers: 今天 / 明天 / 下周一, or 今天 / 昨天 for a
 * field that cannot be in the future (when something happened); only those
 * the bounds allow.
 */
export function presetKeys(now: Dayjs, b: DateBounds): PresetKey[] {
  const pastOnly = b.max != null && !b.max.isAfter(now, 'day');
  const keys: PresetKey[] = pastOnly ? ['today', 'yesterday'] : ['today', 'tomorrow', 'nextMonday'];
  return keys.filter((k) => withinBounds(dayOf(k, now), b));
}

/**
 * The value a shortcut sets. A date-only field gets the day. A date-time
 * field keeps the time of day already chosen; without one, today is the
 * current minute (a field that cannot be in the future) or the next quarter
 * hour, and another day is 09:00.
 */
export function presetValue(key: PresetKey, now: Dayjs, opts: { withTime: boolean; current?: Dayjs | null; pastOnly?: boolean }): Dayjs {
  const day = dayOf(key, now);
  if (!opts.withTime) return day;
  const cur = opts.current && opts.current.isValid() ? opts.current : null;
  if (cur) return day.hour(cur.hour()).minute(cur.minute()).second(0).millisecond(0);
  if (key === 'today') {
    const minute = now.second(0).millisecond(0);
    if (opts.pastOnly) return minute;
    const up = minute.add((15 - (minute.minute() % 15)) % 15, 'minute');
    // Near midnight the next quarter hour is tomorrow: stay on today.
    return up.isSame(now, 'day') ? up : minute;
  }
  return day.hour(9).minute(0).second(0).millisecond(0);
}

/** The value of a native <input type="date|datetime-local">. */
export function toNativeValue(d: Dayjs | null | undefined, withTime: boolean): string {
  if (!d || !d.isValid()) return '';
  return d.format(withTime ? 'YYYY-MM-DDTHH:mm' : 'YYYY-MM-DD');
}

/** A native input's value back to a Dayjs (null when empty or not a date). */
export function fromNativeValue(s: string, withTime: boolean): Dayjs | null {
  if (!s) return null;
  const re = withTime ? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/ : /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(s)) return null;
  const d = dayjs(s);
  return d.isValid() && d.format('YYYY-MM-DD') === s.slice(0, 10) ? d : null;
}
