/**
 * One page of a listing. `cursor` and `nextCursor` are resume cursors: pass one as
 * `startCursor` to continue the listing exactly there, each record once. On a listing
 * without operators they are the server's own cursors; after `take` or `batch` (which can
 * stop inside a page or hold records back) they may name a position inside a page
 * (`fs-resume:<skip>:<cursor>`), which files-stream alone understands.
 */
export interface Page<T> {
  /** The records of this page, in server order (after the operators, for `pages()` of a chain). */
  items: T[];
  /** Where this page starts: resuming here delivers this page again (`undefined`: the start). */
  cursor: string | undefined;
  /** Where the records after this page start; `undefined` once nothing follows. */
  nextCursor: string | undefined;
  /** The server's cursor of the page before the last one read, when it sends one. */
  prevCursor: string | undefined;
  /**
   * The resume cursor after the first `count` records of this page, from a source whose
   * positions are not plain cursors (a partitioned listing). Without it, a position inside
   * the page is written `fs-resume:<skip>:<cursor>`.
   */
  at?: (count: number) => string | undefined;
}

/**
 * A page whose headers (and so its cursors) are known but whose body is not read yet. When
 * the body has to be fetched again (it broke off), the response that was read decides:
 * once `items()` resolves, `nextCursor` and `prevCursor` are that response's.
 */
export interface PageHead<T> {
  /** Cursor of the next page from the response headers; `undefined` on the last page. */
  readonly nextCursor: string | undefined;
  /** Cursor of the previous page, when sent. */
  readonly prevCursor: string | undefined;
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
  /**
   * Resume from this cursor: a page's `nextCursor`, an error's `resumeCursor`, or a server
   * cursor. Every record after that position comes exactly once. A resume cursor inside a
   * page assumes the same parameters (`per_page` above all) as the run that handed it out.
   */
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
