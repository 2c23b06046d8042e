/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

/** Shorter values are not treated as secrets: a one-letter test key would mangle every word. */
const MIN_SECRET_LENGTH = 6;

/** Removes the client's secrets from a text. */
export type Redactor = (text: string) => string;

/** A redactor that changes nothing (no secrets). */
export const noRedaction: Redactor = (text) => text;

/**
 * A redactor of the client's own secrets (API key, session id): every occurrence, as sent,
 * lower-cased (a host name in a URL is) and percent-encoded (a URL's query), becomes
 * `[redacted]`. Values shorter than 6 characters are left alone.
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    needles.add(secret).add(secret.toLowerCase()).add(encodeURIComponent(secret));
  }
  if (needles.size === 0) return noRedaction;
  // Longest first, so that a variant never leaves part of a longer one behind.
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const needle of list) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return out;
  };
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
