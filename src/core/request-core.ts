import ky, { HTTPError, TimeoutError as KyTimeoutError, type Options as KyOptions } from 'ky';
import { NetworkError, RedirectError, ResponseTooLargeError, ResponseValidationError, TimeoutError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import { errorFromResponse } from './error-from-response.js';
import { readBody, type ReadBodyOptions } from './read-body.js';
import { emit, redactHeaders, type ClientHooks } from './hooks.js';
import { describeNetworkFailure, networkCode, originOf } from './network-cause.js';
import { createRedactor, type Redactor } from './redact.js';
import { RetryPlanner } from './retry-planner.js';
import type { RetryPolicy } from './retry-policy.js';
import type { CoreResponse, HttpMethod, OpenResponse, RequestCore, RequestSpec } from './types.js';
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

  async function open(spec: RequestSpec): Promise<OpenResponse> {
    const url = buildUrl(settings.baseUrl, spec.path, spec.pathParams, spec.query);
    const response = await send(url, spec);
    return openResponse(response, spec.operation, spec.timeout ?? settings.timeout, settings.maxPageBytes, redact);
  }

  async function send(url: string, spec: RequestSpec): Promise<Response> {
    const planner = new RetryPlanner(settings.retry, spec.signal, spec);
    const headers = { ...baseHeaders };
    // What hooks see: the URL without the client's secrets (a user may put one in a query).
    const shownUrl = redact(url);
    if (spec.anonymous) {
      delete headers['X-FilesAPI-Key'];
      delete headers['X-FilesAPI-Auth'];
    }
    // afterResponse is emitted here, not from a ky afterResponse hook: ky clones (tees) the
    // body of every response it hands to such a hook, which costs a copy of every page.
    let attempt = 0;
    let startedAt = 0;
    const responded = (status: number, at: number) =>
      emit(settings.hooks.afterResponse, {
        operation: spec.operation,
        method: spec.method,
        url: shownUrl,
        status,
        durationMs: performance.now() - startedAt,
        attempt: at,
      });
    const options: KyOptions = {
      method: spec.method,
      headers,
      signal: spec.signal,
      timeout: spec.timeout ?? settings.timeout,
      throwHttpErrors: true,
      fetch: settings.fetch,
      // Never follow a redirect: fetch would send the auth headers to whatever host it names.
      // A 3xx is refused with RedirectError (translateError).
      redirect: 'manual',
      retry: {
        limit: settings.retry.limit,
        // Every method reaches the planner, which decides by method (429 and 503 with
        // Retry-After are retried for all; the rest for repeatable requests only).
        methods: ALL_METHODS,
        statusCodes: [...settings.retry.statusCodes],
        afterStatusCodes: [],
        retryOnTimeout: settings.retry.retryOnTimeout,
        shouldRetry: ({ error, retryCount }) => planner.shouldRetry(error, retryCount),
        delay: () => planner.delay(),
      },
      hooks: {
        beforeRequest: [
          (request, _o, { retryCount }) => {
            attempt = retryCount;
            startedAt = performance.now();
            emit(settings.hooks.beforeRequest, {
              operation: spec.operation,
              method: spec.method,
              url: shownUrl,
              headers: redactHeaders(request.headers, redact),
              attempt: retryCount,
            });
          },
        ],
        beforeRetry: [
          ({ error, retryCount }) => {
            if (error instanceof HTTPError) responded(error.response.status, retryCount - 1);
            emit(settings.hooks.beforeRetry, {
              operation: spec.operation,
              method: spec.method,
              url: shownUrl,
              attempt: retryCount,
              delayMs: planner.delay(),
              reason: planner.reason,
            });
          },
        ],
      },
    };
    if (spec.body !== undefined) options.json = spec.body;
    try {
      const response = await ky(url, options);
      responded(response.status, attempt);
      return response;
    } catch (error) {
      if (error instanceof HTTPError) responded(error.response.status, attempt);
      throw await translateError(error, spec, url, redact);
    }
  }

  async function request<B>(spec: RequestSpec): Promise<CoreResponse<B>> {
    const res = await open(spec);
    const body = (await res.json()) as B;
    return { status: res.status, headers: res.headers, body };
  }

  return { open, request };
}

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
async function translateError(error: unknown, spec: RequestSpec, url: string, redact: Redactor): Promise<unknown> {
  if (spec.signal?.aborted) return spec.signal.reason;
  if (error instanceof HTTPError) {
    if (isRedirect(error.response)) return redirectError(error.response, spec, url, redact);
    return errorFromResponse(error.response, spec.operation, redact);
  }
  if (error instanceof KyTimeoutError) {
    const ms = typeof spec.timeout === 'number' ? spec.timeout : undefined;
    return new TimeoutError(`${describe(spec)}: timed out`, ms);
  }
  if (error instanceof FilesError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  const code = networkCode(error);
  const what = redact(describeNetworkFailure(error, code, originOf(url)));
  return new NetworkError(`${describe(spec)}: network error${code ? ` (${code})` : ''}: ${what}`, {
    cause: safeCause(error, redact),
    code,
  });
}

/** A 3xx (or a browser's opaque redirect): API requests never follow one. */
function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The error of a refused redirect: status and target origin, never the target's path or query. */
function redirectError(response: Response, spec: RequestSpec, url: string, redact: Redactor): RedirectError {
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

function describe(spec: RequestSpec): string {
  return spec.operation ?? `${spec.method} ${spec.path}`;
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

/** Wraps a response whose headers have arrived; its body is read on demand. */
function openResponse(
  response: Response,
  operation: string | undefined,
  timeout: number | false,
  maxBytes: number,
  redact: Redactor,
): OpenResponse {
  const what = operation ?? 'response';
  return {
    status: response.status,
    headers: response.headers,
    async json(options = {}) {
      const limit = options.maxBytes ?? maxBytes;
      const tooLarge = () => new ResponseTooLargeError(what, limit);
      const declared = Number(response.headers.get('content-length'));
      if (declared > limit) {
        response.body?.cancel().catch(() => {});
        throw tooLarge();
      }
      let text: string;
      try {
        text = await readText(response, { idleMs: timeout === false ? undefined : timeout, maxBytes: limit, tooLarge, what });
      } catch (error) {
        if (error instanceof FilesError || (error instanceof Error && error.name === 'AbortError')) throw error;
        const code = networkCode(error);
        throw new NetworkError(`${what}: response body broken off: ${redact(networkReason(error))}`, {
          cause: safeCause(error, redact),
          code,
        });
      }
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new ResponseValidationError(what, undefined, [], `body is not valid JSON (${text.length} bytes)`, {
          cause: error,
        });
      }
    },
    stream: () => response.body,
    discard: () => {
      response.body?.cancel().catch(() => {});
    },
  };
}

export type { HttpMethod };

/**
 * Reads a body as text, like `response.text()`, except that a chunk taking longer than
 * `idleMs` cancels it with `TimeoutError` (a body that stalls must not hang a listing that
 * has no signal), and a body longer than `maxBytes` is cancelled with `tooLarge()`.
 */
async function readText(response: Response, options: ReadBodyOptions): Promise<string> {
  if (!response.body) return response.text();
  return new TextDecoder().decode(await readBody(response.body, options));
}
