/**
 * Redaction of everything the client prints or throws: the client's own secrets (API key,
 * session id) in whatever encoding a server echoes them, and the secrets URLs carry (the
 * userinfo of any URL, the signature parameters of presigned URLs, the signature material a
 * storage error body quotes, and a presigned URL's path and query).
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: a one-letter test key would mangle every word. */
const MIN_SECRET_LENGTH = 6;

/** Removes the client's secrets from a text. */
export type Redactor = (text: string) => string;

/** A redactor that changes nothing (no secrets). */
export const noRedaction: Redactor = (text) => text;

/** Regular-expression syntax characters, escaped to match themselves (valid with the `u` flag). */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** HTML's named character references for the characters that have a common one. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' };

/** JSON's two-character escapes (besides `\uXXXX`). */
const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', '\n': 'n', '\r': 'r', '\t': 't', '\b': 'b', '\f': 'f' };

/**
 * The pattern of one character of a secret in any encoding a server may echo it in: as is,
 * percent-encoded (either hex case, once or twice: `'` as `%27` or `%2527`), form-encoded (a
 * space as `+`), JSON-escaped (`\u0027`, `\"`, `\/`), HTML-escaped (`&#39;`, `&#x27;`,
 * `&apos;`, with `&` itself possibly JSON-escaped as `\u0026`).
 */
function charPattern(char: string): string {
  const alternatives = [escapeRegExp(char)];
  const bytes = [...new TextEncoder().encode(char)];
  alternatives.push(bytes.map((b) => `%(?:25)?${b.toString(16).padStart(2, '0')}`).join(''));
  if (char === ' ') alternatives.push('\\+');
  const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i));
  alternatives.push(units.map((u) => `\\\\u${u.toString(16).padStart(4, '0')}`).join(''));
  const short = JSON_ESCAPES[char];
  if (short) alternatives.push(`\\\\${escapeRegExp(short)}`);
  const amp = '(?:&|\\\\u0026)';
  const code = char.codePointAt(0)!;
  alternatives.push(`${amp}#0*${code};`, `${amp}#x0*${code.toString(16)};`);
  const named = NAMED_ENTITIES[char];
  if (named) alternatives.push(`${amp}${named};`);
  return `(?:${alternatives.join('|')})`;
}

/**
 * A pattern that finds `secret` in a text in any encoding a server may echo it in (see
 * {@link charPattern}; the encodings may even mix), in any letter case (a host name in a URL
 * is lower-cased). `undefined` for a value too short to be treated as a secret (under 6
 * characters).
 */
export function secretPattern(secret: string): RegExp | undefined {
  if (secret.length < MIN_SECRET_LENGTH) return undefined;
  return new RegExp([...secret].map(charPattern).join(''), 'giu');
}

/**
 * A redactor of the client's own secrets (API key, session id) and of the secrets URLs carry:
 * every occurrence of a secret, in any encoding a server may echo it in (as sent,
 * percent-encoded, form-encoded, JSON- or HTML-escaped, in any letter case), becomes
 * `[redacted]`, and so do the userinfo of any URL and the signature parameters of presigned
 * URLs (see {@link redactUrlSecrets}). Values shorter than 6 characters are left alone.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const patterns: RegExp[] = [];
  const seen = new Set<string>();
  for (const secret of secrets) {
    if (!secret || seen.has(secret)) continue;
    seen.add(secret);
    const pattern = secretPattern(secret);
    if (pattern) patterns.push(pattern);
  }
  return (text) => {
    let out = text;
    for (const pattern of patterns) out = out.replace(pattern, REDACTED);
    return redactUrlSecrets(out);
  };
}

/**
 * Query parameters that authorise a presigned URL (their values are redacted, names kept):
 * S3 (SigV4 `X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`; SigV2 `Signature`,
 * `AWSAccessKeyId`), GCS (`X-Goog-Signature`, `X-Goog-Credential`; V2 `GoogleAccessId`),
 * Azure SAS (`sig`), CloudFront (`Key-Pair-Id`), and bearer tokens (`token`, `access_token`).
 * Expiry and version parameters (`X-Amz-Date`, `X-Amz-Expires`, `se`, `sv`, ...) are kept:
 * they tell when a URL expired, and sign nothing.
 */
export const SIGNATURE_PARAMETERS: readonly string[] = Object.freeze([
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Goog-Credential',
  'GoogleAccessId',
  'sig',
  'Key-Pair-Id',
  'token',
  'access_token',
]);

/**
 * A signature parameter's value in a query, raw (`&sig=...`), HTML-escaped (`&amp;sig=...`),
 * JSON-escaped (`\u0026sig=...`) or percent-encoded inside another URL (`%26sig%3D...`).
 */
const SIGNATURE_PARAMETER = new RegExp(
  `(?<=^|[?&;\\s"'(<>,]|%26|%3F|\\\\u0026)(${SIGNATURE_PARAMETERS.map(escapeRegExp).join('|')})(=|%3D)(?:(?!%26)[^&\\s"'<>#\\\\])*`,
  'gi',
);

/** The userinfo (`user:password@`) of a URL, raw or percent-encoded inside another URL. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>\\]+@/gi;
const ENCODED_USERINFO = /(%3A%2F%2F)(?:(?!%2F|%3F|%23|%40)[^\s/?#&@"'<>\\])+(%40)/gi;

/** Elements of a storage error body (S3, GCS, Azure) that quote signature material: their text is redacted. */
const SIGNATURE_ELEMENTS = ['SignatureProvided', 'StringToSign', 'StringToSignBytes', 'CanonicalRequest', 'CanonicalRequestBytes', 'AWSAccessKeyId', 'GoogleAccessId', 'AuthenticationErrorDetail'];
const SIGNATURE_ELEMENT = new RegExp(`((?:<|&lt;)(${SIGNATURE_ELEMENTS.join('|')})(?:>|&gt;))[\\s\\S]*?((?:<|&lt;)/\\2(?:>|&gt;))`, 'gi');

/**
 * `text` without the secrets URLs carry: the userinfo of every URL (`https://[redacted]@host`),
 * the value of every signature parameter (see {@link SIGNATURE_PARAMETERS}:
 * `X-Amz-Signature=[redacted]`), raw, HTML-escaped or percent-encoded inside another URL, and
 * the text of the elements of a storage error body that quote signature material
 * (`<StringToSign>`, `<CanonicalRequest>`, `<SignatureProvided>`, `<AWSAccessKeyId>`, ...).
 */
export function redactUrlSecrets(text: string): string {
  if (!/[=@>;]|%3D|%40/i.test(text)) return text;
  return text
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(ENCODED_USERINFO, `$1${REDACTED}$2`)
    .replace(SIGNATURE_PARAMETER, `$1$2${REDACTED}`)
    .replace(SIGNATURE_ELEMENT, `$1${REDACTED}$3`);
}

/**
 * How a presigned URL is shown in hooks, log lines and errors: its origin alone, as
 * `https://bucket.s3.amazonaws.com/[redacted]` (a signature may sit in the query or in a
 * path segment), or `[redacted URL]` when it cannot be parsed.
 */
export function showPresignedUrl(url: string): string {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? `[redacted URL]` : `${origin}/${REDACTED}`;
  } catch {
    return '[redacted URL]';
  }
}

/** Parts of a presigned URL shorter than this are not hidden on their own (a bucket or a file name may be short and common). */
const MIN_URL_PART = 16;

/**
 * A redactor for the server text and error messages of one presigned request: `redact`, and
 * before it every echo of the URL (replaced with {@link showPresignedUrl}), of its path and
 * query, and of each of its path segments and query values of 16 characters or more (a
 * signature in a path segment, an access key id), as sent or percent-decoded.
 */
export function presignedRedactor(url: string, redact: Redactor): Redactor {
  const shown = showPresignedUrl(url);
  const whole = new Set<string>();
  const parts = new Set<string>();
  const add = (set: Set<string>, value: string, min = 1) => {
    for (const form of [value, safeDecode(value)]) if (form.length >= min) set.add(form);
  };
  add(whole, url);
  const start = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)?.[0].length ?? 0;
  const rest = url.slice(start);
  const hash = rest.indexOf('#');
  const pathAndQuery = hash < 0 ? rest : rest.slice(0, hash);
  const mark = pathAndQuery.indexOf('?');
  const path = mark < 0 ? pathAndQuery : pathAndQuery.slice(0, mark);
  const query = mark < 0 ? '' : pathAndQuery.slice(mark + 1);
  for (const value of [pathAndQuery, path, query]) add(parts, value, MIN_URL_PART);
  for (const segment of path.split('/')) add(parts, segment, MIN_URL_PART);
  for (const pair of query.split('&')) add(parts, pair.slice(pair.indexOf('=') + 1), MIN_URL_PART);
  const replaceAll = (text: string, needles: Set<string>, by: string) => {
    let out = text;
    for (const needle of [...needles].sort((a, b) => b.length - a.length)) if (out.includes(needle)) out = out.split(needle).join(by);
    return out;
  };
  return (text) => redact(replaceAll(replaceAll(text, whole, shown), parts, REDACTED));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** Limits of {@link redactDeep}: values past them are replaced, not walked. */
const MAX_DEPTH = 32;
const MAX_NODES = 20_000;

/** What replaces a value past the limits of {@link redactDeep}. */
export const OMITTED = '[omitted]';

/**
 * A copy of a parsed JSON value with `redact` applied to every string, object keys included.
 * Bounded work: values nested deeper than 32 levels, and any past the 20,000th, are replaced
 * with `[omitted]` (never kept unredacted).
 */
export function redactDeep(value: unknown, redact: Redactor): unknown {
  if (redact === noRedaction) return value;
  let nodes = 0;
  const walk = (v: unknown, depth: number): unknown => {
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) return OMITTED;
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        // defineProperty: a `__proto__` key stays a plain field.
        Object.defineProperty(out, redact(key), { value: walk(item, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  return walk(value, 0);
}
