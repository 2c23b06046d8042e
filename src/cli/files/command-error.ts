import { FilesApiError } from '../../index.js';

/**
 * A file command could not do what was asked, for a reason it can name with what to do
 * (`rm: docs is a folder that is not empty ...: pass -r ...`). The CLI prints the message
 * and exits with status 1. The API error it stands for, if any, is its `cause`.
 */
export class FileCommandError extends Error {
  override name = 'FileCommandError';
}

/** The Files.com error type of `err` (`processing-failure/folder-not-empty`) when it is an API error. */
export function apiErrorType(err: unknown): string | undefined {
  return err instanceof FilesApiError ? err.type : undefined;
}
