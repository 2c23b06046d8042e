// Node-only: writes a download to disk. Loaded with a dynamic import().
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, utimes, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { withIdleTimeout } from '../../core/read-body.js';
import { downloadStream } from '../../files/download-stream.js';
import { PRESIGNED_TIMEOUT_MS } from '../../files/fetch-presigned.js';
import type { DownloadToFileOptions, DownloadToFileResult } from '../../files/download-to-file.js';
import { remoteMtime } from '../../files/remote-mtime.js';
import type { FilesNamespace } from '../../generated/resources/files.js';
import { ContentChecks } from './content-checks.js';

/**
 * Downloads a file to `dest`: streams it into a temporary file beside `dest` (created
 * exclusively, named `.<name>.<random>.download`), checks the byte count against the
 * record's `size` and, when the record has them, its `md5` and `crc32`, sets the file's
 * modification time from the record, then renames it over `dest`. On any failure
 * (including an abort) the temporary file is removed: `dest` is either untouched or
 * complete. Missing parent folders of `dest` are created.
 *
 * @throws IntegrityError when the bytes do not match the record; the typed errors of
 * `downloadStream`; file-system errors; the signal's reason.
 */
export async function saveDownload(
  files: Pick<FilesNamespace, 'download'>,
  path: string,
  dest: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadToFileResult> {
  const target = resolve(dest);
  const folder = dirname(target);
  await mkdir(folder, { recursive: true });
  const { stream, file } = await downloadStream(files, path, { ...options, verifySize: false });
  const temp = join(folder, `.${basename(target)}.${randomBytes(6).toString('hex')}.download`);
  const reader = stream.getReader();
  const abort = abortRace(options.signal);
  let handle: FileHandle | undefined;
  try {
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
    await handle.close();
    handle = undefined;
    const mtime = options.preserveMtime === false ? undefined : remoteMtime(file);
    if (mtime) await utimes(temp, mtime, mtime);
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
