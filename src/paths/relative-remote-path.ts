import { normalizePath, pathsEqual } from './normalize.js';
import { UnsafePathError } from './unsafe-path-error.js';

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
