/** Retry-After values of this many seconds or more are refused: normal backoff applies. */
export const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Parses a `Retry-After` header as the official Files.com SDKs do: the first usable value
 * wins (a whole number of seconds, or an HTTP date, counted from `now` and rounded up);
 * non-numeric values are skipped; a value of 60 s or more, or a negative one, is refused.
 *
 * @param value the header: one string (several values joined by `, `) or the list of values.
 * @returns the delay in seconds, or `null` when there is no usable value.
 */
export function parseRetryAfter(
  value: string | readonly string[] | null | undefined,
  now: number = Date.now(),
): number | null {
  if (value == null) return null;
  for (const candidate of candidates(value)) {
    const seconds = secondsOf(candidate, now);
    if (seconds === undefined) continue;
    return seconds >= 0 && seconds < MAX_RETRY_AFTER_SECONDS ? seconds : null;
  }
  return null;
}

function candidates(value: string | readonly string[]): string[] {
  const list = typeof value === 'string' ? [value] : [...value];
  // A joined header ("5, 10") is split on commas unless the whole value is an HTTP date.
  return list.flatMap((v) => (isHttpDate(v) ? [v] : v.split(',')));
}

function isHttpDate(v: string): boolean {
  return /[a-z]{3}/i.test(v) && !Number.isNaN(Date.parse(v));
}

function secondsOf(raw: string, now: number): number | undefined {
  const v = raw.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (isHttpDate(v)) return Math.ceil((Date.parse(v) - now) / 1000);
  return undefined;
}
