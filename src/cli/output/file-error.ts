import { stat } from 'node:fs/promises';

/** What a file-system error code means, in the words of `strerror`. */
const REASONS: Readonly<Record<string, string>> = {
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in system',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
};

/**
 * A local file could not be written (`--out`, a download's destination): the message names
 * the option, the path and the reason, `cannot write --out /data/users.csv: no space left on
 * device (ENOSPC)`, or for a file in the way `cannot write --out a.txt/users.csv: a.txt is a
 * file, not a directory (ENOTDIR)`. The CLI exits with status 1.
 */
export class LocalFileError extends Error {
  override name = 'LocalFileError';
  /** The file-system error code (`ENOSPC`, `ENOTDIR`, ...). */
  readonly code: string;

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True for an error of the file system (it has a string `code` such as `ENOSPC` and a `syscall`). */
export function isFileSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/**
 * `err` as a {@link LocalFileError} naming `what` (`--out`) and `path` when it is a file-system
 * error; any other error is returned as it is. For `ENOTDIR` (and `EEXIST` from making a
 * folder where a file is), the file in the way is named.
 */
export async function describeFileError(err: unknown, what: string, path: string): Promise<unknown> {
  if (!isFileSystemError(err) || err instanceof LocalFileError) return err;
  const code = err.code === 'EEXIST' && err.syscall === 'mkdir' ? 'ENOTDIR' : err.code;
  const reason = REASONS[code] ?? err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  const blocker = code === 'ENOTDIR' ? await fileInTheWay(path) : undefined;
  const why = blocker ? `${blocker} is a file, ${reason}` : reason;
  return new LocalFileError(`cannot write ${what} ${path}: ${why} (${code})`, code, { cause: err });
}

/** Runs `fn`; a file-system error it throws becomes a {@link LocalFileError} naming `what` and `path`. */
export async function namingPath<T>(what: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw await describeFileError(err, what, path);
  }
}

/** The first folder on `path`'s way that is not a folder (a file), spelled as in `path`; `undefined` when none is. */
async function fileInTheWay(path: string): Promise<string | undefined> {
  for (const match of path.matchAll(process.platform === 'win32' ? /[\\/]+/g : /\/+/g)) {
    if (match.index === 0) continue;
    const prefix = path.slice(0, match.index);
    const info = await stat(prefix).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isDirectory()) return prefix;
  }
  return undefined;
}
