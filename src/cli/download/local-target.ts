import { stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { normalizePath } from '../../index.js';

/** What the local path of `download` named before the command ran. */
export type LocalKind = 'folder' | 'file' | 'missing';

/** What `path` is now: a folder (a link to one counts: the user named it), something else, or nothing. */
export async function localKind(path: string): Promise<LocalKind> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? 'missing' : info.isDirectory() ? 'folder' : 'file';
}

/**
 * Where `download <remote file> <local>` writes:
 * - into `local` when it is an existing folder, or is written with a trailing `/`;
 * - over `local` when it is an existing file;
 * - when `local` does not exist: at `local`, the file's new name, when its last name has an
 *   extension (`./dir/new-name.pdf`, `q1.csv`); else into `local`, a folder to make
 *   (`./dir`, `downloads`), as the folder argument of a tree download is.
 *
 * Into a folder, the file keeps its remote name as typed (`reports/Q1.pdf` gives `Q1.pdf`).
 * Missing parent folders are made by the caller.
 */
export function fileTarget(remote: string, local: string, kind: LocalKind): string {
  const intoFolder = kind === 'folder' || /[\\/]$/.test(local) || (kind === 'missing' && extname(basename(local)) === '');
  if (!intoFolder) return local;
  // normalizePath drops `.` and `..` names and empty segments: the last name is a plain file name.
  const name = basename(normalizePath(remote).split('/').pop() ?? '');
  return join(local, name);
}
