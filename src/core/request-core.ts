import ky, { HTTPError, TimeoutError as KyTimeoutError, type Options as KyOptions } from 'ky';
import { NetworkError, ResponseValidationError, TimeoutError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import { errorFromResponse } from './error-from-response.js';
import { readBody } from './read-body.js';
import { emit, redactHeaders, type ClientHooks } from './hooks.js';
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
  retry: RetryPolicy;
  userAgent: string;
  fetch?: typeof globalThis.fetch;
  hooks: ClientHooks;
}

/** The credentials; kept in a closure, never on an object that can be logged. */
export interface CoreSecrets {
  apiKey?: string;
  sessionId?: string;
}

/** Creates the request core of one client, on ky. */
export function createRequestCore(settings: CoreSettings, secrets: CoreSecrets): RequestCore {
  const baseHeaders = headersFor(settings, secrets);

  async function open(spec: RequestSpec): Promise<OpenResponse> {
    const url = buildUrl(settings.baseUrl, spec.path, spec.pathParams, spec.query);
    const response = await send(url, spec);
    return openResponse(response, spec.operation, spec.timeout ?? settings.timeout);
  }

  async function send(url: string, spec: RequestSpec): Promise<Response> {
    const planner = new RetryPlanner(settings.retry, spec.signal);
    const headers = { ...baseHeaders };
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
        url,
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
      retry: {
        limit: settings.retry.limit,
        methods: settings.retry.methods.map((m) => m.toLowerCase()) as KyRetryMethods,
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
              url,
              headers: redactHeaders(request.headers),
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
              url,
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
      throw await translateError(error, spec);
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

function headersFor(settings: CoreSettings, secrets: CoreSecrets): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': settings.userAgent };
  if (secrets.apiKey) h['X-FilesAPI-Key'] = secrets.apiKey;
  else if (secrets.sessionId) h['X-FilesAPI-Auth'] = secrets.sessionId;
  if (settings.workspaceId !== undefined) h['X-Files-Workspace-Id'] = String(settings.workspaceId);
  if (settings.language) h['Accept-Language'] = settings.language;
  return h;
}

/** Maps whatever ky or fetch threw to a files-stream error; an abort stays the signal's reason. */
async function translateError(error: unknown, spec: RequestSpec): Promise<unknown> {
  if (spec.signal?.aborted) return spec.signal.reason;
  if (error instanceof HTTPError) return errorFromResponse(error.response, spec.operation);
  if (error instanceof KyTimeoutError) {
    const ms = typeof spec.timeout === 'number' ? spec.timeout : undefined;
    return new TimeoutError(`${describe(spec)}: timed out`, ms);
  }
  if (error instanceof FilesError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  return new NetworkError(`${describe(spec)}: network error: ${networkReason(error)}`, { cause: safeCause(error) });
}

function describe(spec: RequestSpec): string {
  return spec.operation ?? `${spec.method} ${spec.path}`;
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}

/** The underlying error without anything that could hold request headers. */
function safeCause(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const plain = new Error(error.message);
  plain.name = error.name;
  if (cause?.code) (plain as Error & { code?: string }).code = cause.code;
  return plain;
}

/** Wraps a response whose headers have arrived; its body is read on demand. */
function openResponse(response: Response, operation: string | undefined, timeout: number | false): OpenResponse {
  const method = 'response';
  return {
    status: response.status,
    headers: response.headers,
    async json() {
      let text: string;
      try {
        text = await readText(response, timeout, operation ?? method);
      } catch (error) {
        if (error instanceof TimeoutError || (error instanceof Error && error.name === 'AbortError')) throw error;
        throw new NetworkError(`${operation ?? method}: response body broken off: ${networkReason(error)}`, {
          cause: safeCause(error),
        });
      }
      if (text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new ResponseValidationError(operation ?? method, undefined, [], `body is not valid JSON (${text.length} bytes)`, {
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
 * Reads a body as text, like `response.text()`, except that `timeout` ms without a chunk
 * cancels it with `TimeoutError`: a body that stalls must not hang a listing that has no signal.
 */
async function readText(response: Response, timeout: number | false, what: string): Promise<string> {
  if (!response.body || timeout === false) return response.text();
  return new TextDecoder().decode(await readBody(response.body, { idleMs: timeout, what }));
}
