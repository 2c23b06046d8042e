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

/** The network failed (connection refused or reset, DNS, broken body). */
export class NetworkError extends FilesError {
  override name = 'NetworkError';
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
