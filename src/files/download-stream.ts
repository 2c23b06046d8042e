import { errorFromResponse } from '../core/error-from-response.js';
import type { File } from '../generated/models/file.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import { fetchDownloadRecord, withDownloadUri, type DownloadRecordOptions } from './download-record.js';
import { fetchPresigned, type FetchLike } from './fetch-presigned.js';
import { lengthCheck } from './length-check.js';

/** Options of `client.files.downloadStream`. */
export interface DownloadStreamOptions extends DownloadRecordOptions {
  /** Cancels the metadata request, the download request and the body. */
  signal?: AbortSignal;
  /** Timeout in ms to the download's response headers; `false` for none. Default 60,000. */
  timeout?: number | false;
  /** The `fetch` for the presigned URL. Default: the client's `fetch` option, else the global one. */
  fetch?: FetchLike;
  /**
   * Error the stream with `IntegrityError` when it carries more or fewer bytes than the
   * record's `size`. Default `true`.
   */
  verifySize?: boolean;
}

/** What `client.files.downloadStream` resolves to. */
export interface DownloadStreamResult {
  /** The file's bytes as they arrive (nothing is buffered). Cancel it to stop the download. */
  stream: ReadableStream<Uint8Array>;
  /** The File record the bytes belong to: `size`, `mtime`, `provided_mtime`, `crc32` and `md5` when the server has them. */
  file: File;
}

/** Statuses of a presigned URL that mean "this URL is no longer good": ask for a fresh one, once. */
const STALE_URL_STATUSES = new Set([401, 403]);

/**
 * Streams a file's bytes: fetches its record (`GET /files/{path}`, again when the
 * `download_uri` has expired or is about to), then the bytes from the presigned
 * `download_uri` without the API key. A 401 or 403 from that URL (it expired in flight)
 * gets one fresh record and one more try.
 *
 * @throws The typed error of the metadata request or of the download's response
 * (`NotAuthorizedError`, `NotFoundError`, ...), `NetworkError`, `TimeoutError`, or the
 * signal's reason.
 */
export async function downloadStream(
  files: Pick<FilesNamespace, 'download'>,
  path: string,
  options: DownloadStreamOptions = {},
): Promise<DownloadStreamResult> {
  const operation = `files.downloadStream ${path}`;
  let file = await fetchDownloadRecord(files, path, options);
  const get = (uri: string) =>
    fetchPresigned({ url: uri, signal: options.signal, timeout: options.timeout, fetch: options.fetch, operation });
  let response = await get(file.download_uri);
  if (STALE_URL_STATUSES.has(response.status)) {
    void response.body?.cancel().catch(() => {});
    file = withDownloadUri(await files.download(path, {}, { signal: options.signal }), path);
    response = await get(file.download_uri);
  }
  if (!response.ok) throw await errorFromResponse(response, operation);
  const body = response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const verify = (options.verifySize ?? true) && typeof file.size === 'number';
  return { stream: verify ? body.pipeThrough(lengthCheck(path, file.size!)) : body, file };
}
