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
  /** The family of the error: from its `type`, else from the HTTP status (`undefined` for an unusual status). */
  readonly family: ErrorFamily | undefined;
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
    this.family = familyOf(details.type, details.status);
    this.type = details.type ?? this.family;
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
  const shown = d.type ?? familyOf(undefined, d.status);
  const type = shown ? ` (${shown})` : '';
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

/** The family of the statuses whose body names none. */
const familyByStatus: Readonly<Record<number, ErrorFamily>> = {
  400: 'bad-request',
  401: 'not-authenticated',
  403: 'not-authorized',
  404: 'not-found',
  409: 'processing-failure',
  422: 'processing-failure',
  429: 'rate-limited',
  502: 'service-unavailable',
  503: 'service-unavailable',
  504: 'service-unavailable',
};

/** The one derivation of an error's family: from its `type` when that names a known one, else from the HTTP status. */
export function familyOf(type: string | undefined, status: number): ErrorFamily | undefined {
  const named = type?.split('/', 1)[0];
  if (named !== undefined && Object.hasOwn(errorClassByFamily, named)) return named as ErrorFamily;
  return familyByStatus[status];
}

/** Builds the error of the right class (by family) for parsed details. */
export function createApiError(details: ApiErrorDetails): FilesApiError {
  const family = familyOf(details.type, details.status);
  const ErrorClass = family ? errorClassByFamily[family] : FilesApiError;
  return new ErrorClass(details);
}
