/**
 * Files.com times: ISO 8601 date-times in UTC. A time the server (or a user) writes without a
 * zone (`2024-01-01T00:00:05`) is UTC too, never the local time of the machine reading it:
 * `Date.parse` would read it in the machine's zone, so two machines (or one under another
 * `TZ`) would put the same record in different places. Every time files-stream compares (a
 * partition's records and bounds, `--since`/`--until`, the emulator's filters) is read here.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Epoch milliseconds of a date-time, or why it is not one. */
export type TimeReading = { readonly ms: number } | { readonly error: string };

/**
 * Reads an ISO 8601 date (`2024-05-01`: midnight UTC) or date-time (`2024-05-01T12:00:00Z`,
 * `2024-05-01 14:00+02:00`, fractions of a second allowed, `2024-05-01T12:00:00` read as UTC)
 * as epoch milliseconds. Fields out of range (month 13, February 30, hour 24) are refused.
 */
export function readUtcTime(text: string): TimeReading {
  const m = ISO.exec(text);
  if (!m) return { error: 'not an ISO 8601 date or date-time' };
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return { error: 'not a valid date-time' };
  }
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const [oh, om] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5) || '0')];
    if (oh > 23 || om > 59) return { error: `invalid offset ${zone}` };
    offsetMinutes = (digits[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = Number((frac ?? '0').slice(0, 3).padEnd(3, '0'));
  // `Date.UTC` reads years 0 to 99 as 1900 to 1999: the year is set on its own.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  return { ms: date.getTime() - offsetMinutes * 60_000 };
}

/**
 * Epoch milliseconds of a Files.com time (see {@link readUtcTime}); `NaN` when `text` is not
 * an ISO 8601 date or date-time. The common form (`...Z`) takes `Date.parse`'s fast path.
 */
export function parseUtcTime(text: string): number {
  // `Date.parse` reads `YYYY-MM-DDThh:mm:ssZ` as UTC in every zone, but lets day 30 of February
  // or hour 24 roll over: its fast path is taken for days up to 28 and hours up to 23 only.
  if (text.length >= 20 && text.charCodeAt(text.length - 1) === 90 /* Z */ && text.charCodeAt(10) === 84 /* T */) {
    const day = (text.charCodeAt(8) - 48) * 10 + text.charCodeAt(9) - 48;
    const hour = (text.charCodeAt(11) - 48) * 10 + text.charCodeAt(12) - 48;
    if (day <= 28 && hour <= 23) {
      const ms = Date.parse(text);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  const reading = readUtcTime(text);
  return 'ms' in reading ? reading.ms : Number.NaN;
}

const RELATIVE = /^-?(\d{1,15})([smhdw])$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DAY_MS = 86_400_000;

/** The forms {@link readTime} takes, for its error. */
const TIME_FORMS = 'an ISO 8601 date or date-time (2024-05-01, 2024-05-01T12:00:00Z), now, today, yesterday, or a time ago as a whole number and a unit s, m, h, d or w (90m, 24h, 7d)';

/**
 * Reads a time given by a person: an ISO 8601 date or date-time (see {@link readUtcTime}), or
 * one relative to `now` (epoch milliseconds), resolved here, once:
 * - `now`: `now` itself;
 * - `today`, `yesterday`: 00:00 UTC of `now`'s day, of the day before (UTC, never the
 *   machine's zone);
 * - `<n><unit>`: `n` units before `now`, `n` a whole number, the unit `s` (seconds), `m`
 *   (minutes), `h` (hours), `d` (days of 24 hours) or `w` (weeks): `90m`, `24h`, `7d`. A
 *   leading `-` changes nothing (`-7d` is `7d`): a relative time is always in the past.
 *
 * The words are read in any case (`NOW`); the units in lower case only (`m` is minutes, never
 * months). Surrounding spaces are ignored.
 */
export function readTime(text: string, now: number): TimeReading {
  const value = text.trim();
  const word = value.toLowerCase();
  if (word === 'now') return { ms: now };
  if (word === 'today' || word === 'yesterday') return { ms: Math.floor(now / DAY_MS) * DAY_MS - (word === 'yesterday' ? DAY_MS : 0) };
  const relative = RELATIVE.exec(value);
  if (relative) return { ms: now - Number(relative[1]) * UNIT_MS[relative[2]!]! };
  const reading = readUtcTime(value);
  return 'error' in reading && reading.error === 'not an ISO 8601 date or date-time' ? { error: `not ${TIME_FORMS}` } : reading;
}

/**
 * Epoch milliseconds of a time given by a person (see {@link readTime}): ISO 8601, `now`,
 * `today`, `yesterday` or a time ago (`24h`, `7d`), resolved against `now`; `NaN` when `text`
 * is none of these.
 *
 * @example resolveTime('24h', Date.now()) // a day ago
 */
export function resolveTime(text: string, now: number): number {
  const reading = readTime(text, now);
  return 'ms' in reading ? reading.ms : Number.NaN;
}

/** Whether `text` is a time relative to now (`now`, `today`, `yesterday`, `24h`, ...) rather than an instant of its own. */
export function isRelativeTime(text: string): boolean {
  const value = text.trim();
  return ['now', 'today', 'yesterday'].includes(value.toLowerCase()) || RELATIVE.test(value);
}
