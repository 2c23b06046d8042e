import { requireNode } from '../core/platform.js';
import { FilesError } from '../errors/files-error.js';
import type { File } from '../generated/models/file.js';
import type { Paginated } from '../pagination/paginated.js';
import type { DownloadToFileOptions, DownloadToFileResult } from '../download/download.js';
import type { WalkOptions } from '../walk/walk.js';

/** When a local file that already exists is downloaded again. */
export type OverwritePolicy = 'if-changed' | 'always' | 'never';

/** One file or folder that could not be downloaded, and why. */
export interface TreeError {
  /** The remote path as the server sent it. */
  path: string;
  /**
   * `UnsafePathError` for a refused entry (its `reason` says why: a traversal, a `symlink`
   * inside the target, a `case-twin`); the download's typed error otherwise (a `FilesError`:
   * `NotFoundError`, `IntegrityError`, `NetworkError`...), or the local file system's `Error`
   * (with its `code`: `EACCES`, `ENOSPC`...).
   */
  error: FilesError | Error;
}

/**
 * What a tree's `errors` holds for whatever a failed entry threw: the error itself, or for a
 * throw of something that is no `Error`, a `FilesError` saying what it was (as its `cause`).
 */
export function treeErrorOf(error: unknown): FilesError | Error {
  return error instanceof Error ? error : new FilesError(`failed: ${String(error)}`, { cause: error });
}

/** Counts of a tree download so far. */
export interface DownloadTreeCounts {
  /** Files written. */
  downloaded: number;
  /** Files left alone (already present and unchanged, or `overwrite: 'never'`). */
  skipped: number;
  /**
   * Files and folders never written because their server path was unsafe, a symbolic link
   * inside the target was on their way, or another entry named the same path (a case twin).
   */
  refused: number;
  /** Files and folders that failed (after retries). */
  failed: number;
  /** Bytes written. */
  bytes: number;
}

/** What `downloadTree` resolves to. */
export interface DownloadTreeResult extends DownloadTreeCounts {
  /** Every refused or failed entry. */
  errors: TreeError[];
}

/** A progress report, after each file or refused entry. */
export interface DownloadTreeProgress extends DownloadTreeCounts {
  /** The remote path the report is about. */
  path: string;
  /** What happened to it. */
  outcome: 'downloaded' | 'skipped' | 'refused' | 'failed';
}

/** Options of {@link downloadTree}. */
export interface DownloadTreeOptions {
  /** Files downloaded at once. Default 4. */
  concurrency?: number;
  /** When an existing local file is replaced. Default `'if-changed'`: unless it has the remote size and modification time. */
  overwrite?: OverwritePolicy;
  /** Stops the walk and the downloads; `downloadTree` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each file (or refused entry). */
  onProgress?: (progress: DownloadTreeProgress) => void;
  /** Retries of a file whose download failed in a way a retry can fix (network, timeout, integrity, 5xx). Default 2. */
  retries?: number;
  /** Options of the walk (folder listings in flight, depth, filter, pruning, page size). Default concurrency 2. */
  walk?: Omit<WalkOptions, 'signal' | 'type'>;
  /** Options of each file download (checksums, fsync, timeout, fetch). */
  download?: Omit<DownloadToFileOptions, 'signal' | 'onProgress'>;
}

/**
 * What `downloadTree` needs of a client: `client.folders.walk` and `client.files.downloadToFile`.
 * With a client of this library, `downloadToFile` repeats the symbolic-link checks right
 * before it writes; another implementation gets only the checks `downloadTree` makes
 * before calling it.
 */
export interface TreeClient {
  readonly files: {
    /** Downloads one file to a local path (the client's `files.downloadToFile`). */
    downloadToFile(path: string, dest: string, options?: DownloadToFileOptions): Promise<DownloadToFileResult>;
  };
  readonly folders: {
    /** Lists a folder tree (the client's `folders.walk`). */
    walk(path: string, options?: WalkOptions): Paginated<File>;
  };
}

/**
 * Downloads every file below `remotePath` into `localDir` (Node only: the file-system code
 * loads with a dynamic `import()` on first use). A remote `remotePath/x/y.txt` lands at
 * `localDir/x/y.txt`; folders are created, empty ones too.
 *
 * The walk streams into downloads with bounded concurrency: nothing is listed far ahead
 * of the downloads. Each server path is checked before anything is written (see
 * `safeRelativePath` and `resolveInside`): a path that is absolute, holds `..`, a
 * backslash, a NUL byte or a drive letter, or lies outside `remotePath` or `localDir`, is
 * refused, counted in `refused` and reported in `errors` with its `UnsafePathError`.
 *
 * Symbolic links: `localDir` itself may be a link (or lie below one): it is resolved once,
 * at the start. Below it, no link is ever followed. An entry with a link (or a Windows
 * junction) on its way, wherever the link points, inside `localDir` too, is refused
 * (reason `symlink`, the error's `link` names it), before any request for it; so is
 * everything below that link. Folders are made one name at a time, each checked with
 * `lstat`; the check is made again right before the temporary file is created, and right
 * before it is renamed into place; the sweep of stale temporary files never looks inside a link.
 * A link at a file's own place is not followed either: it is replaced by the downloaded
 * file (with `overwrite: 'never'` it is left alone, as any existing file is).
 *
 * Case twins and duplicates: Files.com compares paths ignoring case, accents and Unicode
 * form (see `toComparable`), so a listing that names one path twice (a page the server
 * repeats, or two spellings: `A/x.csv`, `a/X.csv`) is broken or hostile. `client.folders.walk`
 * yields each such path once (the first entry wins: see `walk`), so each file is
 * downloaded and counted once, and a later spelling is neither refused nor reported. Should
 * the walk still yield one (another `TreeClient`'s walk, or an entry below a file, like
 * `f.txt` then `F.TXT/y`), the first spelling is written; later ones of a file (or a file
 * and a folder at one path) are refused (reason `case-twin`); later spellings of a folder
 * are that same local folder, so `a/y.csv` lands in `A/`; the same entry listed twice is
 * downloaded and counted once. The result is the same on every disk, whether it folds case
 * or not.
 *
 * What remains: the checks and the writes are separate system calls on paths (Node has no
 * `openat`), so a local process that can write inside `localDir` and swaps a folder for a
 * link in the microseconds between a check and the write it guards can still redirect
 * that one write. Do not download into a folder that other users can write to.
 *
 * Each file is written to a temporary file and renamed into place with the remote
 * modification time, so a run that is interrupted (crash, abort) leaves only complete
 * files, and the next run with `overwrite: 'if-changed'` skips them and resumes.
 * Temporary files are named `.<name>.files-stream-<pid>-<random><check>.download`. Once a
 * run has listed the whole tree and its downloads have settled, it removes, in the folders
 * it made or found, the temporary files a killed earlier run left: only regular files whose
 * name carries a valid check (a user's `.notes.txt.abcdefabcdef.download` is never
 * touched), whose process has ended, and that no entry of the listing names (a remote file
 * of that shape is downloaded once and then skipped like any other).
 *
 * @returns The counts, and the refused and failed entries.
 * @throws The signal's reason on abort (after the running downloads have cleaned up), or
 * the error of a folder listing (the tree cannot be known without it).
 */
export async function downloadTree(
  client: TreeClient,
  remotePath: string,
  localDir: string,
  options: DownloadTreeOptions = {},
): Promise<DownloadTreeResult> {
  requireNode('downloadTree');
  const { runTreeDownload } = await import('./node/tree-download.js');
  return runTreeDownload(client, remotePath, localDir, options);
}
