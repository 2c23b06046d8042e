import type { ApiContext } from '../api/context.js';
import type { File } from '../generated/models/file.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import { downloadStream, type DownloadStreamOptions, type DownloadStreamResult } from './download-stream.js';
import { downloadToFile, type DownloadToFileOptions, type DownloadToFileResult } from './download-to-file.js';
import type { FetchLike } from './fetch-presigned.js';
import { upload, type UploadOptions } from './upload.js';
import type { UploadSource } from './upload-source.js';

/** The hand-written transfer methods `client.files` has besides the generated operations. */
export interface FileExtras {
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
   * Uploads a local file (path, Node only), bytes, a Blob, a web stream or an async
   * iterable of bytes, in parts sent with bounded concurrency. Resolves to the new File.
   * @example await client.files.upload('inbox/data.csv', './data.csv', { mkdir_parents: true });
   */
  upload(path: string, source: UploadSource, options?: UploadOptions): Promise<File>;
}

/** What the transfer methods need of a client. */
export interface FileExtrasDeps {
  /** The client's API context (for the upload part requests). */
  api: ApiContext;
  /** The generated `client.files`. */
  files: FilesNamespace;
  /** The client's `fetch` option: also used for presigned URLs, unless a call passes its own. */
  fetch?: FetchLike;
}

/** Builds the transfer methods of one client. */
export function createFileExtras(deps: FileExtrasDeps): FileExtras {
  const withFetch = <O extends { fetch?: FetchLike }>(options: O | undefined): O =>
    ({ ...options, fetch: options?.fetch ?? deps.fetch }) as O;
  return {
    downloadStream: (path, options) => downloadStream(deps.files, path, withFetch(options)),
    downloadToFile: (path, dest, options) => downloadToFile(deps.files, path, dest, withFetch(options)),
    upload: (path, source, options) => upload(deps, path, source, withFetch(options)),
  };
}
