// Money is a decimal string of yuan with at most 2 decimals ("12500.50");
// Date is YYYY-MM-DD; Time is RFC 3339. These helpers convert between the
// API's strings and what inputs hold, without floating-point rounding.
import dayjs, { type Dayjs } from 'dayjs';

const MONEY_RE = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Normalises what an InputNumber (stringMode) holds to the API's Money:
 * "12500" -> "12500.00", "3.5" -> "3.50", 12.3 -> "12.30". Empty -> null.
 * Text that is not a non-negative amount comes back as typed (trimmed), so
 * the server's validation names the field and says why.
 */
export function toMoney(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value.trim();
  if (s === '') return null;
  s = s.replace(/[,，\s]/g, '');
  if (s.startsWith('¥') || s.startsWith('￥')) s = s.slice(1);
  // Numbers such as 1e21 or 0.1+0.2 noise: refuse rather than guess.
  const m = MONEY_RE.exec(s.startsWith('.') ? '0' + s : s);
  if (!m) {
    // A float from a number input with more decimals: round half up on the text.
    const f = /^(\d+)\.(\d{3,})$/.exec(s);
    if (!f || f[1] === undefined || f[2] === undefined) return s;
    const cents = BigInt(f[1] + f[2].slice(0, 2)) + (Number(f[2][2]) >= 5 ? 1n : 0n);
    return centsToMoney(cents);
  }
  const intPart = (m[1] ?? '0').replace(/^0+(?=\d)/, '');
  const frac = (m[2] ?? '').padEnd(2, '0');
  return `${intPart}.${frac}`;
}

function centsToMoney(cents: bigint): string {
  const s = cents.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** "1234567.5" -> "¥1,234,567.50" (grouping on the text, never a float). */
export function formatMoney(value: string | null | undefined, symbol = '¥'): string {
  if (value === null || value === undefined || value === '') return '—';
  const norm = toMoney(value);
  if (!norm || !MONEY_RE.test(norm)) return value;
  const [i = '0', f = '00'] = norm.split('.');
  const grouped = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${symbol}${grouped}.${f}`;
}

/** A compact figure for cards: 680000.00 -> "68万" (zh) / "680K" (en). */
export function formatMoneyShort(value: string | null | undefined, lang: 'zh' | 'en'): string {
  if (!value) return '—';
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  if (lang === 'zh') {
    if (n >= 1e8) return `¥${trim(n / 1e8)}亿`;
    if (n >= 1e4) return `¥${trim(n / 1e4)}万`;
  } else {
    if (n >= 1e6) return `¥${trim(n / 1e6)}M`;
    if (n >= 1e3) return `¥${trim(n / 1e3)}K`;
  }
  return formatMoney(value);
}

function trim(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(n >= 10 ? 1 : 2).replace(/\.?0+$/, '');
}

/** Date scalar -> Dayjs for a DatePicker (null when empty or not a date). */
export function dateToDayjs(value: string | null | undefined): Dayjs | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const d = dayjs(value);
  // dayjs rolls 2026-02-30 over to March: refuse dates that do not round-trip.
  return d.isValid() && d.format('YYYY-MM-DD') === value ? d : null;
}

/** DatePicker value -> Date scalar (YYYY-MM-DD), null when empty. */
export function dayjsToDate(value: Dayjs | null | undefined): string | null {
  return value && value.isValid() ? value.format('YYYY-MM-DD') : null;
}

/** Time scalar -> Dayjs in the browser's time zone. */
export function timeToDayjs(value: string | null | undefined): Dayjs | null {
  if (!value) return null;
  const d = dayjs(value);
  return d.isValid() ? d : null;
}

/** DateTimePicker value -> Time scalar, RFC 3339 with the local offset. */
export function dayjsToTime(value: Dayjs | null | undefined): string | null {
  return value && value.isValid() ? value.format('YYYY-MM-DDTHH:mm:ssZ') : null;
}

/** Shows a Time scalar in the browser's time zone. */
export function formatTime(value: string | null | undefined, withTime = true): string {
  const d = timeToDayjs(value);
  if (!d) return '—';
  return d.format(withTime ? 'YYYY-MM-DD HH:mm' : 'YYYY-MM-DD');
}

/** A time in a narrow column: "12-06 17:04" this year, "2025-11-30" before (formatTime on hover). */
export function formatShortTime(value: string | null | undefined, now = dayjs()): string {
  const d = timeToDayjs(value);
  if (!d) return '—';
  return d.year() === now.year() ? d.format('MM-DD HH:mm') : d.format('YYYY-MM-DD');
}

export function formatDate(value: string | null | undefined): string {
  return value ? value : '—';
}
