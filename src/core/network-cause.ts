import type { ProxyUsed } from './proxy.js';

/**
 * The system error code behind a failed `fetch` (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`,
 * undici's `UND_ERR_SOCKET`, ...): undici throws `TypeError('fetch failed')` with the socket
 * or DNS error as its `cause` (an `AggregateError` when several addresses were tried).
 *
 * @returns the code, or `undefined` when there is none.
 */
export function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code) return code;
    if (Array.isArray(errors) && errors.length) {
      const first = networkCode(errors[0]);
      if (first) return first;
    }
    current = cause;
  }
  return undefined;
}

/**
 * Codes of failures that retrying cannot fix: the host does not exist (`ENOTFOUND`). A
 * temporary DNS failure (`EAI_AGAIN`) is retried like any other network error.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['ENOTFOUND']);

/** True for a network failure that retrying cannot fix (see {@link networkCode}). */
export function isPermanentNetworkFailure(error: unknown): boolean {
  const code = networkCode(error);
  return code !== undefined && PERMANENT_CODES.has(code);
}

/** Descriptions by code, of a failure to reach `o`, which `setting` names (baseUrl, or a proxy variable). */
const DESCRIPTIONS: Readonly<Record<string, (o: string, setting: string) => string>> = {
  ECONNREFUSED: (o) => `connection refused by ${o}`,
  ENOTFOUND: (o, setting) => `host not found: ${o}; check ${setting}`,
  EAI_AGAIN: (o) => `temporary DNS failure looking up ${o}`,
  ECONNRESET: (o) => `connection reset by ${o}`,
  UND_ERR_SOCKET: (o) => `connection closed by ${o} before the response was complete`,
  ETIMEDOUT: (o) => `no connection to ${o} in time`,
  UND_ERR_CONNECT_TIMEOUT: (o) => `no connection to ${o} in time`,
  EHOSTUNREACH: (o) => `${o} is unreachable`,
  ENETUNREACH: (o) => `${o} is unreachable (network down?)`,
};

/**
 * What a network failure means, in words, naming the origin it concerns (never a path or a
 * query): `connection refused by https://host`, or the error's own message for a code this
 * does not know.
 */
export function describeNetworkFailure(
  error: unknown,
  code: string | undefined,
  origin: string | undefined,
  proxy?: ProxyUsed,
): string {
  // Through a proxy, the connection that failed is the proxy's.
  const to = proxy ? `the proxy ${proxy.origin} (${proxy.variable})` : origin;
  const describe = code && to ? DESCRIPTIONS[code] : undefined;
  const what = describe ? describe(to!, proxy ? 'the proxy variable' : 'baseUrl') : error instanceof Error ? error.message : String(error);
  return proxy ? `${what}, on the way to ${origin ?? 'the server'}` : what;
}

/** The origin (`scheme://host:port`) of a URL, or `undefined` when it cannot be parsed. */
export function originOf(url: string, base?: string): string | undefined {
  try {
    const { origin } = new URL(url, base);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}
