import type { ZodType } from 'zod';
import { createApiContext } from '../api/create-api-context.js';
import type { ApiContext } from '../api/context.js';
import { createRequestCore, type CoreSettings } from '../core/request-core.js';
import { debugFromEnv, stderrLogger } from '../core/logger.js';
import { proxyFetch, proxyFromEnv } from '../core/proxy.js';
import { defaultRetryPolicy, type RetryPolicy } from '../core/retry.js';
import type { RequestCore } from '../core/types.js';
import { ConfigurationError } from '../errors/client-errors.js';
import { createNamespaces } from '../generated/namespaces.js';
import { VERSION } from './version.js';
import { checkClientOptions, type ClientOptions } from './options.js';
import { applyPlugins, builtinPlugins, type PluggedNamespaces, type PluginHost } from './plugins.js';

/** A model's zod schema by name: the 149 schemas (and zod) load with the first response validated. */
const loadSchema = async (model: string): Promise<ZodType | undefined> => {
  const schemas = (await import('../generated/models/index.js')) as unknown as Record<string, ZodType | undefined>;
  return schemas[`${model}Schema`];
};

/** Default of the `maxPageBytes` option: 256 MiB. */
const DEFAULT_MAX_PAGE_BYTES = 256 * 1024 * 1024;

/** Default site URL. */
export const DEFAULT_BASE_URL = 'https://app.files.com';

/** Non-secret facts about a client, safe to log. */
export interface ClientInfo {
  readonly baseUrl: string;
  /** Which credential the client sends: `session` (when it has one, even with a key), `api-key` or `none`. Never the value. */
  readonly auth: 'api-key' | 'session' | 'none';
}

/** Members every client has besides the API namespaces. */
export interface ClientBase {
  /** Non-secret facts about this client. */
  readonly info: ClientInfo;
  /** The request core: send any request (`{ method, path, pathParams, query, body }`). */
  readonly core: RequestCore;
  /** The context generated operations call; for hand-written helpers and extensions. */
  readonly api: ApiContext;
  /**
   * A new client with these options changed; this one is unchanged. Credentials change as a
   * unit: `with({ sessionId })` acts as that session (a session wins over the key);
   * `with({ apiKey })` drops an inherited session and sends that key.
   */
  with(options: ClientOptions): FilesClient;
}

/**
 * A Files.com client: one namespace per resource (`users`, `folders`, `files`, ...), with
 * the methods of the built-in plugins merged in: `files` adds `downloadStream`,
 * `downloadToFile` and `upload`, `folders` adds `walk`.
 */
export type FilesClient = ClientBase & PluggedNamespaces;

/**
 * Creates a Files.com client. Options default from `FILESCOM_API_KEY` and
 * `FILESCOM_BASE_URL`; `FILES_STREAM_DEBUG=1` logs to stderr when no `logger` is given;
 * without a `fetch` of the user's, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are honoured (all
 * read once, here). Clients share no state: each has its own key, settings, hooks and retry
 * budgets. They do share the process's `fetch` connection pool (pass `fetch` for your own agent).
 *
 * @throws ConfigurationError naming the first invalid option.
 */
export function createClient(options: ClientOptions = {}): FilesClient {
  const resolved = resolveOptions(options);
  const settings = coreSettings(resolved, processEnv());
  const secrets = { apiKey: resolved.apiKey, sessionId: resolved.sessionId };
  const core = createRequestCore(settings, secrets);
  // A session wins over a key, as in the official SDKs: only X-FilesAPI-Auth is sent.
  const auth: ClientInfo['auth'] = secrets.sessionId ? 'session' : secrets.apiKey ? 'api-key' : 'none';
  const api = createApiContext(core, {
    validation: resolved.validation ?? 'passthrough',
    prefetch: resolved.prefetch ?? 1,
    perPage: resolved.perPage,
    loadSchema,
    assertAuth: (op) => {
      if (auth === 'none' && !op.anonymous) {
        throw new ConfigurationError('apiKey', 'no API key: pass apiKey (or sessionId) or set FILESCOM_API_KEY');
      }
    },
  });
  const info: ClientInfo = Object.freeze({ baseUrl: settings.baseUrl, auth });
  const client = createNamespaces(api) as unknown as FilesClient;
  Object.defineProperties(client, {
    info: { value: info },
    core: { value: core },
    api: { value: api },
  });
  applyPlugins(client as unknown as PluginHost, builtinPlugins);
  Object.defineProperties(client, {
    with: { value: (more: ClientOptions) => createClient(derivedOptions(resolved, more)) },
    toJSON: { value: () => ({ ...info }) },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `FilesClient ${JSON.stringify(info)}` },
  });
  return client;
}

/** The options of `client.with(more)`: credentials change as a unit (a new key drops an inherited session). */
function derivedOptions(resolved: ClientOptions, more: ClientOptions): ClientOptions {
  const merged: ClientOptions = { ...resolved, ...more };
  if (more.apiKey !== undefined && !('sessionId' in more)) delete merged.sessionId;
  return merged;
}

/** The environment (`process.env`), or nothing outside Node-like runtimes. */
function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

function resolveOptions(options: ClientOptions): ClientOptions {
  const env = processEnv();
  const merged: ClientOptions = { ...options };
  if (merged.apiKey === undefined && merged.sessionId === undefined && env.FILESCOM_API_KEY) {
    merged.apiKey = env.FILESCOM_API_KEY;
  }
  if (merged.baseUrl === undefined && env.FILESCOM_BASE_URL) merged.baseUrl = env.FILESCOM_BASE_URL;
  if (merged.logger === undefined && debugFromEnv(env)) merged.logger = stderrLogger;
  const problem = checkClientOptions(merged);
  if (problem) throw new ConfigurationError(problem.option, problem.message);
  return merged;
}

/**
 * The settings of the request core. Without a `fetch` of the user's, the proxy variables of
 * `env` (read now, once) route requests through undici's `EnvHttpProxyAgent` (core/proxy.ts).
 */
function coreSettings(o: ClientOptions, env: Record<string, string | undefined>): CoreSettings {
  const retry: RetryPolicy =
    o.retry === false ? { ...defaultRetryPolicy, limit: 0 } : { ...defaultRetryPolicy, ...o.retry };
  const baseUrl = (o.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/api\/rest\/v1$/, '');
  return {
    baseUrl,
    workspaceId: o.workspaceId,
    language: o.language,
    timeout: o.timeout ?? 60_000,
    maxPageBytes: o.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES,
    retry,
    userAgent: `files-stream/${VERSION}${o.userAgent ? ` ${o.userAgent}` : ''}`,
    fetch: o.fetch ?? proxyFetchOf(env),
    hooks: o.hooks ?? {},
    logger: o.logger,
  };
}

/** A `fetch` through the proxies `env` names, or `undefined` (the global `fetch`) when it names none. */
function proxyFetchOf(env: Record<string, string | undefined>): typeof globalThis.fetch | undefined {
  const proxy = proxyFromEnv(env);
  return proxy && proxyFetch(proxy);
}
