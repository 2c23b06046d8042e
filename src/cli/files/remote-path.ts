import { endsInWhiteSpace, normalizePath } from '../../index.js';
import { UsageError } from '../errors/usage-error.js';

/** What a remote path argument of a file command may name. */
export interface RemotePathRules {
  /**
   * The path names a folder to create (`mkdir`): its own name is checked for trailing white
   * space too. Default: only the folder names above the last one (the last may be a file's).
   */
  readonly folder?: boolean;
  /** The root folder (`/`, or a path that normalises to nothing) is accepted. Default: refused. */
  readonly root?: boolean;
}

/**
 * A remote path typed on the command line, in the form the file commands send:
 * `normalizePath`'s (`\` read as `/`; empty, `.` and `..` names dropped; no leading or
 * trailing slash), `/` for the root. Checked before any request, as usage errors (exit 2):
 * an empty argument, the root unless `rules.root`, and a folder name ending in white space,
 * which Files.com refuses (`bad-request/path-cannot-have-trailing-whitespace`) rather than
 * trims, so such a folder cannot exist.
 *
 * @param command The command's name, for the messages (`rm`).
 * @throws UsageError naming the argument and what is wrong with it.
 */
export function remotePath(command: string, arg: string, rules: RemotePathRules = {}): string {
  if (arg === '') throw new UsageError(`${command}: a remote path is empty`);
  const path = normalizePath(arg);
  if (path === '') {
    if (rules.root) return '/';
    throw new UsageError(`${command}: "${arg}" is the root folder: name a file or folder below it`);
  }
  const names = path.split('/');
  if (!rules.folder) names.pop();
  const bad = names.find(endsInWhiteSpace);
  if (bad !== undefined) {
    throw new UsageError(`${command}: ${JSON.stringify(arg)}: the folder name ${JSON.stringify(bad)} ends in white space, which Files.com refuses: remove it`);
  }
  return path;
}

/** The last name of a normalised remote path (`b.txt` of `a/b.txt`). */
export function lastName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
