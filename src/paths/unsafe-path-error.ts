import { FilesError, type FilesErrorOptions } from '../errors/files-error.js';

/**
 * Why a path was refused:
 * - `dot-segment`: a name made only of dots (and spaces), such as `.`, `..` or `...`;
 * - `absolute`: the path starts with `/` (or `//host`);
 * - `backslash`: the path contains `\`, a separator on Windows;
 * - `nul-byte`: the path contains a NUL character;
 * - `outside`: the path would land outside the folder or root it must stay in;
 * - `empty`: the path, or one of its names, is empty or only white space;
 * - `drive-letter`: a name starts with a Windows drive (`C:`).
 */
export type UnsafePathReason =
  | 'dot-segment'
  | 'absolute'
  | 'backslash'
  | 'nul-byte'
  | 'outside'
  | 'empty'
  | 'drive-letter';

const EXPLANATIONS: Readonly<Record<UnsafePathReason, string>> = {
  'dot-segment': 'a name made only of dots',
  absolute: 'an absolute path',
  backslash: 'a backslash',
  'nul-byte': 'a NUL byte',
  outside: 'outside the allowed folder',
  empty: 'an empty name',
  'drive-letter': 'a Windows drive letter',
};

/**
 * A path, usually one the server supplied, was refused because using it could read or
 * write outside the intended folder (path traversal). Nothing was read or written.
 */
export class UnsafePathError extends FilesError {
  override name = 'UnsafePathError';
  /** The path as it was given. */
  readonly path: string;
  /** Why it was refused. */
  readonly reason: UnsafePathReason;

  constructor(path: string, reason: UnsafePathReason, options?: FilesErrorOptions) {
    super(`Unsafe path ${JSON.stringify(path)}: ${EXPLANATIONS[reason]}`, options);
    this.path = path;
    this.reason = reason;
  }
}
