// Node-only: writes a download to disk. Loaded with a dynamic import().
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { withIdleTimeout } from '../../core/read-body.js';
import { downloadStream } from '../../files/download-stream.js';
import { PRESIGNED_TIMEOUT_MS } from '../../files/fetch-presigned.js';
import type { DownloadToFileOptions, DownloadToFileResult } from '../../files/download-to-file.js';
import { remoteMtime } from '../../files/remote-mtime.js';
import type { FilesNamespace } from '../../generated/resources/files.js';
import { findSymlink, makeFolderInside } from '../../paths/local.js';
import { UnsafePathError } from '../../paths/unsafe-path-error.js';
import { ContentChecks } from './content-checks.js';

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

/**
 * Downloads a file to `dest`: streams it into a temporary file beside `dest` (created
 * exclusively, named `.<name>.<random>.download`), checks the byte count against the
 * record's `size` and, when the record has them, its `md5` and `crc32`, sets the file's
 * modification time from the record, then renames it over `dest`. On any failure
 * (including an abort) the temporary file is removed: `dest` is either untouched or
 * complete. Missing parent folders of `dest` are created. The modification time is set
 * through the open file, and the rename replaces a symbolic link at `dest` rather than
 * following it.
 *
 * @throws IntegrityError when the bytes do not match the record; the typed errors of
 * `downloadStream`; `UnsafePathError` (reason `symlink`) when {@link WITHIN} is set and a
 * link is on the way; file-system errors; the signal's reason.
 */
export async function saveDownload(
  files: Pick<FilesNamespace, 'download'>,
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
  const { stream, file } = await downloadStream(files, path, { ...options, verifySize: false });
  const temp = join(folder, `.${basename(target)}.${randomBytes(6).toString('hex')}.download`);
  const reader = stream.getReader();
  const abort = abortRace(options.signal);
  let handle: FileHandle | undefined;
  try {
    await noLinks(false); // as close to the write as it gets: see `downloadTree` on what remains
    handle = await open(temp, 'wx');
    const checks = new ContentChecks(path, file, options.checksums ?? true);
    const idle = options.timeout === false ? undefined : (options.timeout ?? PRESIGNED_TIMEOUT_MS);
    const read = () => abort.race(idle === undefined ? reader.read() : withIdleTimeout(reader.read(), idle, `download ${path}: body stalled for ${idle} ms`));
    for (let step = await read(); !step.done; step = await read()) {
      checks.update(step.value);
      await writeAll(handle, step.value);
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
  } finally {
    abort.dispose();
  }
}

/**
 * Races reads against the signal, so an abort stops the download even when a `fetch`
 * implementation does not error the body it already returned. One listener, removed by
 * `dispose`, whatever the number of reads.
 */
function abortRace(signal: AbortSignal | undefined): { race<T>(p: Promise<T>): Promise<T>; dispose(): void } {
  if (!signal) return { race: (p) => p, dispose: () => {} };
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => {});
  return {
    race: (p) => Promise.race([p, aborted]),
    dispose: () => signal.removeEventListener('abort', onAbort),
  };
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.byteLength - at);
    at += bytesWritten;
  }
}
