import { NetworkError, TimeoutError } from '../errors/client-errors.js';

/** A `fetch` implementation: the global one, or one given to the client or the call. */
export type FetchLike = typeof globalThis.fetch;

/** One request to a presigned URL (a `download_uri` or an `upload_uri`). */
export interface PresignedRequest {
  /** The presigned URL, used as given. */
  url: string;
  /** HTTP method. Default `GET`. */
  method?: string;
  /** Request body (an upload part). */
  body?: Uint8Array;
  /** Extra headers the server asked for (a FileUploadPart's `headers`). */
  headers?: Record<string, string>;
  /** Cancels the request and the body. */
  signal?: AbortSignal;
  /** Timeout in ms to the response headers; `false` for none. Default 60,000. */
  timeout?: number | false;
  /** The `fetch` to use. Default: the global one. */
  fetch?: FetchLike;
  /** What the request is for, in error messages (e.g. `download reports/q1.csv`). */
  operation: string;
}

/** Default timeout to the response headers of a presigned request, in ms. */
export const PRESIGNED_TIMEOUT_MS = 60_000;

const AUTH_HEADERS = new Set(['x-filesapi-key', 'x-filesapi-auth']);

/**
 * Sends one request to a presigned URL and resolves with the response, whatever its
 * status, once its headers are in. The URL carries its own authorisation: the API key and
 * session are never sent (nor cookies), so a storage host can never see them.
 *
 * @throws The signal's reason when `signal` aborts; `TimeoutError` when the headers take
 * longer than `timeout`; `NetworkError` (with the cause) when the connection fails.
 */
export async function fetchPresigned(request: PresignedRequest): Promise<Response> {
  const { signal, operation } = request;
  signal?.throwIfAborted();
  const timeout = request.timeout ?? PRESIGNED_TIMEOUT_MS;
  const timer = timeout === false ? undefined : new AbortController();
  const handle =
    timeout === false
      ? undefined
      : setTimeout(() => timer!.abort(new TimeoutError(`${operation}: no response in ${timeout} ms`, timeout)), timeout);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!AUTH_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  try {
    return await (request.fetch ?? globalThis.fetch)(request.url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body,
      credentials: 'omit',
      redirect: 'follow',
      signal: combine(signal, timer?.signal),
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timer?.signal.aborted) throw timer.signal.reason;
    throw new NetworkError(`${operation}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(handle);
  }
}

/** One signal for both, without adding listeners to the caller's (which may serve thousands of requests). */
function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a || !b) return a ?? b;
  return typeof AbortSignal.any === 'function' ? AbortSignal.any([a, b]) : a;
}
