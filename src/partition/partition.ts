/**
 * Partitioned listings: a time-ranged list (logs, history) cut into time slices listed side
 * by side, so an export is not bound by one cursor chain's round trips. Every record with
 * `since <= created_at < until` comes exactly once, in ascending `created_at` order (or in
 * arrival order), with bounded memory; a resume cursor holds every slice's position.
 *
 * How it works:
 * - Slices are half-open time ranges `[from, to)` listed with the operation's range
 *   parameters (`filter_gteq`/`filter_lt[created_at]`, or `start_at`/`end_at`, inclusive at
 *   both ends: records at `to` are dropped here). Each slice is an ordinary listing, read one
 *   page at a time under a shared limit of requests in flight.
 * - Before any density is known, one slice asks for the whole range: a range holding less
 *   than a page is one request, however many workers there are. A full first page gives the
 *   density; the rest of the range is then planned from it.
 * - New slices come from the part of the range no slice covers yet, sized from the record
 *   density seen so far. When none is left and a worker is free, the largest remaining slice
 *   is split at the position it has reached (its last record's `created_at`): it stops there,
 *   a new slice takes the rest. So bursts (most records in a small part of the range) keep
 *   every worker busy to the end.
 * - Ordered output: slices of about one page (one request each). A slice whose page shows it
 *   is dense stops after that page, before its last second; the rest of its range (a "cut")
 *   is listed next, before any later slice is handed out. The earliest slice's pages are
 *   handed out as they come; later slices hold at most a few pages each (a budget of
 *   `concurrency x bufferPages` in all), then wait.
 * - Requests in flight are counted from the send to the response headers (the request
 *   core's `slot`): reading and parsing a page, and a retry's `Retry-After` wait, hold no
 *   place. A 429 halves the limit; a run of successes grows it back by one, never above
 *   `concurrency`. Each 429 itself waits as `Retry-After` says (the request core). Ordered:
 *   a probe above the level known to be safe carries a slice from the far end of the range,
 *   so a refused probe's wait holds up nothing.
 * - With a limit (`take(n)`), a slice is started only while the records fetched so far, with
 *   a full page from each slice on its way, could fall short of it: `take(1)` is one request.
 * - Positions (`positions.ts`) are `[from, to)` minus the records at `from` already delivered,
 *   named by id or content, never counted: a resume is exact whatever order the server lists
 *   a second's records in. Ordered, one position says it all (everything after the output).
 * - The server is not trusted: every record of a slice's pages must lie in the range asked
 *   for and come in ascending order; records of a second repeated on a later page are
 *   dropped (they are the same records); records a slice drops because a later slice lists
 *   them (after a split or a cut) are checked off against that slice's listing. What cannot be
 *   reconciled is a `PaginationError` (`inconsistent`) carrying the resume cursor, never a
 *   silent loss.
 *
 * The parts, one file each, in the order a newcomer may read them:
 * - `slice.ts`: a slice (a time range listed as one listing) and the ledger of records owed
 *   between slices;
 * - `slice-planner.ts`: which part of the range is listed next, and how wide (densities,
 *   cuts, splits, the first request over a range nothing is known of);
 * - `request-scheduler.ts`: the shared limit of requests in flight, halved on 429, grown back
 *   and probed;
 * - `page-checks.ts`: each page checked against the range, the order and the other slices;
 * - `ordered-merge.ts`: whose page goes out next, and how many pages wait ahead of the output;
 * - `positions.ts`: positions and the resume cursor that holds them;
 * - `partitioned-listing.ts`: the wiring of one listing (starting slices, each slice's fetch
 *   loop, the output loop).
 */
import { resolveTime } from '../core/time.js';
import type { RequestSlot } from '../core/types.js';
import type { Demand } from '../pagination/page-pump.js';
import type { Page } from '../pagination/types.js';
import { PartitionedListing } from './partitioned-listing.js';
import { parsePartitionCursor } from './positions.js';

export { encodePartitionCursor, parsePartitionCursor, recordName, type PartitionCursor, type RangePosition } from './positions.js';

/** Options of a partitioned listing (`{ partition }` of a list call). */
export interface PartitionOptions {
  /**
   * Start of the range: records with `created_at >= since`. A string is ISO 8601 (without a
   * zone it is UTC), or a time before now, resolved when the listing is made (see
   * `resolveTime` in `files-stream/extend`): `'now'`, `'today'` / `'yesterday'` (00:00 UTC),
   * `'90m'`, `'24h'`, `'7d'`, `'2w'`. A resume cursor keeps the instants it was made for.
   */
  since: Date | string | number;
  /**
   * End of the range (exclusive): records with `created_at < until`, in the forms `since`
   * takes (`'now'`, `'1h'`, ...). Default: now (or, resuming, the range the cursor was made for).
   */
  until?: Date | string | number;
  /** Requests in flight at most (slices listed side by side). Default 4. */
  concurrency?: number;
  /** `true` (default): ascending `created_at`. `false`: in arrival order (no waiting for earlier slices). */
  ordered?: boolean;
  /** Pages each slice may hold ahead of the output, in ordered mode. Default 2 (memory: about `concurrency x bufferPages` pages held ahead). */
  bufferPages?: number;
}

/** How an operation takes a time range, found from its parameters in the spec. */
export interface TimeRangeParams {
  /** `filter`: `filter_gteq[created_at]` and `filter_lt` (or `filter_lteq`); `start-end`: `start_at` / `end_at`. */
  readonly style: 'filter' | 'start-end';
  /** The upper bound parameter includes its value (`filter_lteq`, `end_at`): records at `to` are dropped client-side. */
  readonly inclusiveEnd: boolean;
  /** The operation can sort by `created_at` (`sort_by: { created_at: 'asc' }` is sent). */
  readonly sortable: boolean;
}

/** What a partitioned listing needs of the operation. */
export interface PartitionSource<T> {
  /** One slice's listing: records with `from <= created_at < to` (the caller's range parameters), one page at a time. */
  openSlice(from: number, to: number, signal: AbortSignal, slot: RequestSlot): AsyncIterable<Page<T>>;
  /** Name of the operation, for errors. */
  readonly operation: string;
}

/**
 * A time as epoch milliseconds: a `Date`, a number of milliseconds, or a string: ISO 8601 (a
 * date-time without a zone is UTC, as Files.com's are: never the machine's zone) or a time
 * before now (`'24h'`, `'yesterday'`, see `resolveTime`), resolved against the clock now.
 */
export function timeOf(value: Date | string | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : resolveTime(value, Date.now());
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`partition.${name}: not a date-time: ${String(value)}`);
  return ms;
}

/**
 * The pages of a partitioned listing (the page source of a `Paginated`). Pages carry resume
 * cursors (`fs-partition:...`) and `at(k)`, the resume cursor after their first `k` records.
 *
 * @throws RangeError for a `since`/`until` that is not a date-time, or a `startCursor` that is
 *   not a resume cursor of this range (before anything is sent).
 */
export async function* partitionedPages<T>(
  source: PartitionSource<T>,
  options: PartitionOptions & { startCursor?: string; signal?: AbortSignal; perPage?: number },
  demand: Demand,
): AsyncGenerator<Page<T>, void, undefined> {
  const since = timeOf(options.since, 'since');
  const explicitUntil = options.until === undefined ? undefined : timeOf(options.until, 'until');
  // The parts to list: from a resume cursor (whose range a listing without `until` resumes), or the whole range.
  const resumed = parsePartitionCursor(options.startCursor, since, explicitUntil);
  const until = explicitUntil ?? resumed?.until ?? Date.now();
  if (demand.limit === 0 || since >= until) return;
  const listing = new PartitionedListing(source, {
    since,
    until,
    concurrency: options.concurrency ?? 4,
    ordered: options.ordered ?? true,
    bufferPages: options.bufferPages ?? 2,
    perPage: options.perPage ?? 1000,
    limit: demand.limit,
    resumed,
  });
  yield* listing.pages([options.signal, demand.signal].filter((s): s is AbortSignal => s !== undefined));
}
