import type { File } from '../generated/models/file.js';
import type { FilesNamespace } from '../generated/resources/files.js';
import type { DownloadStreamOptions } from './download-stream.js';

/** Options of `client.files.downloadToFile`. */
export interface DownloadToFileOptions extends Omit<DownloadStreamOptions, 'verifySize'> {
  /** Check the `md5` and `crc32` the record carries (the size is always checked). Default `true`. */
  checksums?: boolean;
  /** Give the file the record's `provided_mtime` (else `mtime`) as its modification time. Default `true`. */
  preserveMtime?: boolean;
  /** Flush the file to disk before renaming it into place (survives power loss, costs time). Default `false`. */
  fsync?: boolean;
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

/**
 * Downloads a file to `dest` (Node only: loads the file-system code with a dynamic
 * `import()` on first use). See `saveDownload` in `workflows/node/save-download.ts`.
 */
export async function downloadToFile(
  files: Pick<FilesNamespace, 'download'>,
  path: string,
  dest: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadToFileResult> {
  const { saveDownload } = await import('../workflows/node/save-download.js');
  return saveDownload(files, path, dest, options);
}
