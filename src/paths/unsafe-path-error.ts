import { FilesError, type FilesErrorOptions } from '../errors/files-error.js';

/**
 * Why a path was refused:
 * - `dot-segment`: a name made only of dots (and spaces), such as `.`, `..` or `...`;
 * - `absolute`: the path starts with `/` (or `//host`);
 * - `backslash`: the path contains `\`, a separator on Windows;
 * - `nul-byte`: the path contains a NUL character;
 * - `outside`: the path would land outside the folder or root it must stay in;
 * - `empty`: the path, or one of its names, is empty or only white space;
 * - `drive-letter`: a name starts with a Windows drive (`C:`);
 * - `symlink`: a folder on the way, below the target folder, is a symbolic link (or a
 *   Windows junction), so writing there could land anywhere: see {@link UnsafePathError.link};
 * - `case-twin`: an earlier entry of the same listing names the same Files.com path (the
 *   names differ only in case, accents or Unicode form), or a file where this is a folder.
 */
export type UnsafePathReason =
  | 'dot-segment'
  | 'absolute'
  | 'backslash'
  | 'nul-byte'
  | 'outside'
  | 'empty'
  | 'drive-letter'
  | 'symlink'
  | 'case-twin';

const EXPLANATIONS: Readonly<Record<UnsafePathReason, string>> = {
  'dot-segment': 'a name made only of dots',
  absolute: 'an absolute path',
  backslash: 'a backslash',
  'nul-byte': 'a NUL byte',
  outside: 'outside the allowed folder',
  empty: 'an empty name',
  'drive-letter': 'a Windows drive letter',
  symlink: 'a symbolic link inside the target folder',
  'case-twin': 'the same Files.com path as an earlier entry of the listing (the names differ only in case, accents or Unicode form)',
};

/** Options of {@link UnsafePathError}. */
export interface UnsafePathErrorOptions extends FilesErrorOptions {
  /** For reason `symlink`: the local symbolic link found on the way. */
  link?: string;
}

/**
 * A path, usually one the server supplied, was refused because using it could read or
 * write outside the intended folder (path traversal, a symbolic link), or write one local
 * file twice (a case twin). Nothing is left written for it.
 */
export class UnsafePathError extends FilesError {
  override name = 'UnsafePathError';
  /** The path as it was given. */
  readonly path: string;
  /** Why it was refused. */
  readonly reason: UnsafePathReason;
  /** For reason `symlink`: the local symbolic link found on the way (an absolute path). */
  readonly link?: string;

  constructor(path: string, reason: UnsafePathReason, options: UnsafePathErrorOptions = {}) {
    const where = options.link === undefined ? '' : ` (${options.link})`;
    super(`Unsafe path ${JSON.stringify(path)}: ${EXPLANATIONS[reason]}${where}`, options);
    this.path = path;
    this.reason = reason;
    if (options.link !== undefined) this.link = options.link;
  }
}
