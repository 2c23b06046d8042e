// Node-only: joins server-supplied paths onto the local file system. Keep it out of the
// platform-neutral core's imports.
import type { Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

import { UnsafePathError } from '../../errors/client-errors.js';
import { unsafePathReason } from '../remote.js';

/**
 * Maps a server-supplied relative path (`/`-separated, as {@link relativeRemotePath}
 * returns it) to an absolute local path inside `localDir`, or refuses it.
 *
 * Refuses, before any file is touched, everything {@link unsafePathReason} refuses (`..`
 * and other dot-only names, absolute paths, backslashes, NUL bytes, drive letters, empty
 * names), and then anything that `path.resolve` would place outside `localDir`, or on
 * `localDir` itself. The check is lexical: it does not look at the disk, so it does not
 * see symbolic links already present under `localDir`; {@link makeFolderInside} and
 * {@link findSymlink} do.
 *
 * @throws {UnsafePathError} naming the path and the reason.
 * @example resolveInside('/data/export', 'Reports/Q1.csv') // '/data/export/Reports/Q1.csv'
 */
export function resolveInside(localDir: string, remoteRelative: string): string {
  const reason = unsafePathReason(remoteRelative);
  if (reason !== undefined) throw new UnsafePathError(remoteRelative, reason);
  const root = resolve(localDir);
  const target = resolve(root, ...remoteRelative.split('/'));
  const fromRoot = relative(root, target);
  if (
    fromRoot === '' ||
    fromRoot === '..' ||
    fromRoot.startsWith(`..${sep}`) ||
    isAbsolute(fromRoot)
  ) {
    throw new UnsafePathError(remoteRelative, 'outside');
  }
  return target;
}

/**
 * The first symbolic link (or Windows junction) on the way from `root` down to `path`:
 * each name below `root`, `path` itself included, is looked at with `lstat`, never
 * followed. Resolves to the link's absolute path, or `undefined` when there is none (a
 * name that does not exist yet ends the search: nothing below it exists either).
 *
 * `root` itself is not looked at: resolve it once with `realpath` (the user may have chosen
 * a link as the target folder). The answer holds only until something changes the disk:
 * call it right before the write it guards.
 *
 * @throws {UnsafePathError} with reason `outside` when `path` is not `root` or below it;
 * file-system errors other than `ENOENT`.
 * @example await findSymlink('/data/export', '/data/export/reports/2024') // '/data/export/reports' if that is a link
 */
export async function findSymlink(root: string, path: string): Promise<string | undefined> {
  let at = resolve(root);
  for (const name of namesBelow(at, path)) {
    at = join(at, name);
    const info = await lstatIfAny(at);
    if (info === undefined) return undefined;
    if (info.isSymbolicLink()) return at;
  }
  return undefined;
}

/**
 * Creates the folder `folder` below `root` (like `mkdir -p`), one name at a time, never
 * through a symbolic link: each name is looked at with `lstat` and created (non-recursive
 * `mkdir`) when missing. Stops at the first symbolic link (or Windows junction) on the way,
 * creating nothing below it, and resolves to that link's absolute path; resolves to
 * `undefined` once every name is a real folder. `root` must exist and is not looked at
 * (see {@link findSymlink}).
 *
 * @throws {UnsafePathError} with reason `outside` when `folder` is not `root` or below it;
 * an `ENOTDIR` error when a name on the way is a file; other file-system errors.
 * @example await makeFolderInside('/data/export', '/data/export/reports/2024') // undefined: made
 */
export async function makeFolderInside(root: string, folder: string): Promise<string | undefined> {
  let at = resolve(root);
  for (const name of namesBelow(at, folder)) {
    at = join(at, name);
    let info = await lstatIfAny(at);
    if (info === undefined) {
      await mkdir(at).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error; // made meanwhile: looked at below
      });
      info = await lstat(at);
    }
    if (info.isSymbolicLink()) return at;
    if (!info.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a folder, mkdir '${at}'`), { code: 'ENOTDIR', path: at });
  }
  return undefined;
}

/** The names of `path` below `root` (none for `root` itself). */
function namesBelow(root: string, path: string): string[] {
  const fromRoot = relative(root, resolve(path));
  if (fromRoot === '') return [];
  if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) throw new UnsafePathError(path, 'outside');
  return fromRoot.split(sep);
}

async function lstatIfAny(path: string): Promise<Stats | undefined> {
  return lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
}
