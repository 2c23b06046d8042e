import type { RetryEvent } from './hooks.js';
import type { RetriedRequest, RetryBudget, RetryPolicy } from './retry.js';
import type { ParsedJson } from './json-body.js';

/** HTTP methods the Files.com API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD';

/** A scalar value that can appear in a path segment or a query string. */
export type Scalar = string | number | boolean;

/** One request as the request core sends it. The core knows nothing of resources. */
export interface RequestSpec {
  /** HTTP verb. */
  method: HttpMethod;
  /** Path below `/api/rest/v1`, with `{name}` placeholders, e.g. `/users/{id}`. */
  path: string;
  /** Values for the `{name}` placeholders; each is sent as one `encodeURIComponent` segment. */
  pathParams?: Record<string, Scalar>;
  /** Query parameters: nested objects as `field[key]=value`, arrays as repeated `field[]=`. */
  query?: Record<string, unknown>;
  /** JSON body (POST, PATCH, PUT, and DELETEs that carry one). */
  body?: unknown;
  /** Cancels the request (and any retry wait). */
  signal?: AbortSignal;
  /** Per-request timeout in ms, overriding the client's. `false` disables it. */
  timeout?: number | false;
  /** Send no auth header (e.g. `POST /sessions`). */
  anonymous?: boolean;
  /**
   * The request is safe to send again even if the server may have acted on it: it is then
   * retried on network errors, timeouts and every retried status, whatever its method (an
   * upload's part and end requests, which carry the upload's `ref`). Without it, POST and
   * PATCH are retried only on 429, and on 503 with a usable `Retry-After`.
   */
  idempotent?: boolean;
  /** Name of the operation for errors and hooks, e.g. `users.list`. */
  operation?: string;
  /** Called before each retry of this request, after the client's `beforeRetry` hook. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * A shared limit of requests in flight this request counts against (a partitioned
   * listing's): a place is taken before each attempt is sent and given back as soon as its
   * response headers arrive or it fails, so neither the body's transfer nor a retry's wait
   * holds one.
   */
  slot?: RequestSlot;
  /**
   * The retries of the logical request this send belongs to (a page and the refetches of its
   * body): shared, so every layer draws on one budget. Default: a fresh one per send.
   */
  budget?: RetryBudget;
}

/** A limit on requests in flight (see {@link RequestSpec.slot}). */
export interface RequestSlot {
  /** Waits for a place; resolves to the function that gives it back, with the response's status (none for a failure without one). */
  acquire(signal: AbortSignal | undefined): Promise<(status: number | undefined) => void>;
}

/**
 * A request to a presigned URL (a File's `download_uri`, an upload part's `upload_uri`). It
 * goes through the same lifecycle as API requests (timeout, retries, abort, hooks, typed
 * errors), but the URL carries its own authorisation: no API key, session or cookie is sent,
 * and redirects are followed (there is nothing to leak). Hooks and log lines see the URL's
 * origin alone (`https://bucket.s3.amazonaws.com/[redacted]`: a signature may sit in its query
 * or a path segment), and its errors carry none of its path and query. A URL fetch would
 * refuse (unparsable, or with `user:password@`) fails with `NetworkError` code
 * `ERR_INVALID_URL` before anything is sent.
 */
export interface PresignedRequestSpec {
  method: HttpMethod;
  /** The presigned URL, used as given. */
  url: string;
  /** Headers the server asked for (an upload part's `headers`); auth headers are dropped. */
  headers?: Record<string, string>;
  /** The bytes to send (an upload part). */
  body?: Uint8Array;
  signal?: AbortSignal;
  /** Timeout in ms to the response headers, overriding the client's; `false` for none. */
  timeout?: number | false;
  /** Names the transfer in errors and hooks, e.g. `files.downloadStream reports/q1.csv`. */
  operation: string;
  /** A `fetch` for this transfer alone (default: the client's). */
  fetch?: typeof globalThis.fetch;
  /** See {@link RequestSpec.budget}. */
  budget?: RetryBudget;
}

/** A completed response: status, headers and the parsed JSON body (`undefined` when empty). */
export interface CoreResponse<B = unknown> {
  status: number;
  headers: Headers;
  body: B;
}

/** How {@link OpenResponse.readJson} reads a JSON body. */
export interface ReadJsonOptions {
  /** Largest body read, in bytes (default: the client's `maxPageBytes`). */
  maxBytes?: number;
  /**
   * Most elements the body's top-level array may hold (a list page's `per_page`): counted
   * while the body is cut into records, before any is parsed (see `core/json-body.ts`).
   */
  maxRecords?: number;
  /** The error past `maxRecords`, given the byte limit in force (default: `ResponseTooLargeError` with `limitRecords`). */
  tooManyRecords?: (limitBytes: number) => Error;
}

/** A response whose headers have arrived but whose body has not been read. */
export interface OpenResponse {
  status: number;
  headers: Headers;
  /**
   * Reads and parses the JSON body. Rejects with a typed error on a broken or invalid body,
   * and with `ResponseTooLargeError` past `maxBytes` (default: the client's `maxPageBytes`).
   */
  json(options?: ReadJsonOptions): Promise<unknown>;
  /**
   * As `json()`, with where each record's text is when the body is an array of objects; with
   * `maxRecords`, a top-level array longer than that rejects (`tooManyRecords()`) unparsed.
   */
  readJson(options?: ReadJsonOptions): Promise<ParsedJson>;
  /**
   * The body as a stream, for downloads: it errors with `TimeoutError` when a chunk stalls
   * longer than the request's timeout, with the signal's reason on abort, and with
   * `NetworkError` when the connection breaks.
   */
  stream(): ReadableStream<Uint8Array> | null;
  /** Releases the body without reading it. */
  discard(): void;
}

/** The request core: one instance per client. */
export interface RequestCore {
  /** Sends a request and resolves once its body has been read and parsed. */
  request<B = unknown>(spec: RequestSpec): Promise<CoreResponse<B>>;
  /** Sends a request and resolves as soon as the response headers arrive. */
  open(spec: RequestSpec): Promise<OpenResponse>;
  /** Sends a request to a presigned URL and resolves as soon as the response headers arrive. */
  openPresigned(spec: PresignedRequestSpec): Promise<OpenResponse>;
  /** A fresh retry budget under the client's policy, for a request made of several sends. */
  budget(request: RetriedRequest, signal?: AbortSignal, overrides?: Partial<RetryPolicy>): RetryBudget;
  /**
   * Reports the retry `budget` has just decided outside a send (a page whose body broke off,
   * fetched again; a download done again after its bytes failed a check): logged, and given
   * to the client's `beforeRetry` hook and the spec's `onRetry` as a send's own retries are.
   * `spec` is the request the retry starts with.
   */
  reportRetry(spec: RequestSpec, budget: RetryBudget, error: unknown): void;
}
