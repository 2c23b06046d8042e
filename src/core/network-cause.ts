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
 * Codes of failures that retrying cannot fix: the host does not exist (`ENOTFOUND`), the URL
 * cannot be fetched (`ERR_INVALID_URL`). A temporary DNS failure (`EAI_AGAIN`) is retried like
 * any other network error.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ERR_INVALID_URL']);

/** True for a network failure that retrying cannot fix (see {@link networkCode}). */
export function isPermanentNetworkFailure(error: unknown): boolean {
  const code = networkCode(error);
  return code !== undefined && PERMANENT_CODES.has(code);
}

/**
 * The status a proxy answered instead of carrying the request, from undici's errors: a
 * tunnel refused (`Proxy response (407) !== 200 when HTTP Tunneling`, code `UND_ERR_ABORTED`)
 * or a proxied request refused (`Proxy Authentication Required (407)`).
 *
 * @returns the status (407: the proxy wants credentials, or refused them), or `undefined`
 * when `error` is not a proxy's refusal.
 */
export function proxyRefusal(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string') {
      const status = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/.exec(message)?.[1] ?? /^Proxy Authentication Required \((407)\)/.exec(message)?.[1];
      if (status) return Number(status);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True for a proxy's refusal that retrying cannot fix: a 4xx answer to the tunnel or the
 * request (407: credentials wanted or refused; 403: the destination is blocked). A 5xx (the
 * proxy could not reach the server) is retried like a network failure.
 */
export function isPermanentProxyRefusal(error: unknown): boolean {
  const status = proxyRefusal(error);
  return status !== undefined && status >= 400 && status < 500;
}

/**
 * What a proxy's 407 means, and what to do: `the proxy http://proxy:3128 (HTTPS_PROXY) refused
 * the credentials in HTTPS_PROXY (407 Proxy Authentication Required), on the way to
 * https://host: check the user and password in the proxy URL, e.g. ...`. Names the proxy by
 * its origin, never its credentials; without `proxy` (a client's own `fetch`), just "the proxy".
 */
export function describeProxyAuthentication(origin: string | undefined, proxy?: ProxyUsed): string {
  const variable = proxy?.variable ?? 'HTTPS_PROXY';
  const example = `${variable}=http://user:pass@host:port (user and password percent-encoded)`;
  const who = proxy ? `the proxy ${proxy.origin} (${proxy.variable})` : 'the proxy';
  const what = !proxy
    ? 'refused its credentials, or got none'
    : proxy.credentials
      ? `refused the credentials in ${proxy.variable}`
      : 'refused the request without credentials';
  const todo = proxy?.credentials ? 'check the user and password in the proxy URL' : 'set them in the proxy URL';
  return `${who} ${what} (407 Proxy Authentication Required), on the way to ${origin ?? 'the server'}: ${todo}, e.g. ${example}`;
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
  const refused = proxyRefusal(error);
  if (refused !== undefined) return `${proxy ? to : 'the proxy'} answered ${refused} instead of carrying the request, on the way to ${origin ?? 'the server'}`;
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
