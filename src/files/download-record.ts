import { FilesError } from '../errors/files-error.js';
import type { File } from '../generated/models/file.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import { isDownloadUriExpired } from './download-uri.js';

/** A File record that carries a `download_uri`. */
export type DownloadableFile = File & { download_uri: string };

/** Options of {@link fetchDownloadRecord}. */
export interface DownloadRecordOptions {
  /** Cancels the metadata request. */
  signal?: AbortSignal;
  /** Count a `download_uri` as expired this many seconds before it does. Default 10. */
  refreshMarginSeconds?: number;
  /** The current time (for tests). Default: the system clock. */
  now?: () => Date;
}

/** Default margin before a `download_uri`'s expiry at which it is fetched again, in seconds. */
export const REFRESH_MARGIN_SECONDS = 10;

/**
 * Fetches a File's record with a usable `download_uri` (`GET /files/{path}`): when the URI
 * it gets has expired, or expires within the margin, it asks once more. (A URI that still
 * looks expired after that is used anyway: the local clock may be off.)
 *
 * @throws FilesError when the record has no `download_uri` (a folder, say), or the typed
 * error of the metadata request.
 */
export async function fetchDownloadRecord(
  files: Pick<FilesNamespace, 'download'>,
  path: string,
  options: DownloadRecordOptions = {},
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
export function withDownloadUri(file: File, path: string): DownloadableFile {
  if (typeof file.download_uri !== 'string' || file.download_uri === '') {
    const what = file.type === 'directory' ? 'is a folder' : 'came without a download_uri';
    throw new FilesError(`download ${path}: ${what}`);
  }
  return file as DownloadableFile;
}
