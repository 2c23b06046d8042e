import type { ApiContext, CallOptions } from '../api/context.js';
import { FilesError } from '../errors/files-error.js';
import type { File } from '../generated/models/file.js';
import type { FileUploadPart } from '../generated/models/file-upload-part.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import type { FetchLike } from './fetch-presigned.js';
import { PartReader } from './part-reader.js';
import { sendPart } from './send-part.js';
import { uploadPartOp } from './upload-part-op.js';
import { openSource, type UploadSource } from './upload-source.js';

/** Progress of an upload, reported after each part the server accepted. */
export interface UploadProgress {
  /** Bytes of the accepted parts. */
  bytes: number;
  /** Number of accepted parts. */
  parts: number;
}

/** Options of `client.files.upload`. */
export interface UploadOptions {
  /** Create the missing parent folders. */
  mkdir_parents?: boolean;
  /** The modification time to record (`provided_mtime`). */
  provided_mtime?: string | Date;
  /** Parts sent at once (the server may force 1 with `parallel_parts: false`). Default 3. */
  concurrency?: number;
  /** Retries of each failed part. Default 3. */
  partRetries?: number;
  /** First retry delay of a part in ms, doubling each time. Default 500. */
  partRetryDelayMs?: number;
  /** Called after each accepted part. */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload: no further part is sent and it is never completed. */
  signal?: AbortSignal;
  /** The `fetch` for the presigned part URLs. Default: the client's `fetch` option, else the global one. */
  fetch?: FetchLike;
  /** Timeout in ms to each part's response headers; `false` for none. Default 60,000. */
  timeout?: number | false;
}

/** What the upload needs of a client. */
export interface UploadDeps {
  api: ApiContext;
  files: Pick<FilesNamespace, 'create'>;
  fetch?: FetchLike;
}

/** Part size used when the server names none: 5 MiB, Files.com's. */
const DEFAULT_PART_SIZE = 5 * 1024 * 1024;

/**
 * Uploads a file the way the official SDKs do: `POST /files/{path}` with `action: 'put'`
 * opens it and describes part 1; each later part is described by `action: 'put'` with
 * `part` and `ref`; the bytes of each part go to its presigned `upload_uri`; `action:
 * 'end'` with the `ref` (and `size`, `mkdir_parents`, `provided_mtime`) completes it.
 *
 * The source is cut into parts of the server's `partsize` (then `next_partsize`), read only
 * when a sending slot is free: memory holds at most `concurrency` parts. A failed part is
 * retried alone; the first failure that retries cannot fix cancels the rest and rejects.
 *
 * The API requests follow the client's retry policy: every one is retried on 429 (and 503
 * with `Retry-After`); those that carry the `ref` (later parts, end) also on network errors,
 * timeouts and 5xx, as they are safe to repeat. The request that opens the upload is not
 * retried on those (a repeat could open a second upload).
 *
 * @returns The uploaded file's record.
 */
export async function upload(
  deps: UploadDeps,
  path: string,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<File> {
  const { signal } = options;
  signal?.throwIfAborted();
  const opened = await openSource(source);
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // Requests that carry the upload's `ref` (further parts, end) are safe to repeat: they are
    // retried on network errors and timeouts too. The one that opens the upload is not (a
    // repeat would open a second upload); like every request, it is retried on 429.
    const callOptions = { signal: controller.signal };
    const refOptions = { signal: controller.signal, idempotent: true };
    const openPart = (params: Record<string, unknown>, call: CallOptions = refOptions) =>
      deps.api.call(uploadPartOp, [path], { action: 'put', ...params }, call) as Promise<FileUploadPart>;
    const first = await openPart({ mkdir_parents: options.mkdir_parents }, callOptions);
    const ref = requireRef(first, path);
    const total = await sendParts(path, first, new PartReader(opened.chunks), {
      ...options,
      fetch: options.fetch ?? deps.fetch,
      signal: controller.signal,
      describe: (part) => openPart({ part, ref }),
      onAbortAll: (reason) => controller.abort(reason),
    });
    return await deps.files.create(
      path,
      {
        action: 'end',
        ref,
        size: total,
        mkdir_parents: options.mkdir_parents,
        provided_mtime: mtimeParam(options.provided_mtime),
      },
      refOptions,
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await opened.chunks.return?.().catch(() => {});
  }
}

interface SendPartsOptions extends UploadOptions {
  signal: AbortSignal;
  describe: (part: number) => Promise<FileUploadPart>;
  onAbortAll: (reason: unknown) => void;
}

/** Reads and sends every part with bounded concurrency; resolves to the byte count. */
async function sendParts(path: string, first: FileUploadPart, reader: PartReader, options: SendPartsOptions): Promise<number> {
  const concurrency = first.parallel_parts === false ? 1 : Math.max(1, options.concurrency ?? 3);
  const inFlight = new Set<Promise<void>>();
  const progress: UploadProgress = { bytes: 0, parts: 0 };
  let failure: { error: unknown } | undefined;
  let descriptor = first;
  let size = first.partsize || DEFAULT_PART_SIZE;
  let total = 0;
  try {
    for (let number = 1; ; number++) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) break;
      options.signal.throwIfAborted();
      const bytes = await reader.read(size);
      if (bytes.byteLength === 0 && number > 1) break;
      if (number > 1) descriptor = await options.describe(number);
      size = descriptor.next_partsize || descriptor.partsize || size;
      total += bytes.byteLength;
      const sent = () => {
        progress.bytes += bytes.byteLength;
        progress.parts += 1;
        options.onProgress?.({ ...progress });
      };
      const failed = (error: unknown) => {
        failure ??= { error };
        options.onAbortAll(error);
      };
      const task: Promise<void> = sendPart(path, number, descriptor, bytes, {
        retries: first.retry_parts === false ? 0 : (options.partRetries ?? 3),
        retryDelayMs: options.partRetryDelayMs ?? 500,
        signal: options.signal,
        fetch: options.fetch,
        timeout: options.timeout,
        refresh: () => options.describe(number),
      })
        .then(sent)
        .catch(failed)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (reader.ended) break;
    }
  } catch (error) {
    failure ??= { error };
    options.onAbortAll(error);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return total;
}

function requireRef(part: FileUploadPart, path: string): string {
  if (!part.ref) throw new FilesError(`files.upload ${path}: the server opened the upload without a ref`);
  return part.ref;
}

function mtimeParam(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
