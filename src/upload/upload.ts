/**
 * Uploads, the part flow of the official SDKs: the API requests go through the API context,
 * the bytes of each part through the request core to the part's presigned `upload_uri`.
 */
import type { ApiContext, CallOptions } from '../api/context.js';
import type { OperationSpec } from '../api/operation.js';
import type { RetryPolicy } from '../core/retry.js';
import type { RequestCore } from '../core/types.js';
import { NotAuthenticatedError, NotAuthorizedError } from '../errors/api-errors.js';
import { InvalidParameterError } from '../errors/client-errors.js';
import { FilesError } from '../errors/files-error.js';
import type { File } from '../generated/models/file.js';
import type { FileUploadPart } from '../generated/models/file-upload-part.js';
import { fileCreateOp, type FilesNamespace } from '../generated/resources/files.js';
import { openSource, PartReader, type UploadSource } from './source.js';

/** A `fetch` implementation: the global one, or one given to the client or the call. */
type FetchLike = typeof globalThis.fetch;

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
  /** Retries of each failed part (the client's retry rules; see README). Default 3. */
  partRetries?: number;
  /** First retry delay of a part in ms, doubling each time, with jitter. Default 500. */
  partRetryDelayMs?: number;
  /** Called after each accepted part. */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload: no further part is sent and it is never completed. */
  signal?: AbortSignal;
  /** The `fetch` for the presigned part URLs. Default: the client's `fetch` option, else the global one. */
  fetch?: FetchLike;
  /** Timeout in ms to each part's response headers; `false` for none. Default: the client's `timeout`. */
  timeout?: number | false;
}

/** What the upload needs of a client. */
export interface UploadDeps {
  readonly core: RequestCore;
  readonly api: ApiContext;
  readonly files: Pick<FilesNamespace, 'create'>;
}

/** The upload method `client.files` has besides the generated operations. */
export interface UploadMethods {
  /**
   * Uploads a local file (path, Node only), bytes, a Blob, a web stream or an async
   * iterable of bytes, in parts sent with bounded concurrency. Resolves to the new File.
   * A local file that changes during the upload rejects it with `LocalFileChangedError`,
   * and the upload is never completed.
   * @example await client.files.upload('inbox/data.csv', './data.csv', { mkdir_parents: true });
   */
  upload(path: string, source: UploadSource, options?: UploadOptions): Promise<File>;
  /**
   * Uploads content held in memory in one call, as the official JS SDK's `File.uploadData`:
   * a string (sent as its UTF-8 bytes; unlike `upload`, a string here is the content, never
   * a local path) or bytes. The same part flow and options as `upload`; resolves to the new
   * File. Works on every platform.
   *
   * @throws InvalidParameterError before any request when `data` is neither a string nor a
   * `Uint8Array`; otherwise what `upload` throws.
   * @example await client.files.uploadData('inbox/hello.txt', 'hello, Files.com\n', { mkdir_parents: true });
   */
  uploadData(path: string, data: string | Uint8Array, options?: UploadOptions): Promise<File>;
}

/** The plugin that adds {@link UploadMethods} to `client.files`. */
export function uploadPlugin(client: { core: RequestCore; api: ApiContext; files: FilesNamespace }): { files: UploadMethods } {
  const deps: UploadDeps = { core: client.core, api: client.api, get files() { return client.files; } };
  return {
    files: {
      upload: (path, source, options) => upload(deps, path, source, options),
      uploadData: async (path, data, options) => upload(deps, path, dataBytes(data), options),
    },
  };
}

/** The bytes `uploadData` sends: a string's UTF-8 encoding, or the bytes as they are. */
function dataBytes(data: string | Uint8Array): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  throw new InvalidParameterError('files.uploadData', 'data', `must be a string or a Uint8Array, got ${data === null ? 'null' : typeof data}`);
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
 * A local file is checked after each part is read and before `end`: when its size, mtime or
 * inode changed (or it was deleted, or ended early), the upload stops with
 * `LocalFileChangedError` and is never completed, so the remote file (if any) keeps
 * its content instead of becoming a mix of old and new bytes.
 *
 * The API requests follow the client's retry policy: every one is retried on 429 (and 503
 * with `Retry-After`); those that carry the `ref` (later parts, end) also on network errors,
 * timeouts and 5xx, as they are safe to repeat. The request that opens the upload is not
 * retried on those (a repeat could open a second upload).
 *
 * @returns The uploaded file's record.
 * @throws LocalFileChangedError when a local file changed during the upload; the typed
 * error of the first request or part that failed; the signal's reason.
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
    const total = await sendParts(deps.core, path, first, new PartReader(opened.chunks), {
      ...options,
      signal: controller.signal,
      describe: (part) => openPart({ part, ref }),
      onAbortAll: (reason) => controller.abort(reason),
      verify: opened.verify,
    });
    // Every part was read: a local file that changed meanwhile is never completed.
    await opened.verify?.();
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
  /** Checks the source is unchanged (see `ByteSource.verify`): after reading each part, before sending it. */
  verify?: () => Promise<void>;
}

/** Reads and sends every part with bounded concurrency; resolves to the byte count. */
async function sendParts(core: RequestCore, path: string, first: FileUploadPart, reader: PartReader, options: SendPartsOptions): Promise<number> {
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
      await options.verify?.();
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
      const retries = { limit: first.retry_parts === false ? 0 : (options.partRetries ?? 3), backoffMs: options.partRetryDelayMs ?? 500 };
      const task: Promise<void> = sendPart(core, path, number, descriptor, bytes, {
        retries,
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

/**
 * `POST /files/{path}` with `action: 'put'`: the generated `files.create` operation (same
 * parameters, checked the same way) answering a FileUploadPart instead of a File, so the
 * part's fields (`upload_uri`, `ref`, `partsize`, ...) are validated against their own model.
 */
const uploadPartOp: OperationSpec = {
  ...fileCreateOp,
  id: 'files.upload',
  returns: { model: 'FileUploadPart', array: false },
};

/** How a part is sent and retried. */
interface PartSendOptions {
  /** The client's retry policy, changed for parts (`partRetries`, `partRetryDelayMs`). */
  retries: Partial<RetryPolicy>;
  signal: AbortSignal;
  fetch?: FetchLike;
  timeout?: number | false;
  /** Asks the server again for this part (a fresh `upload_uri`, after a 401 or 403). */
  refresh: () => Promise<FileUploadPart>;
}

/**
 * Sends one part's bytes to its `upload_uri` with the part's `http_method` (default `PUT`)
 * and `headers`, never the API key, through the request core: a failure a retry can fix is
 * retried there (the part is safe to send again); a 401 or 403 (the URL expired) gets one
 * fresh part descriptor and one more try.
 *
 * @throws The typed error of the last attempt, or the signal's reason.
 */
async function sendPart(core: RequestCore, path: string, number: number, part: FileUploadPart, bytes: Uint8Array, options: PartSendOptions): Promise<void> {
  const operation = `files.upload ${path} part ${number}`;
  const method = (part.http_method || 'PUT').toUpperCase() as 'PUT';
  const budget = core.budget({ method, idempotent: true }, options.signal, options.retries);
  let descriptor = part;
  for (let refreshed = false; ; refreshed = true) {
    try {
      const response = await core.openPresigned({
        method: (descriptor.http_method || 'PUT').toUpperCase() as 'PUT',
        url: requireUri(descriptor, operation),
        headers: stringHeaders(descriptor.headers),
        body: bytes,
        signal: options.signal,
        timeout: options.timeout,
        fetch: options.fetch,
        operation,
        budget,
      });
      await response.stream()?.pipeTo(new WritableStream()).catch(() => {});
      return;
    } catch (error) {
      if (refreshed || !(error instanceof NotAuthenticatedError || error instanceof NotAuthorizedError)) throw error;
      descriptor = await options.refresh();
    }
  }
}

function requireUri(part: FileUploadPart, operation: string): string {
  if (!part.upload_uri) throw new FilesError(`${operation}: the server gave no upload_uri`);
  return part.upload_uri;
}

function stringHeaders(headers: FileUploadPart['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value != null) out[name] = String(value);
  return out;
}
