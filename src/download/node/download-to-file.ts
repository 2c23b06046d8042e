// Node-only: writes a download to disk. Loaded with a dynamic import() by `downloadToFile`.
import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import * as zlib from 'node:zlib';

import { withRetries } from '../../core/retry.js';
import { IntegrityError, UnsafePathError } from '../../errors/client-errors.js';
import type { File } from '../../generated/models/file.js';
import { findSymlink, makeFolderInside } from '../../paths/node/local.js';
import { crc32 as tableCrc32 } from '../crc32.js';
import { downloadStream, remoteMtime, type DownloadDeps, type DownloadToFileOptions, type DownloadToFileResult } from '../download.js';
import { tempPathFor } from './temp-file.js';

/**
 * Key of an internal option of {@link saveDownload}, set by `downloadTree` (not part of the
 * public options): the real path (see `realpath`) of the folder a download must stay in.
 * With it, the destination's folder must be that folder or below it, with no symbolic link
 * (or junction) on the way; it is checked (and made, one name at a time) when the download
 * starts, and checked again right before the temporary file is created and right before it
 * is renamed into place. A link found is refused with `UnsafePathError`, reason `symlink`.
 */
export const WITHIN: unique symbol = Symbol.for('files-stream.saveDownload.within');

/** The options of {@link saveDownload}: the public ones, and the tree download's {@link WITHIN}. */
export type SaveDownloadOptions = DownloadToFileOptions & { readonly [WITHIN]?: string };

/** Whole-file downloads again after a broken, stalled or corrupt body, by default. */
const DEFAULT_RETRIES = 2;

/**
 * Downloads a file to `dest`: streams it into a temporary file beside `dest` (created
 * exclusively, named by {@link tempPathFor}), checks the byte count against the record's `size` and,
 * when the record has them, its `md5` and `crc32`, sets the file's modification time from
 * the record, then renames it over `dest`. On any failure (including an abort) the
 * temporary file is removed: `dest` is either untouched or complete. Missing parent folders
 * of `dest` are created. The modification time is set through the open file, and the rename
 * replaces a symbolic link at `dest` rather than following it. A body that breaks off,
 * stalls or fails its checks is downloaded again (`retries`, the client's backoff).
 *
 * @throws IntegrityError when the bytes do not match the record; the typed errors of
 * `downloadStream`; `UnsafePathError` (reason `symlink`) when {@link WITHIN} is set and a
 * link is on the way; file-system errors; the signal's reason.
 */
export async function saveDownload(
  deps: DownloadDeps,
  path: string,
  dest: string,
  options: SaveDownloadOptions = {},
): Promise<DownloadToFileResult> {
  const target = resolve(dest);
  const folder = dirname(target);
  const within = options[WITHIN];
  const noLinks = async (make: boolean): Promise<void> => {
    if (within === undefined) return;
    const link = make ? await makeFolderInside(within, folder) : await findSymlink(within, folder);
    if (link !== undefined) throw new UnsafePathError(path, 'symlink', { link });
  };
  if (within === undefined) await mkdir(folder, { recursive: true });
  else await noLinks(true);
  const budget = deps.core.budget({ method: 'GET' }, options.signal, { limit: options.retries ?? DEFAULT_RETRIES });
  // A retry starts over from the file's record (a fresh download_uri), as `downloadStream` does.
  const again = { method: 'GET', path: '/files/{path}', pathParams: { path }, operation: `files.downloadToFile ${path}` } as const;
  return withRetries(budget, () => saveOnce(deps, path, target, options, noLinks), {
    signal: options.signal,
    onRetry: (_plan, error) => deps.core.reportRetry(again, budget, error),
  });
}

/** One download into a fresh temporary file, renamed over `target` once every check passed. */
async function saveOnce(
  deps: DownloadDeps,
  path: string,
  target: string,
  options: SaveDownloadOptions,
  noLinks: (make: boolean) => Promise<void>,
): Promise<DownloadToFileResult> {
  const { stream, file } = await downloadStream(deps, path, { ...options, verifySize: false });
  const temp = tempPathFor(target);
  const reader = stream.getReader();
  let handle: FileHandle | undefined;
  try {
    await noLinks(false); // as close to the write as it gets: see `downloadTree` on what remains
    handle = await open(temp, 'wx');
    const checks = new ContentChecks(path, file, options.checksums ?? true);
    // The core's body stream errors on a stalled chunk, an abort and a broken connection.
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      checks.update(step.value);
      await writeAll(handle, step.value);
      progress(options.onProgress, checks.bytes);
    }
    checks.verify();
    if (options.fsync) await handle.datasync();
    const mtime = options.preserveMtime === false ? undefined : remoteMtime(file);
    if (mtime) await handle.utimes(mtime, mtime);
    await handle.close();
    handle = undefined;
    await noLinks(false);
    await rename(temp, target);
    return { file, path: target, bytes: checks.bytes };
  } catch (error) {
    void reader.cancel(error).catch(() => {});
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** Reports progress; a throwing callback does not break the download. */
function progress(onProgress: ((bytes: number) => void) | undefined, bytes: number): void {
  if (!onProgress) return;
  try {
    onProgress(bytes);
  } catch {
    // A progress display's failure is not the download's.
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.byteLength - at);
    at += bytesWritten;
  }
}

type Crc32 = (data: Uint8Array, value?: number) => number;

/** `node:zlib`'s native `crc32` (Node 20.15 and later), else the table implementation. */
const crc32: Crc32 = (zlib as { crc32?: Crc32 }).crc32 ?? tableCrc32;

/**
 * Checks bytes, fed chunk by chunk, against a File record: always the byte count (when the
 * record has a `size`), and the `md5` and `crc32` the record carries (Files.com computes
 * them lazily: an empty value is skipped) unless `checksums` is false.
 */
export class ContentChecks {
  readonly #path: string;
  readonly #size: number | undefined;
  readonly #md5: { expected: string; hash: Hash } | undefined;
  readonly #crc: { expected: string; value: number } | undefined;
  #bytes = 0;

  constructor(path: string, file: File, checksums: boolean) {
    this.#path = path;
    this.#size = typeof file.size === 'number' ? file.size : undefined;
    if (checksums && file.md5) this.#md5 = { expected: file.md5.toLowerCase(), hash: createHash('md5') };
    if (checksums && file.crc32) this.#crc = { expected: file.crc32.toLowerCase(), value: 0 };
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Feeds a chunk. @throws IntegrityError as soon as there are more bytes than the record's size. */
  update(chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength;
    if (this.#size !== undefined && this.#bytes > this.#size) {
      throw new IntegrityError(this.#path, 'size', this.#size, this.#bytes);
    }
    this.#md5?.hash.update(chunk);
    if (this.#crc) this.#crc.value = crc32(chunk, this.#crc.value);
  }

  /** Checks the totals once every byte is in. @throws IntegrityError naming the first check that failed. */
  verify(): void {
    if (this.#size !== undefined && this.#bytes !== this.#size) {
      throw new IntegrityError(this.#path, 'size', this.#size, this.#bytes);
    }
    if (this.#md5) {
      const actual = this.#md5.hash.digest('hex');
      if (actual !== this.#md5.expected) throw new IntegrityError(this.#path, 'md5', this.#md5.expected, actual);
    }
    if (this.#crc) {
      const actual = this.#crc.value.toString(16).padStart(8, '0');
      if (Number.parseInt(this.#crc.expected, 16) !== this.#crc.value) {
        throw new IntegrityError(this.#path, 'crc32', this.#crc.expected, actual);
      }
    }
  }
}
