/** One page of a listing. */
export interface Page<T> {
  /** The records of this page, in server order. */
  items: T[];
  /** The cursor this page was requested with (`undefined` for the first page). */
  cursor: string | undefined;
  /** Cursor of the next page; `undefined` on the last page. */
  nextCursor: string | undefined;
  /** Cursor of the previous page, when the server sends one. */
  prevCursor: string | undefined;
}

/** A page whose headers (and so its cursors) are known but whose body is not read yet. */
export interface PageHead<T> {
  /** Cursor of the next page from the response headers; `undefined` on the last page. */
  nextCursor: string | undefined;
  /** Cursor of the previous page, when sent. */
  prevCursor: string | undefined;
  /** Reads, parses and validates the page body. */
  items(): Promise<T[]>;
  /** Releases the body unread (used when iteration stops early). */
  discard(): void;
}

/**
 * Fetches one page. Resolves as soon as the response headers are in, so the next page can be
 * requested while this one's body is still being transferred, parsed and validated.
 */
export type PageFetcher<T> = (cursor: string | undefined, signal: AbortSignal) => Promise<PageHead<T>>;

/** Options of a listing: resume, prefetch and guards. */
export interface ListOptions {
  /** Resume from this cursor (a `nextCursor` or an error's `resumeCursor`). */
  startCursor?: string;
  /** Stops fetching and cancels any in-flight request. */
  signal?: AbortSignal;
  /** How many pages may be requested ahead of the consumer. Default 1; 0 disables prefetch. */
  prefetch?: number;
  /** Throws `PaginationError` when the listing would yield more records than this. */
  maxItems?: number;
  /** Throws `PaginationError` when the listing would need more pages than this. */
  maxPages?: number;
}
