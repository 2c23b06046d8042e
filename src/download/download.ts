/**
 * Downloads: the bytes of a File from its presigned `download_uri`, through the request
 * core. `downloadStream` works on every platform; `downloadToFile` loads its Node half
 * (`node/download-to-file.ts`) on first use.
 */
import type { RequestCore } from '../core/types.js';
import { NotAuthenticatedError, NotAuthorizedError } from '../errors/api-errors.js';
import { FilesError, IntegrityError, InvalidParameterError, ResponseTooLargeError } from '../errors/index.js';
import type { File } from '../generated/models/file.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import { crc32 } from './crc32.js';
import { isDownloadUriExpired } from './download-uri.js';
import { requireNode } from '../core/platform.js';

/** A `fetch` implementation: the global one, or one given to the client or the call. */
export type FetchLike = typeof globalThis.fetch;

/** Options of `client.files.downloadStream`. */
export interface DownloadStreamOptions {
  /** Cancels the metadata request, the download request and the body. */
  signal?: AbortSignal;
  /**
   * Timeout in ms to the download's response headers, and between two chunks of its body;
   * `false` for none. Default: the client's `timeout`.
   */
  timeout?: number | false;
  /** A `fetch` for the presigned URL alone. Default: the client's `fetch` option, else the global one. */
  fetch?: FetchLike;
  /**
   * Error the stream with `IntegrityError` when it carries more or fewer bytes than the
   * record's `size`. Default `true`.
   */
  verifySize?: boolean;
  /** Count a `download_uri` as expired this many seconds before it does. Default 10. */
  refreshMarginSeconds?: number;
  /** The current time (for tests). Default: the system clock. */
  now?: () => Date;
}

/** What `client.files.downloadStream` resolves to. */
export interface DownloadStreamResult {
  /** The file's bytes as they arrive (nothing is buffered). Cancel it to stop the download. */
  stream: ReadableStream<Uint8Array>;
  /** The File record the bytes belong to: `size`, `mtime`, `provided_mtime`, `crc32` and `md5` when the server has them. */
  file: File;
}

/** Options of `client.files.downloadToFile`. */
export interface DownloadToFileOptions extends Omit<DownloadStreamOptions, 'verifySize'> {
  /** Check the `md5` and `crc32` the record carries (the size is always checked). Default `true`. */
  checksums?: boolean;
  /** Give the file the record's `provided_mtime` (else `mtime`) as its modification time. Default `true`. */
  preserveMtime?: boolean;
  /** Flush the file to disk before renaming it into place (survives power loss, costs time). Default `false`. */
  fsync?: boolean;
  /**
   * Downloads of the whole file again after its body broke off, stalled or failed its
   * checks (the client's retry rules and backoff). Default 2.
   */
  retries?: number;
  /**
   * Called with the bytes written so far after each chunk (for a progress display); a
   * retried download starts again from 0. What it throws is ignored.
   */
  onProgress?: (bytes: number) => void;
}

/** What `client.files.downloadToFile` resolves to. */
export interface DownloadToFileResult {
  /** The File record the bytes belong to. */
  file: File;
  /** The absolute local path written. */
  path: string;
  /** Bytes written. */
  bytes: number;
}

/** Options of `client.files.downloadToBytes` and `client.files.downloadToString`. */
export interface DownloadToBytesOptions extends DownloadStreamOptions {
  /**
   * The most bytes to hold in memory. A file whose record says it is larger is refused as
   * soon as the download's headers are in, and a body that grows past the limit as soon as
   * it does, with `ResponseTooLargeError` (`limitBytes`). Default 64 MiB; larger files are
   * for `downloadStream` or `downloadToFile`.
   */
  maxBytes?: number;
  /**
   * Check the `crc32` the record carries, when it has one (the size is checked unless
   * `verifySize` is false). The `md5` is not checked here: the web platform has no MD5
   * (`downloadToFile` checks both). Default `true`.
   */
  checksums?: boolean;
}

/** The download methods `client.files` has besides the generated operations. */
export interface DownloadMethods {
  /**
   * Streams a file's bytes from its presigned `download_uri` (fetched again when expired,
   * and once more after a 401/403). Resolves as soon as the response headers are in.
   * @example const { stream, file } = await client.files.downloadStream('reports/q1.csv');
   */
  downloadStream(path: string, options?: DownloadStreamOptions): Promise<DownloadStreamResult>;
  /**
   * Downloads a file to a local path through a temporary file renamed on success, checking
   * size, md5 and crc32. Node only (loads `node:fs` on first call).
   * @example await client.files.downloadToFile('reports/q1.csv', './q1.csv');
   */
  downloadToFile(path: string, dest: string, options?: DownloadToFileOptions): Promise<DownloadToFileResult>;
  /**
   * Downloads a whole file into memory, in one call: its bytes, size and `crc32` checked, at
   * most `maxBytes` (default 64 MiB). Works on every platform.
   * @example const bytes = await client.files.downloadToBytes('images/logo.png');
   */
  downloadToBytes(path: string, options?: DownloadToBytesOptions): Promise<Uint8Array>;
  /**
   * Downloads a whole file into memory as text, in one call, as the official JS SDK's
   * `downloadToString`: the bytes of `downloadToBytes` decoded as UTF-8 (a byte-order mark
   * is dropped; a byte sequence that is not UTF-8 becomes U+FFFD, as `Response.text()`
   * does). Works on every platform.
   * @example const csv = await client.files.downloadToString('reports/q1.csv');
   */
  downloadToString(path: string, options?: DownloadToBytesOptions): Promise<string>;
}

/** What a download needs of a client: its request core and the generated `files.download`. */
export interface DownloadDeps {
  readonly core: RequestCore;
  readonly files: Pick<FilesNamespace, 'download'>;
}

/** The plugin that adds {@link DownloadMethods} to `client.files`. */
export function downloadPlugin(client: { core: RequestCore; files: FilesNamespace }): { files: DownloadMethods } {
  const deps: DownloadDeps = { core: client.core, get files() { return client.files; } };
  return {
    files: {
      downloadStream: (path, options) => downloadStream(deps, path, options),
      downloadToFile: async (path, dest, options) => {
        requireNode('files.downloadToFile');
        const { saveDownload } = await import('./node/download-to-file.js');
        return saveDownload(deps, path, dest, options);
      },
      downloadToBytes: (path, options) => downloadToBytes(deps, path, 'files.downloadToBytes', options),
      downloadToString: async (path, options) =>
        new TextDecoder().decode(await downloadToBytes(deps, path, 'files.downloadToString', options)),
    },
  };
}

/** The default of {@link DownloadToBytesOptions.maxBytes}: 64 MiB. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * A whole file in memory: {@link downloadStream} (size checked unless `verifySize` is
 * false), at most `maxBytes`, then its `crc32` checked when the record has one.
 *
 * @param operation The method's name, for its errors (`files.downloadToString`).
 * @throws InvalidParameterError before any request for a `maxBytes` that is not an integer
 * >= 0; ResponseTooLargeError when the file is larger than `maxBytes`; IntegrityError; what
 * `downloadStream` throws.
 */
export async function downloadToBytes(deps: DownloadDeps, path: string, operation: string, options: DownloadToBytesOptions = {}): Promise<Uint8Array> {
  const { maxBytes = DEFAULT_MAX_BYTES, checksums = true } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new InvalidParameterError(operation, 'maxBytes', `must be an integer number of bytes >= 0, got ${String(maxBytes)}`);
  }
  const { stream, file } = await downloadStream(deps, path, options);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (typeof file.size === 'number' && file.size > maxBytes) throw tooLarge(operation, path, maxBytes, file.size);
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      total += step.value.byteLength;
      if (total > maxBytes) throw tooLarge(operation, path, maxBytes);
      chunks.push(step.value);
    }
  } catch (error) {
    void reader.cancel(error).catch(() => {});
    throw error;
  }
  const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(total);
  if (chunks.length !== 1) {
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.byteLength;
    }
  }
  if (checksums && file.crc32) {
    const actual = crc32(bytes);
    if (Number.parseInt(file.crc32, 16) !== actual) throw new IntegrityError(path, 'crc32', file.crc32.toLowerCase(), actual.toString(16).padStart(8, '0'));
  }
  return bytes;
}

/** The `ResponseTooLargeError` of a file over `maxBytes` (its size, when the record gave it). */
function tooLarge(operation: string, path: string, maxBytes: number, size?: number): ResponseTooLargeError {
  const error = new ResponseTooLargeError(`${operation} ${path}`, maxBytes);
  const what = size === undefined ? 'larger than' : `${size} bytes, over`;
  error.message = `${operation} ${path}: the file is ${what} maxBytes (${maxBytes} bytes): raise maxBytes, or stream it with downloadStream or downloadToFile`;
  return error;
}

/**
 * Streams a file's bytes: fetches its record (`GET /files/{path}`, again when the
 * `download_uri` has expired or is about to), then the bytes from the presigned
 * `download_uri` through the request core (retries, timeout, abort, hooks) without the API
 * key. A 401 or 403 from that URL (it expired in flight) gets one fresh record and one more try.
 *
 * @throws The typed error of the metadata request or of the download's response
 * (`NotAuthorizedError`, `NotFoundError`, ...), `NetworkError`, `TimeoutError`, or the
 * signal's reason.
 */
export async function downloadStream(deps: DownloadDeps, path: string, options: DownloadStreamOptions = {}): Promise<DownloadStreamResult> {
  const operation = `files.downloadStream ${path}`;
  const { signal } = options;
  let file = await fetchDownloadRecord(deps.files, path, options);
  const get = (url: string) =>
    deps.core.openPresigned({ method: 'GET', url, signal, timeout: options.timeout, fetch: options.fetch, operation });
  let response;
  try {
    response = await get(file.download_uri);
  } catch (error) {
    if (!(error instanceof NotAuthenticatedError || error instanceof NotAuthorizedError)) throw error;
    file = withDownloadUri(await deps.files.download(path, {}, { signal }), path);
    response = await get(file.download_uri);
  }
  const body = response.stream() ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const verify = (options.verifySize ?? true) && typeof file.size === 'number';
  return { stream: verify ? body.pipeThrough(lengthCheck(path, file.size!)) : body, file };
}

/** A File record that carries a `download_uri`. */
type DownloadableFile = File & { download_uri: string };

/** Default margin before a `download_uri`'s expiry at which it is fetched again, in seconds. */
const REFRESH_MARGIN_SECONDS = 10;

/**
 * Fetches a File's record with a usable `download_uri` (`GET /files/{path}`): when the URI
 * it gets has expired, or expires within the margin, it asks once more. (A URI that still
 * looks expired after that is used anyway: the local clock may be off.)
 *
 * @throws FilesError when the record has no `download_uri` (a folder, say), or the typed
 * error of the metadata request.
 */
async function fetchDownloadRecord(
  files: Pick<FilesNamespace, 'download'>,
  path: string,
  options: DownloadStreamOptions,
): Promise<DownloadableFile> {
  const { signal } = options;
  const margin = options.refreshMarginSeconds ?? REFRESH_MARGIN_SECONDS;
  let file = await files.download(path, {}, { signal });
  if (file.download_uri && isDownloadUriExpired(file.download_uri, options.now?.() ?? new Date(), margin)) {
    file = await files.download(path, {}, { signal });
  }
  return withDownloadUri(file, path);
}

/** The record, checked to carry a `download_uri`. */
function withDownloadUri(file: File, path: string): DownloadableFile {
  if (typeof file.download_uri !== 'string' || file.download_uri === '') {
    const what = file.type === 'directory' ? 'is a folder' : 'came without a download_uri';
    throw new FilesError(`download ${path}: ${what}`);
  }
  return file as DownloadableFile;
}

/**
 * A pass-through stream that errors with {@link IntegrityError} (`check: 'size'`) when the
 * bytes through it are more than `expected` (as soon as they are) or fewer (at the end).
 * Catches a body cut short by a proxy or a dropped connection that still ended cleanly.
 */
function lengthCheck(path: string, expected: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > expected) controller.error(new IntegrityError(path, 'size', expected, seen));
      else controller.enqueue(chunk);
    },
    flush(controller) {
      if (seen !== expected) controller.error(new IntegrityError(path, 'size', expected, seen));
    },
  });
}

/**
 * The modification time a download should carry: the File's `provided_mtime` (the time the
 * uploading client gave, which Files.com keeps so syncs preserve it) when set, else its
 * `mtime` (the server's). `undefined` when neither parses.
 */
export function remoteMtime(file: Pick<File, 'mtime' | 'provided_mtime'>): Date | undefined {
  for (const value of [file.provided_mtime, file.mtime]) {
    if (!value) continue;
    const time = new Date(value);
    if (!Number.isNaN(time.getTime())) return time;
  }
  return undefined;
}
