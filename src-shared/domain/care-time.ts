/**
 * Wall-clock time in the care time zone (Europe/Luxembourg), with nothing but Intl: a dose "at 08:00" is
 * 08:00 on the resident's clock, in winter (UTC+1) and in summer (UTC+2), so schedules are expanded in local
 * time and only then turned into instants.
 *
 * The two DST transitions, and what we do (the "compatible" rule of Temporal and of RFC 5545):
 * - spring (last Sunday of March, 02:00 → 03:00): a wall time in the gap (02:30) does not exist; it moves
 *   forward by the gap (03:30 CEST), so the dose is given once, late rather than never;
 * - autumn (last Sunday of October, 03:00 → 02:00): a wall time in the overlap (02:30) exists twice; the
 *   first (CEST) is the one, so the dose is given once, never twice.
 */

/** The time zone of every care schedule of the platform (the product serves Luxembourg). */
export const CARE_TIME_ZONE = 'Europe/Luxembourg';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at an instant. */
export function wallClockAt(instant: Date, timeZone = CARE_TIME_ZONE): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const wallMillis = (w: WallClock) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Minutes to add to UTC to get the wall clock of `timeZone` at that instant (+60 in winter, +120 in summer). */
export function utcOffsetMinutes(instant: Date, timeZone = CARE_TIME_ZONE): number {
  const whole = new Date(Math.floor(instant.getTime() / 1000) * 1000);
  return Math.round((wallMillis(wallClockAt(whole, timeZone)) - whole.getTime()) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of the local calendar day of an instant. */
export function localDateOf(instant: Date, timeZone = CARE_TIME_ZONE): string {
  const w = wallClockAt(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `HH:MM` of the local wall clock of an instant. */
export function localTimeOf(instant: Date, timeZone = CARE_TIME_ZONE): string {
  const w = wallClockAt(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** The calendar day after (or `days` after) a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`date: "${date}" is not YYYY-MM-DD`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** Day of the week of a `YYYY-MM-DD` date, as FHIR's `days-of-week` code (mon … sun). */
export function dayOfWeekOf(date: string): 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun' {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`date: "${date}" is not YYYY-MM-DD`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[day]!;
}

/** Whole days from date `a` to date `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  const at = (s: string) => {
    const m = DATE.exec(s);
    if (!m) throw new RangeError(`date: "${s}" is not YYYY-MM-DD`);
    return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  };
  return Math.round((at(b) - at(a)) / 86_400_000);
}

export function isLocalTime(value: string): boolean {
  return TIME.test(value);
}

/**
 * The instant at which the wall clock of `timeZone` shows `date` `time` (`HH:MM` or `HH:MM:SS`); a time in
 * the spring gap moves forward by the gap, a time in the autumn overlap is its first occurrence.
 */
export function instantAt(date: string, time: string, timeZone = CARE_TIME_ZONE): Date {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d) throw new RangeError(`date: "${date}" is not YYYY-MM-DD`);
  if (!t) throw new RangeError(`time: "${time}" is not HH:MM[:SS]`);
  const wanted: WallClock = {
    year: Number(d[1]),
    month: Number(d[2]),
    day: Number(d[3]),
    hour: Number(t[1]),
    minute: Number(t[2]),
    second: Number(t[3] ?? 0),
  };
  const asUtc = wallMillis(wanted);
  const real = new Date(asUtc);
  if (real.getUTCMonth() + 1 !== wanted.month || real.getUTCDate() !== wanted.day)
    throw new RangeError(`date: "${date}" is no calendar day`);
  // The offsets half a day either side: Luxembourg changes offset at most once in a day.
  const before = utcOffsetMinutes(new Date(asUtc - 12 * 3_600_000), timeZone);
  const after = utcOffsetMinutes(new Date(asUtc + 12 * 3_600_000), timeZone);
  const candidates = [...new Set([asUtc - before * 60_000, asUtc - after * 60_000])]
    .filter((ms) => wallMillis(wallClockAt(new Date(ms), timeZone)) === asUtc)
    .sort((a, b) => a - b);
  // Overlap: both candidates show that wall time, the first wins. Gap: none does; the offset from before the
  // change carries the time forward by the gap (02:30 CET is 03:30 CEST).
  return new Date(candidates[0] ?? asUtc - before * 60_000);
}
