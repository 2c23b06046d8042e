/** Options shared by every files-stream error. */
export interface FilesErrorOptions {
  /** The underlying error, when there is one. */
  cause?: unknown;
  /** For an error raised mid-listing: the cursor to pass as `startCursor` to continue. */
  resumeCursor?: string;
}

/**
 * Base class of every error files-stream throws. Never carries the API key or session id.
 */
export class FilesError extends Error {
  override name = 'FilesError';
  /**
   * For an error raised mid-listing: the cursor of the page that failed. Pass it as
   * `startCursor` to continue the listing from that page (`undefined`: from the start).
   */
  resumeCursor?: string;

  constructor(message: string, options: FilesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.resumeCursor !== undefined) this.resumeCursor = options.resumeCursor;
  }
}
