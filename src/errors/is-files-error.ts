import type { FilesErrorType } from './api-errors.js';
import { FilesApiError } from './api-errors.js';
import { FilesError } from './files-error.js';

/**
 * True when `err` is a files-stream error; with `type`, only when it is a `FilesApiError`
 * of that exact type (`not-found/file-not-found`) or family (`not-found`).
 */
export function isFilesError(err: unknown): err is FilesError;
export function isFilesError(err: unknown, type: FilesErrorType): err is FilesApiError;
export function isFilesError(err: unknown, type?: FilesErrorType): boolean {
  if (!(err instanceof FilesError)) return false;
  if (type === undefined) return true;
  if (!(err instanceof FilesApiError)) return false;
  return err.type === type || err.family === type;
}
