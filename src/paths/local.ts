// Node-only: joins server-supplied paths onto the local file system. Keep it out of the
// platform-neutral core's imports.
import { isAbsolute, relative, resolve, sep } from 'node:path';

import { UnsafePathError } from './unsafe-path-error.js';
import { unsafePathReason } from './unsafe-path-reason.js';

export { relativeRemotePath } from './relative-remote-path.js';

/**
 * Maps a server-supplied relative path (`/`-separated, as {@link relativeRemotePath}
 * returns it) to an absolute local path inside `localDir`, or refuses it.
 *
 * Refuses, before any file is touched, everything {@link unsafePathReason} refuses (`..`
 * and other dot-only names, absolute paths, backslashes, NUL bytes, drive letters, empty
 * names), and then anything that `path.resolve` would place outside `localDir`, or on
 * `localDir` itself. The check is lexical: it does not follow symbolic links already
 * present under `localDir`.
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
