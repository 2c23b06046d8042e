/**
 * Expiry of the presigned `download_uri` a File carries. Three signing schemes are read,
 * as the official Files.com SDKs read them:
 * - S3 (SigV4): `X-Amz-Date` (`YYYYMMDDTHHMMSSZ`, the signing time) + `X-Amz-Expires`
 *   (seconds);
 * - GCS (V4): `X-Goog-Date` + `X-Goog-Expires`, same formats;
 * - Azure (SAS): `se`, the expiry instant itself. The Files.com conformance vectors (and the
 *   official Go SDK's `downloadurl` package, which these helpers follow) nest it inside
 *   `sp` (`?sp=se=20240101T120000Z`) in the compact format; a real SAS URL has it as its
 *   own parameter in ISO 8601 (`&se=2024-01-01T12:00:00Z`). Both are accepted.
 *
 * Parameter names are matched case-insensitively (gsutil writes `x-goog-date`). Anything
 * doubtful means "unknown": a duplicated parameter, a date without its expiry, a
 * malformed date or number, an empty query component (`&&`), bad percent-encoding. An
 * unknown expiry never counts as expired, so the caller simply tries the URL.
 *
 * @packageDocumentation
 */

/** A time in the compact ISO 8601 form S3 and GCS sign with: `20240101T120000Z`. */
const COMPACT_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Azure's `se` forms: `2024-01-01`, `2024-01-01T12:00Z`, `2024-01-01T12:00:00(.fffffff)Z`. */
const EXTENDED_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?Z)?$/;

const SECONDS = /^\d{1,10}$/;

/** Query parameters by lower-cased name; a name may repeat. */
type Query = ReadonlyMap<string, readonly string[]>;

/** What one signing scheme found: nothing of its own, something unusable, or an expiry. */
type Finding = 'absent' | 'malformed' | Date;

/**
 * When a presigned download URL expires, or `undefined` when it cannot be told (not a
 * presigned S3, GCS or Azure URL, or a malformed one). Never throws.
 *
 * @example downloadUriExpiry('https://s3.amazonaws.com/b/k?X-Amz-Date=20240101T120000Z&X-Amz-Expires=60')
 * // 2024-01-01T12:01:00.000Z
 */
export function downloadUriExpiry(uri: string): Date | undefined {
  const query = parseQuery(rawQuery(uri));
  if (query === undefined) return undefined;
  for (const scheme of [s3, gcs, azure]) {
    const finding = scheme(query);
    if (finding === 'malformed') return undefined;
    if (finding !== 'absent') return finding;
  }
  return undefined;
}

/**
 * Whether a presigned download URL has expired at `now` (it has at its expiry instant), or
 * will within `marginSeconds`: ask for a fresh `download_uri` before fetching when it has.
 * A URL whose expiry cannot be told (see {@link downloadUriExpiry}) is never expired.
 * Never throws.
 *
 * @param uri The File's `download_uri`.
 * @param now The time to check against (default: the current time).
 * @param marginSeconds Count the URL as expired this many seconds early (default 0).
 */
export function isDownloadUriExpired(uri: string, now: Date = new Date(), marginSeconds = 0): boolean {
  const expiresAt = downloadUriExpiry(uri);
  if (expiresAt === undefined) return false;
  return expiresAt.getTime() - now.getTime() <= marginSeconds * 1000;
}

function s3(query: Query): Finding {
  return signedAtPlusSeconds(query, 'x-amz-date', 'x-amz-expires');
}

function gcs(query: Query): Finding {
  return signedAtPlusSeconds(query, 'x-goog-date', 'x-goog-expires');
}

function signedAtPlusSeconds(query: Query, dateName: string, expiresName: string): Finding {
  const dates = query.get(dateName) ?? [];
  const expires = query.get(expiresName) ?? [];
  if (dates.length === 0 && expires.length === 0) return 'absent';
  if (dates.length !== 1 || expires.length !== 1) return 'malformed';
  const signedAt = parseTime(dates[0], COMPACT_TIME);
  const seconds = expires[0];
  if (signedAt === undefined || !SECONDS.test(seconds)) return 'malformed';
  return new Date(signedAt.getTime() + Number(seconds) * 1000);
}

function azure(query: Query): Finding {
  const scopes: Query[] = [query];
  for (const permissions of query.get('sp') ?? []) {
    const nested = parseQuery(permissions);
    if (nested === undefined) return 'malformed';
    scopes.push(nested);
  }
  const candidates = scopes.flatMap((scope) => scope.get('se') ?? []);
  if (candidates.length === 0) return 'absent';
  if (candidates.length > 1) return 'malformed';
  const value = candidates[0];
  return parseTime(value, COMPACT_TIME) ?? parseTime(value, EXTENDED_TIME) ?? 'malformed';
}

/** The query of a URL, without `?` and fragment; `''` when it has none. */
function rawQuery(uri: string): string {
  const withoutFragment = uri.split('#', 1)[0];
  const start = withoutFragment.indexOf('?');
  return start < 0 ? '' : withoutFragment.slice(start + 1);
}

/** Splits a query into decoded parameters; `undefined` when any part is malformed. */
function parseQuery(raw: string): Query | undefined {
  const query = new Map<string, string[]>();
  if (raw === '') return query;
  for (const part of raw.split('&')) {
    if (part === '') return undefined;
    const equals = part.indexOf('=');
    const name = decode(equals < 0 ? part : part.slice(0, equals));
    const value = decode(equals < 0 ? '' : part.slice(equals + 1));
    if (name === undefined || value === undefined) return undefined;
    const key = name.toLowerCase();
    query.set(key, [...(query.get(key) ?? []), value]);
  }
  return query;
}

function decode(component: string): string | undefined {
  try {
    return decodeURIComponent(component.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/** A UTC time matched by `pattern` (year, month, day, then optional h, m, s groups). */
function parseTime(text: string, pattern: RegExp): Date | undefined {
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const fields = match.slice(1, 7).map((group) => Number(group ?? 0));
  const [year, month, day, hours, minutes, seconds] = fields;
  const time = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  // Date.UTC rolls 20240230 over to March 1st: refuse whatever does not read back the same.
  const readBack = [
    time.getUTCFullYear(),
    time.getUTCMonth() + 1,
    time.getUTCDate(),
    time.getUTCHours(),
    time.getUTCMinutes(),
    time.getUTCSeconds(),
  ];
  return readBack.every((field, index) => field === fields[index]) ? time : undefined;
}
