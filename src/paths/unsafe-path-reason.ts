import type { UnsafePathReason } from './unsafe-path-error.js';

const DRIVE_LETTER = /^[A-Za-z]:/;
const ONLY_DOTS_AND_SPACES = /^[.\s]+$/;

/**
 * Checks, without touching any file system, that a `/`-separated relative path is safe to
 * join onto a local folder: returns why it is not, or `undefined` when it is.
 *
 * Refused: an empty path or name (`a//b`, a trailing `/`, a name of only white space), NUL
 * bytes, backslashes, a leading `/`, a name starting with a drive letter (`C:`), and names
 * made only of dots and spaces (`.`, `..`, `...`, `.. `), which Windows trims to `.` or
 * `..` or to nothing. Dots inside or at the start of a name (`a..b.txt`, `.env`,
 * `..hidden`) are fine.
 */
export function unsafePathReason(relativePath: string): UnsafePathReason | undefined {
  if (relativePath === '') return 'empty';
  if (relativePath.includes('\0')) return 'nul-byte';
  if (relativePath.includes('\\')) return 'backslash';
  if (relativePath.startsWith('/')) return 'absolute';
  for (const name of relativePath.split('/')) {
    if (name.trim() === '') return 'empty';
    if (DRIVE_LETTER.test(name)) return 'drive-letter';
    if (ONLY_DOTS_AND_SPACES.test(name)) return 'dot-segment';
  }
  return undefined;
}
