import { FilesError, type FilesErrorOptions } from './files-error.js';

/** A client option is missing or invalid. Names the option; never shows a secret. */
export class ConfigurationError extends FilesError {
  override name = 'ConfigurationError';
  /** The option at fault, e.g. `baseUrl`. */
  readonly option: string;
  constructor(option: string, message: string, options?: FilesErrorOptions) {
    super(`Invalid client option "${option}": ${message}`, options);
    this.option = option;
  }
}

/** A parameter of a call is missing or invalid. Thrown before anything is sent. */
export class InvalidParameterError extends FilesError {
  override name = 'InvalidParameterError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** The parameter at fault, e.g. `sort_by`. */
  readonly parameter: string;
  /** The accepted values, when there is a fixed set. */
  readonly validChoices: readonly string[] | undefined;
  constructor(
    operation: string,
    parameter: string,
    message: string,
    validChoices?: readonly string[],
    options?: FilesErrorOptions,
  ) {
    const choices = validChoices?.length ? ` (valid: ${validChoices.join(', ')})` : '';
    super(`${operation}: invalid parameter "${parameter}": ${message}${choices}`, options);
    this.operation = operation;
    this.parameter = parameter;
    this.validChoices = validChoices;
  }
}

/** A response did not match the operation's schema. Names the record index and field path. */
export class ResponseValidationError extends FilesError {
  override name = 'ResponseValidationError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** Index of the failing record in its page (`undefined` for a single-record response). */
  readonly index: number | undefined;
  /** Path of the failing field, e.g. `['site_id']`. */
  readonly path: readonly (string | number)[];
  /** What was wrong with it. */
  readonly issue: string;
  constructor(
    operation: string,
    index: number | undefined,
    path: readonly (string | number)[],
    issue: string,
    options?: FilesErrorOptions,
  ) {
    const where = index === undefined ? 'response' : `record ${index}`;
    const field = path.length ? ` field "${path.join('.')}"` : '';
    super(`${operation}: ${where}${field}: ${issue}`, options);
    this.operation = operation;
    this.index = index;
    this.path = path;
    this.issue = issue;
  }
}

/** Options of a {@link NetworkError}. */
export interface NetworkErrorOptions extends FilesErrorOptions {
  /** The system error code of the failure, e.g. `ECONNREFUSED`. */
  code?: string;
}

/**
 * The network failed (connection refused or reset, DNS, broken body). The message names the
 * cause code and the origin, e.g. `users.list: network error (ECONNREFUSED): connection
 * refused by https://example.files.com`.
 */
export class NetworkError extends FilesError {
  override name = 'NetworkError';
  /**
   * The system error code of the failure, when there is one: `ECONNREFUSED`, `ECONNRESET`,
   * `ENOTFOUND` (the host does not exist: not retried), `EAI_AGAIN` (temporary DNS failure),
   * `ETIMEDOUT`, undici's `UND_ERR_SOCKET` (the server closed the connection), ...
   */
  readonly code: string | undefined;
  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(message, options);
    this.code = options.code;
  }
}

/** What a {@link RedirectError} reports. */
export interface RedirectDetails {
  /** The redirect's HTTP status (301, 302, 303, 307, 308, ...); 0 when the platform hides it (a browser). */
  status: number;
  /** The origin (`scheme://host:port`) of the `Location` the API answered; `undefined` when there was none. */
  targetOrigin?: string;
  /** True when the target is on the origin the request was sent to. */
  sameOrigin?: boolean;
  /** The operation, e.g. `users.list`. */
  operation?: string;
}

/**
 * An API request was answered with a redirect. API requests never follow redirects, so the
 * API key or session never reaches another host: this error names the status and the target
 * origin (never its path or query). Usually `baseUrl` is not the site's URL: set it to
 * the URL the API redirects to. Not retried.
 */
export class RedirectError extends FilesError {
  override name = 'RedirectError';
  /** The redirect's HTTP status; 0 when the platform hides it (a browser's opaque redirect). */
  readonly status: number;
  /** The origin of the redirect's target, e.g. `https://mysite.files.com`; `undefined` when unknown. */
  readonly targetOrigin: string | undefined;
  /** The operation, e.g. `users.list`. */
  readonly operation: string | undefined;
  constructor(details: RedirectDetails, options?: FilesErrorOptions) {
    super(redirectMessage(details), options);
    this.status = details.status;
    this.targetOrigin = details.targetOrigin;
    this.operation = details.operation;
  }
}

function redirectMessage(d: RedirectDetails): string {
  const where = d.operation ? `${d.operation}: ` : '';
  const answered = d.status ? `the API answered ${d.status}` : 'the API answered a redirect';
  if (!d.targetOrigin) {
    return `${where}${answered} without a Location: API requests do not follow redirects; check baseUrl (the site's URL, e.g. https://mysite.files.com)`;
  }
  if (d.sameOrigin) {
    return `${where}${answered} to another path of ${d.targetOrigin}: API requests do not follow redirects; check baseUrl (the site's URL, without a path)`;
  }
  return `${where}${answered} to ${d.targetOrigin}: set baseUrl to that site's URL`;
}

/** A request took longer than its timeout. */
export class TimeoutError extends FilesError {
  override name = 'TimeoutError';
  /** The timeout that elapsed, in ms. */
  readonly timeoutMs: number | undefined;
  constructor(message: string, timeoutMs?: number, options?: FilesErrorOptions) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}

/** Why a listing was stopped by a guard. */
export type PaginationErrorReason = 'cursor-loop' | 'max-items' | 'max-pages';

/** A listing was stopped by a guard: a cursor seen twice, or `maxItems` / `maxPages` exceeded. */
export class PaginationError extends FilesError {
  override name = 'PaginationError';
  readonly reason: PaginationErrorReason;
  constructor(reason: PaginationErrorReason, message: string, options?: FilesErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/**
 * A response body was larger than the client accepts (`maxPageBytes`): reading stopped at
 * the limit instead of buffering whatever a broken or hostile server sends. Mid-listing it
 * carries `resumeCursor`; raise `maxPageBytes` (or lower `per_page`) if the records are
 * legitimately that large.
 */
export class ResponseTooLargeError extends FilesError {
  override name = 'ResponseTooLargeError';
  /** The operation, e.g. `users.list`. */
  readonly operation: string;
  /** The limit that was reached, in bytes. */
  readonly limitBytes: number;
  constructor(operation: string, limitBytes: number, options?: FilesErrorOptions) {
    super(`${operation}: response body larger than maxPageBytes (${limitBytes} bytes); raise maxPageBytes or lower per_page if the records are legitimately this large`, options);
    this.operation = operation;
    this.limitBytes = limitBytes;
  }
}
