import { FilesApiError } from '../../index.js';

/** The Files.com error type of listing a path that names a file: `bad-request/folder-must-not-be-a-file`. */
export const FOLDER_IS_A_FILE = 'bad-request/folder-must-not-be-a-file';

/** True when `err` says the path listed as a folder is a file (so `ls` shows it and `download` saves it). */
export function isFolderIsAFile(err: unknown): boolean {
  return err instanceof FilesApiError && err.type === FOLDER_IS_A_FILE;
}
