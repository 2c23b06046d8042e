import type { Options as KyOptions } from 'ky';
import { NetworkError, ProxyAuthenticationError, RedirectError, ResponseTooLargeError, ResponseValidationError, TimeoutError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import { errorFromResponse } from './error-from-response.js';
import { parseJsonBytes } from './json-body.js';
import { guardBody, readBody } from './read-body.js';
import { emit, redactHeaders, SECRET_HEADERS, type ClientHooks, type RetryEvent } from './hooks.js';
import { describeFailure, describeRetryReason, RequestLog, type Logger } from './logger.js';
import { describeNetworkFailure, describeProxyAuthentication, networkCode, originOf, proxyRefusal } from './network-cause.js';
import { proxyOfFailure } from './proxy.js';
import { createRedactor, presignedRedactor, REDACTED, showPresignedUrl, type Redactor } from './redact.js';
import { isKyHttpError, isKyTimeoutError, RetryBudget, type RetriedRequest, type RetryPolicy } from './retry.js';
import type { CoreResponse, HttpMethod, OpenResponse, PresignedRequestSpec, RequestCore, RequestSpec } from './types.js';
import { buildUrl } from './url.js';

/** Settings of the request core (everything but the secrets). */
export interface CoreSettings {
  baseUrl: string;
  workspaceId?: string | number;
  language?: string;
  /** Default per-attempt timeout in ms (to the response headers); `false` for none. */
  timeout: number | false;
  /** Largest JSON body read, in bytes (pages and single records alike); larger ones fail with `ResponseTooLargeError`. */
  maxPageBytes: number;
  retry: RetryPolicy;
  userAgent: string;
  fetch?: typeof globalThis.fetch;
  hooks: ClientHooks;
  /** Where each request, response and retry is logged (see core/logger.ts); none by default. */
  logger?: Logger;
}

/**
 * The credentials; kept in a closure, never on an object that can be logged. With both, the
 * session is sent (`X-FilesAPI-Auth`) and the key is not, as the official SDKs do.
 */
export interface CoreSecrets {
  apiKey?: string;
  sessionId?: string;
}

/**
 * Creates the request core of one client, on ky. API requests never follow a redirect (a
 * `RedirectError` instead), so the credentials never reach another origin; the client's key
 * and session id are redacted from server text that enters an error, and from hook events.
 */
export function createRequestCore(settings: CoreSettings, secrets: CoreSecrets): RequestCore {
  const baseHeaders = headersFor(settings, secrets);
  const redact = createRedactor([secrets.apiKey, secrets.sessionId]);
  const log = new RequestLog(settings.logger, redact);
  const budget = (request: RetriedRequest, signal?: AbortSignal, overrides?: Partial<RetryPolicy>) =>
    new RetryBudget(overrides ? { ...settings.retry, ...overrides } : settings.retry, request, signal);

  async function open(spec: RequestSpec): Promise<OpenResponse> {
    const url = buildUrl(settings.baseUrl, spec.path, spec.pathParams, spec.query);
    const headers = { ...baseHeaders };
    if (spec.anonymous) {
      delete headers['X-FilesAPI-Key'];
      delete headers['X-FilesAPI-Auth'];
    }
    const response = await send(url, spec, {
      headers,
      json: spec.body,
      // Never follow a redirect: fetch would send the auth headers to whatever host it names.
      // A 3xx is refused with RedirectError (translateError).
      redirect: 'manual',
      // What hooks see: the URL without the client's secrets (a user may put one in a query).
      shownUrl: redact(url),
      redact,
    });
    return openResponse(response, spec, spec.timeout ?? settings.timeout, settings.maxPageBytes, redact);
  }

  async function openPresigned(spec: PresignedRequestSpec): Promise<OpenResponse> {
    // The server's text and error messages of this request: without its URL's signature, wherever it sits.
    const redactThis = presignedRedactor(spec.url, redact);
    const unusable = unusableUrl(spec.url);
    if (unusable) {
      // fetch would refuse it (and echo it whole, signature included): never sent, not retried.
      throw new NetworkError(`${spec.operation}: network error (ERR_INVALID_URL): ${unusable}`, { code: 'ERR_INVALID_URL' });
    }
    const headers: Record<string, string> = { 'User-Agent': settings.userAgent };
    for (const [name, value] of Object.entries(spec.headers ?? {})) {
      if (!SECRET_HEADERS.includes(name.toLowerCase())) headers[name] = value;
    }
    const response = await send(spec.url, spec, {
      headers,
      bytes: spec.body,
      redirect: 'follow',
      // A presigned URL's signature may sit in its query or its path: hooks and logs see its origin alone.
      shownUrl: showPresignedUrl(spec.url),
      redact: redactThis,
    });
    return openResponse(response, spec, spec.timeout ?? settings.timeout, settings.maxPageBytes, redactThis);
  }

  /**
   * The one request lifecycle: ky sends, with the timeout to the response headers, the
   * abort signal and the retries of the request's budget; hooks see every attempt; whatever
   * fails becomes a typed error (or the signal's reason).
   */
  async function send(url: string, spec: RequestSpec | PresignedRequestSpec, how: SendOptions): Promise<Response> {
    const retries = spec.budget ?? budget({ method: spec.method, idempotent: 'idempotent' in spec ? spec.idempotent : undefined }, spec.signal);
    const event = { operation: spec.operation, method: spec.method, url: how.shownUrl };
    // afterResponse is emitted here, not from a ky afterResponse hook: ky clones (tees) the
    // body of every response it hands to such a hook, which costs a copy of every page.
    let attempt = 0;
    let startedAt = 0;
    /** The current attempt's outcome was logged (and its afterResponse emitted). */
    let settled = false;
    const slot = 'slot' in spec ? spec.slot : undefined;
    /** Gives back the attempt's place under `slot` (once; a no-op without one). */
    let giveBack: (status: number | undefined) => void = () => {};
    const responded = (status: number) => {
      settled = true;
      const durationMs = performance.now() - startedAt;
      log.response(event, status, durationMs);
      emit(settings.hooks.afterResponse, { ...event, status, durationMs, attempt });
    };
    // A failed attempt without a response (network error, timeout): logged, no hook.
    const failed = (error: unknown) => {
      settled = true;
      log.failure(event, describeFailure(error), performance.now() - startedAt);
    };
    /** The end of an attempt that failed, logged once: its answer, or how it failed. */
    const settle = (error: unknown) => {
      if (settled) return;
      if (isKyHttpError(error)) responded(error.response.status);
      else if (startedAt > 0) failed(error);
    };
    const options: KyOptions = {
      method: spec.method,
      headers: how.headers,
      signal: spec.signal,
      timeout: spec.timeout ?? settings.timeout,
      throwHttpErrors: true,
      // A signal aborted during the lifecycle's steps before the send (hooks, the retry wait's
      // end) sends nothing: the fetch is not called at all.
      fetch: async (input, init) => {
        let status: number | undefined;
        try {
          spec.signal?.throwIfAborted();
          const response = await (('fetch' in spec ? spec.fetch : undefined) ?? settings.fetch ?? globalThis.fetch)(input, init);
          status = response.status;
          return response;
        } finally {
          giveBack(status);
        }
      },
      redirect: how.redirect,
      credentials: 'omit',
      retry: {
        // The budget decides when to stop (a rate limit with Retry-After may go past `limit`).
        limit: retries.policy.limit > 0 ? Number.MAX_SAFE_INTEGER : 0,
        // Every method reaches the budget, which decides (see core/retry.ts).
        methods: ALL_METHODS,
        statusCodes: [...retries.policy.statusCodes],
        afterStatusCodes: [],
        retryOnTimeout: retries.policy.retryOnTimeout,
        // Decided before the wait: the attempt is logged as it ended (its time is its own, not
        // the wait's), and the retry announced as the wait starts (ky's beforeRetry comes after it).
        shouldRetry: ({ error }) => {
          if (retries.plan(error) === undefined) return false;
          settle(error);
          announceRetry(event, retries, error, 'onRetry' in spec ? spec.onRetry : undefined);
          return true;
        },
        delay: () => retries.last?.delayMs ?? 0,
      },
      hooks: {
        beforeRequest: [
          async (request) => {
            // A place under the request's slot (if any), taken before the timeout starts.
            if (slot) giveBack = once(await slot.acquire(spec.signal));
            attempt = retries.retries;
            startedAt = performance.now();
            settled = false;
            log.request(event, attempt);
            emit(settings.hooks.beforeRequest, { ...event, headers: redactHeaders(request.headers, how.redact), attempt });
          },
        ],
      },
    };
    if (how.json !== undefined) options.json = how.json;
    if (how.bytes !== undefined) options.body = how.bytes;
    try {
      const response = await (await loadKy())(url, options);
      responded(response.status);
      return response;
    } catch (error) {
      // Unless a retry's wait was cut short: its attempt was logged when the retry was decided.
      settle(error);
      throw await translateError(error, spec, url, how.redact);
    } finally {
      giveBack(undefined);
    }
  }

  /** A retry `budget` just decided: logged, and given to the `beforeRetry` hook and `onRetry`. */
  function announceRetry(event: { operation: string | undefined; method: HttpMethod; url: string }, budget: RetryBudget, error: unknown, onRetry: RequestSpec['onRetry']): void {
    const plan = budget.last;
    if (!plan) return;
    log.retry(event, plan.attempt, budget.policy.limit, plan.delayMs, describeRetryReason(plan.reason, error), plan.pastLimit);
    const code = plan.reason === 'NetworkError' ? networkCode(error) : undefined;
    const retry: RetryEvent = {
      ...event,
      attempt: plan.attempt,
      limit: budget.policy.limit,
      delayMs: plan.delayMs,
      elapsedMs: budget.elapsedMs,
      reason: plan.reason,
      ...(code ? { code } : {}),
    };
    emit(settings.hooks.beforeRetry, retry);
    emit(onRetry, retry);
  }

  function reportRetry(spec: RequestSpec, budget: RetryBudget, error: unknown): void {
    const url = redact(buildUrl(settings.baseUrl, spec.path, spec.pathParams, spec.query));
    announceRetry({ operation: spec.operation, method: spec.method, url }, budget, error, spec.onRetry);
  }

  async function request<B>(spec: RequestSpec): Promise<CoreResponse<B>> {
    const res = await open(spec);
    const body = (await res.json()) as B;
    return { status: res.status, headers: res.headers, body };
  }

  return { open, openPresigned, request, budget, reportRetry };
}

/** How {@link createRequestCore}'s `send` sends one request. */
interface SendOptions {
  headers: Record<string, string>;
  json?: unknown;
  bytes?: Uint8Array;
  redirect: 'manual' | 'follow';
  /** The URL as hooks show it. */
  shownUrl: string;
  /** Removes secrets from the server's text and error messages of this request. */
  redact: Redactor;
}

/** `fn`, callable once: later calls do nothing. */
function once<A>(fn: (arg: A) => void): (arg: A) => void {
  let called = false;
  return (arg) => {
    if (called) return;
    called = true;
    fn(arg);
  };
}

/**
 * Why fetch would refuse a presigned URL, shown without its secrets; `undefined` when it is
 * usable. (fetch refuses a URL it cannot parse, or one with credentials, echoing it whole.)
 */
function unusableUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the presigned URL is not a valid URL (not shown: it may carry a signature)';
  }
  if (parsed.username || parsed.password) {
    return `the presigned URL ${showPresignedUrl(url).replace('://', `://${REDACTED}@`)} carries credentials (user:password@), which fetch refuses`;
  }
  return undefined;
}

/** ky, loaded when the first request is sent (not at import: scripts start faster). */
let kyModule: Promise<typeof import('ky').default> | undefined;
const loadKy = () => (kyModule ??= import('ky').then((m) => m.default));

type KyRetryMethods = NonNullable<Exclude<KyOptions['retry'], number | undefined>['methods']>;

const ALL_METHODS: KyRetryMethods = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

/** The headers of every request. A session wins over a key: only `X-FilesAPI-Auth` is sent then. */
function headersFor(settings: CoreSettings, secrets: CoreSecrets): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': settings.userAgent };
  if (secrets.sessionId) h['X-FilesAPI-Auth'] = secrets.sessionId;
  else if (secrets.apiKey) h['X-FilesAPI-Key'] = secrets.apiKey;
  if (settings.workspaceId !== undefined) h['X-Files-Workspace-Id'] = String(settings.workspaceId);
  if (settings.language) h['Accept-Language'] = settings.language;
  return h;
}

/**
 * Maps whatever ky or fetch threw to a files-stream error; an abort stays the signal's reason.
 * Server text and error messages pass through `redact` before they enter the error.
 */
async function translateError(error: unknown, spec: RequestSpec | PresignedRequestSpec, url: string, redact: Redactor): Promise<unknown> {
  if (spec.signal?.aborted) return spec.signal.reason;
  if (isKyHttpError(error)) {
    if (isRedirect(error.response)) return redirectError(error.response, spec, url, redact);
    return errorFromResponse(error.response, spec.operation, redact);
  }
  if (isKyTimeoutError(error)) {
    const ms = typeof spec.timeout === 'number' ? spec.timeout : undefined;
    return new TimeoutError(`${describe(spec)}: timed out`, ms);
  }
  if (error instanceof FilesError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = networkCode(error);
  const proxy = proxyOfFailure(error);
  if (proxyRefusal(error) === 407) {
    // Only the origins are redacted: the advice's example URL (`http://user:pass@host:port`) stays.
    const to = originOf(url);
    return new ProxyAuthenticationError(`${describe(spec)}: ${describeProxyAuthentication(to === undefined ? undefined : redact(to), proxy)}`, {
      cause: safeCause(error, redact),
      proxy: proxy?.origin,
    });
  }
  const what = redact(describeNetworkFailure(error, code, originOf(url), proxy));
  return new NetworkError(`${describe(spec)}: network error${code ? ` (${code})` : ''}: ${what}`, {
    cause: safeCause(error, redact),
    code,
    proxy: proxy?.origin,
  });
}

/** A 3xx (or a browser's opaque redirect): API requests never follow one. */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The error of a refused redirect: status and target origin, never the target's path or query. */
function redirectError(response: Response, spec: RequestSpec | PresignedRequestSpec, url: string, redact: Redactor): RedirectError {
  response.body?.cancel().catch(() => {});
  const location = response.headers.get('location');
  const target = location ? originOf(location, url) : undefined;
  return new RedirectError({
    status: response.status,
    targetOrigin: target === undefined ? undefined : redact(target),
    sameOrigin: target !== undefined && target === originOf(url),
    operation: spec.operation,
  });
}

function describe(spec: RequestSpec | PresignedRequestSpec): string {
  return spec.operation ?? ('path' in spec ? `${spec.method} ${spec.path}` : spec.method);
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}

/** The underlying error without anything that could hold request headers, its message redacted. */
function safeCause(error: unknown, redact: Redactor = (text) => text): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? redact(error) : error;
  const code = networkCode(error);
  const plain = new Error(redact(error.message));
  plain.name = error.name;
  if (code) (plain as Error & { code?: string }).code = code;
  return plain;
}

/** True when the body is sent compressed (`Content-Encoding` other than `identity`). */
function isEncoded(headers: Headers): boolean {
  const encoding = headers.get('content-encoding');
  return encoding !== null && encoding.trim().toLowerCase() !== 'identity';
}

/** Wraps a response whose headers have arrived; its body is read on demand. */
function openResponse(
  response: Response,
  spec: RequestSpec | PresignedRequestSpec,
  timeout: number | false,
  maxBytes: number,
  redact: Redactor,
): OpenResponse {
  const what = spec.operation ?? 'response';
  const broken = (error: unknown) =>
    new NetworkError(`${what}: response body broken off: ${redact(networkReason(error))}`, {
      cause: safeCause(error, redact),
      code: networkCode(error),
    });
  return {
    status: response.status,
    headers: response.headers,
    async json(options = {}) {
      return (await this.readJson(options)).value;
    },
    async readJson(options = {}) {
      const limit = options.maxBytes ?? maxBytes;
      const tooLarge = () => new ResponseTooLargeError(what, limit);
      const { maxRecords, tooManyRecords = (limitBytes: number) => new ResponseTooLargeError(what, limitBytes, { limitRecords: maxRecords }) } = options;
      const declared = Number(response.headers.get('content-length'));
      if (declared > limit) {
        response.body?.cancel().catch(() => {});
        throw tooLarge();
      }
      let bytes: Uint8Array;
      try {
        bytes = response.body
          ? await readBody(response.body, {
              idleMs: timeout === false ? undefined : timeout,
              maxBytes: limit,
              tooLarge,
              what,
              // fetch decodes a compressed body: its Content-Length is not the length read.
              expectedBytes: isEncoded(response.headers) ? undefined : declared,
            })
          : new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (error instanceof FilesError || (error instanceof Error && error.name === 'AbortError')) throw error;
        throw broken(error);
      }
      let refused: Error | undefined;
      try {
        return parseJsonBytes(bytes, { maxRecords, tooMany: () => (refused = tooManyRecords(limit)) });
      } catch (error) {
        if (error === refused) throw error;
        throw new ResponseValidationError(what, undefined, [], `body is not valid JSON (${bytes.length} bytes)`, {
          cause: error,
        });
      }
    },
    stream: () =>
      response.body &&
      guardBody(response.body, {
        idleMs: timeout === false ? undefined : timeout,
        signal: spec.signal,
        what,
        mapError: (error) => (error instanceof FilesError ? error : broken(error)),
      }),
    discard: () => {
      response.body?.cancel().catch(() => {});
    },
  };
}

export type { HttpMethod };
