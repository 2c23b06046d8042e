import type { ErrorFamily, KnownErrorType } from '../../generated/error-types.js';
import { jsonReply, type Reply } from './reply.js';

/** An error `type` the emulator may send: a documented `family/name`, or a bare family. */
export type EmulatorErrorType = KnownErrorType | ErrorFamily;

/**
 * Thrown by route handlers; the pipeline turns it into a Files.com error body
 * `{ error, http-code, instance, title, type }`.
 */
export class EmulatorApiError extends Error {
  /** HTTP status to answer with. */
  readonly status: number;
  /** Files.com error type. */
  readonly type: EmulatorErrorType;
  /** Extra headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  constructor(status: number, type: EmulatorErrorType, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'EmulatorApiError';
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

/** Throws an {@link EmulatorApiError}. */
export function fail(status: number, type: EmulatorErrorType, message: string): never {
  throw new EmulatorApiError(status, type, message);
}

/** `Not Found` style title from a type: `not-found/user-not-found` → `User Not Found`. */
export function titleOf(type: string): string {
  const name = type.includes('/') ? type.slice(type.indexOf('/') + 1) : type;
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** The Files.com error body for a status, type and message. */
export function errorBody(status: number, type: string, message: string, instance: string): Record<string, unknown> {
  return { error: message, 'http-code': status, instance, title: titleOf(type), type };
}

/** A reply carrying a Files.com error body. */
export function errorReply(error: EmulatorApiError, instance: string): Reply {
  return jsonReply(error.status, errorBody(error.status, error.type, error.message, instance), error.headers);
}
