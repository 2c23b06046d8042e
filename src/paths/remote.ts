/**
 * Server paths relative to a local folder: the part of a remote path below a root, and the
 * lexical checks a server-supplied path must pass before it is joined onto a local folder.
 * Platform-neutral: the file-system half is `node/local.ts`.
 */
import { UnsafePathError, type UnsafePathReason } from '../errors/client-errors.js';
import { normalizePath, pathsEqual } from './normalize.js';

/**
 * The part of a Files.com path below `root`, in {@link normalizePath}'s form with the
 * remote spelling kept: `relativeRemotePath('/Reports', 'reports/2024/Q1.csv')` is
 * `'2024/Q1.csv'`. The root is matched name by name, the way Files.com compares paths
 * (case-insensitive, accents folded: see {@link pathsEqual}), so `a/b` is not a root of
 * `a/bc`. The root itself gives `''`; an empty root (`''` or `/`) contains every path.
 *
 * @throws {UnsafePathError} with reason `outside` when the path is not below `root`.
 */
export function relativeRemotePath(root: string, fullRemotePath: string): string {
  const rootNames = splitNames(root);
  const names = splitNames(fullRemotePath);
  const head = names.slice(0, rootNames.length).join('/');
  if (names.length < rootNames.length || !pathsEqual(head, rootNames.join('/'))) {
    throw new UnsafePathError(fullRemotePath, 'outside');
  }
  return names.slice(rootNames.length).join('/');
}

function splitNames(path: string): string[] {
  const normalized = normalizePath(path);
  return normalized === '' ? [] : normalized.split('/');
}

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

/**
 * The part of a server-supplied path below `root`, refusing anything a hostile or broken
 * listing could use to escape: the path exactly as the server sent it is checked first
 * (`..` and other dot-only names, a leading `/`, backslashes, NUL bytes, drive letters,
 * empty names), since {@link relativeRemotePath} would otherwise quietly normalise them
 * away; then it must lie below `root`. Join the result onto a local folder with
 * `resolveInside`, which checks it once more.
 *
 * @throws {UnsafePathError} naming the path as sent and the reason.
 * @example safeRelativePath('exports', 'exports/2024/q1.csv') // '2024/q1.csv'
 */
export function safeRelativePath(root: string, serverPath: unknown): string {
  if (typeof serverPath !== 'string') throw new UnsafePathError(String(serverPath), 'empty');
  const reason = unsafePathReason(serverPath);
  if (reason !== undefined) throw new UnsafePathError(serverPath, reason);
  const relative = relativeRemotePath(root, serverPath);
  if (relative === '') throw new UnsafePathError(serverPath, 'outside');
  return relative;
}
