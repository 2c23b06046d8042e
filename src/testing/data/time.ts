/** Timestamps as Files.com writes them. */

/** The instant derived records are dated from: 2024-01-01T00:00:00Z. */
export const EPOCH_MS = Date.UTC(2024, 0, 1);

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `2024-01-01T00:00:00Z` style timestamp (seconds precision, as Files.com sends them), for
 * years 1000..9999. Computed arithmetically (days to civil date), as it runs for every
 * derived record.
 */
export function isoSeconds(ms: number): string {
  const t = Math.floor(ms / 1000);
  const days = Math.floor(t / 86400);
  let rest = t - days * 86400;
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const mi = Math.floor(rest / 60);
  const ss = rest - mi * 60;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${y}-${PAD2[m]}-${PAD2[d]}T${PAD2[hh]}:${PAD2[mi]}:${PAD2[ss]}Z`;
}

/** `20240101T000000Z`, the `X-Amz-Date` format of presigned URLs. */
export function amzDate(ms: number): string {
  return isoSeconds(ms).replace(/[-:]/g, '');
}

/** Parses an `X-Amz-Date` value; `undefined` when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
