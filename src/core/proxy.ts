/**
 * `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` for Node's global `fetch`, which ignores them: the
 * client's requests (API calls and presigned transfers) go through undici's
 * `EnvHttpProxyAgent`, passed to the global `fetch` as its `dispatcher`.
 *
 * The variables are read once, when the client is created, with the rules of curl and undici:
 * the lower-case name wins over the upper-case one; `HTTP_PROXY` serves `http:` URLs and
 * `HTTPS_PROXY` `https:` ones (falling back to `HTTP_PROXY`); `NO_PROXY` lists host names
 * (`example.com` exactly, `.example.com` or `*.example.com` for its subdomains), each with an
 * optional `:port`, or is `*` for none. `localhost` and `127.0.0.1` are proxied unless listed.
 *
 * undici is loaded on the first request, and only when a proxy variable is set: this module
 * imports nothing, so a client without a proxy, and a browser bundle, never load it.
 */
import type { EnvHttpProxyAgent } from 'undici';
import { ConfigurationError } from '../errors/client-errors.js';

/** The proxy settings of the environment (empty strings for the unset ones). */
export interface ProxyEnv {
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

type Env = Record<string, string | undefined>;

/**
 * The proxy settings of `env`, or `undefined` when no proxy is set or the runtime is not
 * Node (Bun and Deno honour the variables in their own `fetch`; browsers have none).
 */
export function proxyFromEnv(env: Env): ProxyEnv | undefined {
  const versions = (globalThis as { process?: { versions?: Record<string, string | undefined> } }).process?.versions;
  if (!versions?.node || versions.bun || versions.deno) return undefined;
  // As undici's EnvHttpProxyAgent: the lower-case name wins, even when empty.
  const read = (name: string) => env[name] ?? env[name.toUpperCase()] ?? '';
  const httpProxy = read('http_proxy');
  const httpsProxy = read('https_proxy');
  if (!httpProxy && !httpsProxy) return undefined;
  return { httpProxy, httpsProxy, noProxy: read('no_proxy') };
}

/** One agent per proxy setting, shared by the clients of the process (one connection pool). */
const agents = new Map<string, Promise<EnvHttpProxyAgent>>();

/**
 * A `fetch` that sends through the proxies of `proxy`: the global `fetch` with undici's
 * `EnvHttpProxyAgent` as its dispatcher. undici is imported on the first call; if it cannot
 * be, every call rejects with a `ConfigurationError` saying so (a request never silently
 * bypasses the proxy).
 */
export function proxyFetch(proxy: ProxyEnv): typeof globalThis.fetch {
  const key = JSON.stringify(proxy);
  return async (input, init) => {
    let agent = agents.get(key);
    if (!agent) {
      agent = createAgent(proxy);
      agents.set(key, agent);
      // A failed import is retried by the next client, not cached.
      agent.catch(() => agents.delete(key));
    }
    const dispatcher = await agent;
    try {
      return await globalThis.fetch(input, { ...init, dispatcher } as RequestInit);
    } catch (error) {
      // A failure without a response: name the proxy it went through (see `proxyOfFailure`).
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const via = proxyFor(proxy, url);
      if (via && typeof error === 'object' && error !== null) failedProxies.set(error, via);
      throw error;
    }
  };
}

/** Failures of {@link proxyFetch} and the proxy each went through (its origin and variable). */
const failedProxies = new WeakMap<object, ProxyUsed>();

/** A proxy a request went through: its origin (never its credentials) and the variable that set it. */
export interface ProxyUsed {
  readonly origin: string;
  readonly variable: 'HTTP_PROXY' | 'HTTPS_PROXY';
  /** True when the proxy URL carries credentials (`http://user:pass@host:port`), which are sent as `Proxy-Authorization`. */
  readonly credentials: boolean;
}

/** The proxy a failed `fetch` of {@link proxyFetch} went through, if it went through one. */
export function proxyOfFailure(error: unknown): ProxyUsed | undefined {
  return typeof error === 'object' && error !== null ? failedProxies.get(error) : undefined;
}

/**
 * The proxy `url` goes through under `proxy`, by undici's `EnvHttpProxyAgent` rules:
 * `https:` URLs through `HTTPS_PROXY` (else `HTTP_PROXY`), `http:` ones through `HTTP_PROXY`,
 * none when `NO_PROXY` covers the host (and port).
 */
export function proxyFor(proxy: ProxyEnv, url: string): ProxyUsed | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const https = target.protocol === 'https:';
  const [value, variable] = https && proxy.httpsProxy ? [proxy.httpsProxy, 'HTTPS_PROXY' as const] : [proxy.httpProxy, 'HTTP_PROXY' as const];
  if (!value || noProxyCovers(proxy.noProxy, target)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return undefined;
  }
  return { origin: parsed.origin, variable, credentials: parsed.username !== '' || parsed.password !== '' };
}

function noProxyCovers(noProxy: string, target: URL): boolean {
  if (noProxy === '*') return true;
  const host = target.hostname.toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const entry of noProxy.split(/[,\s]/)) {
    if (!entry) continue;
    const parsed = /^(.+):(\d+)$/.exec(entry);
    const name = (parsed ? parsed[1]! : entry).toLowerCase();
    if (parsed && parsed[2] !== port) continue;
    if (!/^[.*]/.test(name) ? host === name : host.endsWith(name.replace(/^\*/, ''))) return true;
  }
  return false;
}

async function createAgent(proxy: ProxyEnv): Promise<EnvHttpProxyAgent> {
  let undici: typeof import('undici');
  try {
    // A computed specifier with ignore hints: bundlers (our own build included) leave it alone
    // (a browser bundle has no proxy to honour), and Node resolves it at run time.
    const specifier = ['un', 'dici'].join('');
    undici = (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as typeof import('undici');
  } catch (error) {
    const variable = proxy.httpsProxy ? 'HTTPS_PROXY' : 'HTTP_PROXY';
    throw new ConfigurationError(
      'fetch',
      `${variable} is set, and the proxy needs the undici package, which could not be loaded (${(error as Error).message}): install undici, or pass a fetch of your own`,
    );
  }
  const EnvAgent = undici.EnvHttpProxyAgent ?? (undici as unknown as { default: typeof import('undici') }).default.EnvHttpProxyAgent;
  // Explicit values: the environment as it was when the client was created, not as it is now.
  return withoutExperimentalWarning(() => new EnvAgent({ httpProxy: proxy.httpProxy, httpsProxy: proxy.httpsProxy, noProxy: proxy.noProxy }));
}

/**
 * Runs `create` without the process warning undici 6 emits on the first `EnvHttpProxyAgent`
 * ("EnvHttpProxyAgent is experimental", code `UNDICI-EHPA`): a CLI's stderr stays clean.
 * Every other warning passes through.
 */
function withoutExperimentalWarning<T>(create: () => T): T {
  const proc = process as NodeJS.Process;
  const original = proc.emitWarning;
  proc.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const options = rest[0];
    const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : rest[1];
    if (code === 'UNDICI-EHPA') return;
    return (original as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof proc.emitWarning;
  try {
    return create();
  } finally {
    proc.emitWarning = original;
  }
}
