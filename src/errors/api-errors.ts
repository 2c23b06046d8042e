import type { ErrorFamily, KnownErrorType } from '../generated/error-types.js';
import { FilesError, type FilesErrorOptions } from './files-error.js';

/** A Files.com error type: one of the documented ones, or any other string the server sends. */
export type FilesErrorType = KnownErrorType | ErrorFamily | (string & {});

/** The fields of a Files.com error response, as parsed from its body. */
export interface ApiErrorDetails {
  /** HTTP status code. */
  status: number;
  /** `family/name` (e.g. `not-found/file-not-found`) or just the family. */
  type?: FilesErrorType;
  title?: string;
  detail?: string;
  instance?: string;
  /** The server's `error` message. */
  error?: string;
  /** The server's `errors` list. */
  errors?: unknown;
  /** Per-field validation messages (`model-errors`). */
  modelErrors?: Record<string, unknown>;
  /** Extra data the server attached (`data`). */
  data?: unknown;
  /** Name of the operation that failed, e.g. `users.find`. */
  operation?: string;
  /** The `Retry-After` delay in seconds, when the server sent a usable one. */
  retryAfter?: number;
}

/** An HTTP error answered by the Files.com API (or a proxy in front of it). */
export class FilesApiError extends FilesError {
  override name = 'FilesApiError';
  /** HTTP status code. */
  readonly status: number;
  /** Error type (`family/name` or family); typed as the union of documented types. */
  readonly type: FilesErrorType | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly errors: unknown;
  readonly modelErrors: Record<string, unknown> | undefined;
  readonly data: unknown;
  readonly operation: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(details: ApiErrorDetails, options: FilesErrorOptions = {}) {
    super(apiErrorMessage(details), options);
    this.status = details.status;
    this.type = details.type;
    this.title = details.title;
    this.detail = details.detail;
    this.instance = details.instance;
    this.errors = details.errors;
    this.modelErrors = details.modelErrors;
    this.data = details.data;
    this.operation = details.operation;
    this.retryAfter = details.retryAfter;
  }
}

function apiErrorMessage(d: ApiErrorDetails): string {
  const where = d.operation ? `${d.operation}: ` : '';
  const what = d.error ?? d.detail ?? d.title ?? 'request failed';
  const type = d.type ? ` (${d.type})` : '';
  return `${where}HTTP ${d.status}${type}: ${what}`;
}

/** `bad-request/*`: the request was malformed or refused as invalid. */
export class BadRequestError extends FilesApiError {
  override name = 'BadRequestError';
}
/** `not-authenticated/*`: missing, wrong or expired API key or session. */
export class NotAuthenticatedError extends FilesApiError {
  override name = 'NotAuthenticatedError';
}
/** `not-authorized/*`: authenticated but not allowed. */
export class NotAuthorizedError extends FilesApiError {
  override name = 'NotAuthorizedError';
}
/** `not-found/*`: the record, path or route does not exist. */
export class NotFoundError extends FilesApiError {
  override name = 'NotFoundError';
}
/** `processing-failure/*`: the server could not do what was asked. */
export class ProcessingFailureError extends FilesApiError {
  override name = 'ProcessingFailureError';
}
/** `rate-limited/*`: too many requests; see `retryAfter`. */
export class RateLimitedError extends FilesApiError {
  override name = 'RateLimitedError';
}
/** `service-unavailable/*`: the service (or a proxy) is down or overloaded. */
export class ServiceUnavailableError extends FilesApiError {
  override name = 'ServiceUnavailableError';
}
/** `site-configuration/*`: the site's configuration forbids the request. */
export class SiteConfigurationError extends FilesApiError {
  override name = 'SiteConfigurationError';
}

/** The error class for each family. */
export const errorClassByFamily: Record<ErrorFamily, typeof FilesApiError> = {
  'bad-request': BadRequestError,
  'not-authenticated': NotAuthenticatedError,
  'not-authorized': NotAuthorizedError,
  'not-found': NotFoundError,
  'processing-failure': ProcessingFailureError,
  'rate-limited': RateLimitedError,
  'service-unavailable': ServiceUnavailableError,
  'site-configuration': SiteConfigurationError,
};
