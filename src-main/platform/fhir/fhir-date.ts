/**
 * FHIR date / dateTime / instant values as millisecond ranges. A partial date ("1966", "1966-03")
 * stands for the whole period it names, which is what date search compares against (FHIR R4 §3.1.1.4.2).
 */

export interface DateRange {
  /** First millisecond (UTC) the value covers. */
  low: number;
  /** Last millisecond (UTC) the value covers. */
  high: number;
}

const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Unbounded ends of a Period. */
export const DATE_MIN = -8_640_000_000_000_000;
export const DATE_MAX = 8_640_000_000_000_000;

/**
 * Parses a FHIR date/dateTime into the range it covers, or null when it is not one (bad syntax or
 * an impossible calendar date such as 2001-02-29). A time without a zone is read as UTC.
 */
export function parseFhirDate(text: string): DateRange | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo);
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 1 || month > 12)) return null;
  if (month !== undefined && day !== undefined) {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day < 1 || day > lastDay) return null;
  }
  if (hh === undefined) {
    const low = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    const high =
      month === undefined
        ? Date.UTC(year + 1, 0, 1)
        : day === undefined
          ? Date.UTC(year, month, 1)
          : Date.UTC(year, month - 1, day + 1);
    return { low, high: high - 1 };
  }
  const hour = Number(hh);
  const minute = Number(mi);
  const second = ss === undefined ? undefined : Number(ss);
  if (hour > 23 || minute > 59 || (second !== undefined && second > 59)) return null;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const low = Date.UTC(year, (month ?? 1) - 1, day ?? 1, hour, minute, second ?? 0, millis) - offsetMinutes * 60_000;
  // Precision decides the width: to the minute covers the minute, to the second the second, a fraction is exact.
  const width = second === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return { low, high: low + width - 1 };
}

/** A Period's range; a missing end is unbounded on that side. */
export function periodRange(period: { start?: string; end?: string }): DateRange | null {
  const start = period.start === undefined ? { low: DATE_MIN, high: DATE_MIN } : parseFhirDate(period.start);
  const end = period.end === undefined ? { low: DATE_MAX, high: DATE_MAX } : parseFhirDate(period.end);
  if (!start || !end) return null;
  return { low: start.low, high: end.high };
}
