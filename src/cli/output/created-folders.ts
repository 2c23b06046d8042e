import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Folders a command made on the way to a path, to take back if the command fails. */
export interface CreatedFolders {
  /** The folder asked for (absolute). */
  readonly path: string;
  /** The first (outermost) folder that did not exist and was made; `undefined` when none was. */
  readonly first: string | undefined;
  /**
   * Removes the folders that were made, innermost first, as long as each is empty (a folder
   * that holds anything, even a file another process put there, is left with its parents).
   * Never throws.
   */
  removeIfEmpty(): Promise<void>;
}

/**
 * Makes `path` and its missing parents (`mkdir -p`) and remembers which were made, so a
 * failed command leaves no empty folder behind (`removeIfEmpty`).
 *
 * @throws The file-system error of `mkdir` (`ENOTDIR`, `EEXIST` when a file is in the way, `EACCES`).
 */
export async function makeFolders(path: string): Promise<CreatedFolders> {
  const absolute = resolve(path);
  const first = await mkdir(absolute, { recursive: true });
  return {
    path: absolute,
    first,
    async removeIfEmpty() {
      if (first === undefined) return;
      for (let dir = absolute; ; dir = dirname(dir)) {
        try {
          await rmdir(dir);
        } catch {
          return; // not empty (or gone): it and its parents stay
        }
        if (dir === first || dirname(dir) === dir) return;
      }
    },
  };
}
