import { FilesApiError, NotFoundError } from '../../index.js';

/** The Files.com error type of listing a path that names a file: `bad-request/folder-must-not-be-a-file`. */
export const FOLDER_IS_A_FILE = 'bad-request/folder-must-not-be-a-file';

/** True when `err` says the path listed as a folder is a file (so `ls` shows it and `download` saves it). */
export function isFolderIsAFile(err: unknown): boolean {
  return err instanceof FilesApiError && err.type === FOLDER_IS_A_FILE;
}

/**
 * What `ls` and `download` throw when the path they were given does not exist. They list it as
 * a folder first (a file's listing is refused, see {@link isFolderIsAFile}), so the server's
 * 404 speaks of a folder (the emulator: `Folder docs/a.pdf not found.`), though the path may
 * have been meant as a file: this one says there is neither, with the same type (and class),
 * and the server's error as its `cause`.
 *
 * @param err The 404 of the path's own listing (not of a folder below it).
 * @param what The command and the path, e.g. `download docs/a.pdf`.
 */
export function noSuchPath(err: NotFoundError, what: string): NotFoundError {
  return new NotFoundError({ status: err.status, type: err.type, operation: what, error: 'no file or folder at this path' }, { cause: err });
}
