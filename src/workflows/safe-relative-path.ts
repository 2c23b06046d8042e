import { relativeRemotePath } from '../paths/relative-remote-path.js';
import { UnsafePathError } from '../paths/unsafe-path-error.js';
import { unsafePathReason } from '../paths/unsafe-path-reason.js';

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
