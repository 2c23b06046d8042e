import { requireNode } from '../core/platform.js';
import type { RequestCore } from '../core/types.js';
import type { UnsafePathReason } from '../errors/client-errors.js';
import type { File } from '../generated/models/file.js';
import type { FoldersNamespace } from '../generated/resources/folders.js';
import { endsInWhiteSpace, toComparable } from '../paths/normalize.js';
import type { UploadOptions } from '../upload/upload.js';
import type { UploadSource } from '../upload/source.js';
import type { TreeError } from './download-tree.js';

/** One local file or folder that was not uploaded (refused or failed), and why. */
export interface UploadTreeError extends TreeError {
  /** The local path (absolute, below the real path of `localDir`). */
  localPath: string;
}

/** A local entry that is never uploaded, and is no failure: a symbolic link or a special file. */
export interface UploadTreeIgnored {
  /** The remote path it would have had. */
  path: string;
  /** The local path. */
  localPath: string;
  /** `symlink`: symbolic links are never followed; `special`: a FIFO, socket or device, not a regular file. */
  reason: 'symlink' | 'special';
}

/** Counts of a tree upload so far. */
export interface UploadTreeCounts {
  /** Files uploaded (with `dryRun`: that would be uploaded). */
  uploaded: number;
  /** Files left alone: already on Files.com with the same size and mtime (or checksum). */
  skipped: number;
  /**
   * Files and folders never sent because Files.com would refuse or merge their name: a
   * name ending in white space or holding a backslash, a reserved path, a case twin.
   */
  refused: number;
  /** Files and folders that failed (after retries). */
  failed: number;
  /** Symbolic links and special files, never uploaded (see {@link UploadTreeResult.ignoredEntries}). */
  ignored: number;
  /** Remote folders created (with `dryRun`: that would be created). */
  folders: number;
  /** Bytes of the files uploaded (with `dryRun`: that would be uploaded). */
  bytes: number;
}

/** What `uploadTree` resolves to. */
export interface UploadTreeResult extends UploadTreeCounts {
  /** Every refused and failed entry, in the order they happened. */
  errors: UploadTreeError[];
  /** Every symbolic link and special file left out. */
  ignoredEntries: UploadTreeIgnored[];
  /** True when nothing was sent (`dryRun`): the counts say what would have been done. */
  dryRun: boolean;
}

/** What a progress report is about. */
export type UploadTreeOutcome =
  /** A file was uploaded (with `dryRun`: would be). */
  | 'uploaded'
  /** A file was already there, unchanged. */
  | 'skipped'
  | 'refused'
  | 'failed'
  /** A symbolic link or special file was left out. */
  | 'ignored'
  /** A remote folder was created (with `dryRun`: would be). */
  | 'folder'
  /** The server accepted a part of a file still in flight (`sentBytes` grew). */
  | 'sending';

/** A progress report: after each file, folder or left-out entry, and after each part sent. */
export interface UploadTreeProgress extends UploadTreeCounts {
  /** The remote path the report is about. */
  path: string;
  /** Its local path. */
  localPath: string;
  outcome: UploadTreeOutcome;
  /** Bytes the server has accepted so far, parts of files still in flight (and of files that failed later) included. */
  sentBytes: number;
  /**
   * Bytes of the files done (uploaded, skipped or failed) plus those accepted of the files in
   * flight: against `found.bytes`, how far the run is (a display's ETA).
   */
  doneBytes: number;
  /**
   * The regular files found below `localDir` so far, and their bytes; `complete` once the
   * whole local tree has been read (then a display can show a total and an ETA).
   */
  found: { files: number; bytes: number; complete: boolean };
}

/** Options of {@link uploadTree}. */
export interface UploadTreeOptions {
  /** Files uploaded at once. Default 4. */
  concurrency?: number;
  /**
   * Compare checksums instead of modification times: a file whose size matches the remote
   * one is read once to compute its MD5 (or CRC32, when Files.com reports only that) and
   * skipped when it matches. Default `false`: size and modification time (to the second).
   */
  checksum?: boolean;
  /** List what would be done: the remote folders are listed, nothing is created or sent. Default `false`. */
  dryRun?: boolean;
  /** Stops the walk and the uploads (none is completed after it); `uploadTree` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each file, folder or left-out entry, and after each part the server accepted. */
  onProgress?: (progress: UploadTreeProgress) => void;
  /**
   * Uploads of a whole file again after a failure a retry can fix (network, timeout, 5xx, a
   * checksum the server reports that differs from the bytes sent), with the client's
   * backoff. Default 2. (Each part and the completing request are retried within an upload too.)
   */
  retries?: number;
  /** Remote folder listings in flight at once (each folder of the local tree is listed once, unless known to be missing). Default 2. */
  listConcurrency?: number;
  /** `per_page` of those listings. Default: the client's `perPage`, else the server's. */
  perPage?: number;
  /**
   * Options of each file's upload (part concurrency, timeouts, fetch, part retries). Default
   * part concurrency: 3 for one or two files at once, fewer with more (`floor(8 / concurrency)`,
   * at least 1), so about max(8, `concurrency`) parts are in memory at once across the tree.
   */
  upload?: Omit<UploadOptions, 'signal' | 'onProgress' | 'mkdir_parents' | 'provided_mtime'>;
}

/**
 * What `uploadTree` needs of a client: `files.upload`, `folders.listFor` and
 * `folders.create`; with `core` (every client of this library has it), a file whose upload
 * failed in a way a retry can fix is uploaded again (`retries`).
 */
export interface UploadTreeClient {
  readonly files: {
    /** Uploads one file (the client's `files.upload`). */
    upload(path: string, source: UploadSource, options?: UploadOptions): Promise<File>;
  };
  readonly folders: Pick<FoldersNamespace, 'listFor' | 'create'>;
  readonly core?: Pick<RequestCore, 'budget' | 'reportRetry'>;
}

/** The root names below `_/` that Files.com reads as a remote server, a snapshot or a child site. */
const RESERVED_ROOTS: ReadonlySet<string> = new Set(['remoteservers', 'snapshots', 'sites']);

/**
 * Why Files.com would refuse a local file or folder name as one name of a remote path, or
 * `undefined` when it takes it: a name ending in white space (Files.com refuses it in a
 * folder, and folds it away when it compares paths, so `a.txt ` would be `a.txt`), or one
 * holding a backslash (Files.com reads `\` as a separator). A NUL byte, `.` and `..` never
 * come from a local folder listing.
 *
 * @example uploadNameRefusal('report.csv ') // 'trailing-whitespace'
 */
export function uploadNameRefusal(name: string): UnsafePathReason | undefined {
  if (name.includes('\\')) return 'backslash';
  if (endsInWhiteSpace(name)) return 'trailing-whitespace';
  if (name.includes('\0')) return 'nul-byte';
  return undefined;
}

/**
 * True when a path (in `normalizePath`'s form) lies below `_/RemoteServers`, `_/Snapshots`
 * or `_/Sites` at the root (names compared as Files.com compares them), which Files.com
 * reads as a remote server, a snapshot or a child site, not as folders of the site.
 *
 * @example isReservedPath('_/snapshots/1/a.txt') // true
 */
export function isReservedPath(path: string): boolean {
  const names = toComparable(path).split('/');
  return names.length >= 2 && names[0] === '_' && RESERVED_ROOTS.has(names[1]!);
}

/**
 * Uploads every file below the local folder `localDir` into the remote folder `remoteDir`
 * (Node only: the file-system code loads with a dynamic `import()` on first use). A local
 * `localDir/x/y.txt` lands at `remoteDir/x/y.txt`; the remote folders are created, empty
 * ones too, `remoteDir` itself when missing.
 *
 * The local tree is read folder by folder and each folder's remote listing is read once
 * (`folders.listFor`, never for a folder this run found missing or created), then its files
 * go to uploads with bounded concurrency (`concurrency`) through `client.files.upload`,
 * each with `provided_mtime` set to the local modification time. Memory holds the folders
 * being compared and up to 10,000 files waiting for an upload slot, not the tree; the parts
 * in flight are about max(8, `concurrency`) across the tree (see `upload`), whatever the
 * files' sizes.
 *
 * Skipped: a file Files.com already has at that path with the same size and modification
 * time (its `provided_mtime`, else its `mtime`; to the second, as Files.com keeps it), so
 * a rerun uploads only what is missing or changed. With `checksum`, the same size and MD5
 * (or CRC32 when only that is reported) instead: only a file whose size matches is read to
 * compute it, once, before deciding (a remote file without either checksum is compared by
 * modification time).
 *
 * Checksums while reading: each upload computes the MD5 and CRC32 of the bytes as it reads
 * and sends them (no second pass over the file), and when the record Files.com answers at
 * the end carries `md5` or `crc32`, it must match (else `IntegrityError`, and the file is
 * uploaded again up to `retries` times). A local file that changes while it is uploaded is
 * never completed (`LocalFileChangedError`; not retried: the next run sends it as it is).
 *
 * Atomic: Files.com writes a file only when its upload completes (`action: end`), so a run
 * that is killed or aborted leaves no half-written remote file under its final name, and
 * the next run uploads what is missing.
 *
 * Refused before any byte is sent (counted in `refused`, each in `errors` with an
 * `UnsafePathError`): a name ending in white space (reason `trailing-whitespace`), holding
 * a backslash (`backslash`), a path below `_/RemoteServers`, `_/Snapshots` or `_/Sites` at
 * the root that local names made (`reserved`; a `remoteDir` you name there is taken as
 * given), and case twins: Files.com compares paths ignoring case, accents and Unicode form
 * (see `toComparable`), so of two local files it would merge (`A.txt`, `a.txt`) the first
 * in name order is uploaded and the other refused (`case-twin`); two local folders it would
 * merge (`Docs/`, `docs/`) become one remote folder, spelled as the first.
 *
 * Symbolic links are never followed, neither out of the tree nor inside it (a link to a
 * folder could loop, one to a file would upload it twice): each is left out and listed in
 * `ignoredEntries` (reason `symlink`), as are FIFOs, sockets and devices (`special`).
 * `localDir` itself may be a link: it is resolved once, at the start.
 *
 * Failures (counted in `failed`, each in `errors`): a file whose upload failed after its
 * retries; a local folder that cannot be read, or whose remote listing or creation failed
 * (its files are not tried: one error for the folder); a file where Files.com has a folder,
 * or a folder where it has a file.
 *
 * @returns The counts, the refused and failed entries, and the entries left out.
 * @throws TypeError when `localDir` is not a folder (its file-system error when it does not
 * exist); RangeError for a bad `concurrency`; the error of listing `remoteDir` itself (a
 * file there, no access); the signal's reason on abort (after the running uploads stopped).
 */
export async function uploadTree(
  client: UploadTreeClient,
  localDir: string,
  remoteDir: string,
  options: UploadTreeOptions = {},
): Promise<UploadTreeResult> {
  requireNode('uploadTree');
  const { runTreeUpload } = await import('./node/tree-upload.js');
  return runTreeUpload(client, localDir, remoteDir, options);
}
