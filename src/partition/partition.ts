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
 */
import { parseUtcTime } from '../core/time.js';
import type { RequestSlot } from '../core/types.js';
import { FilesError, PaginationError } from '../errors/index.js';
import type { Demand } from '../pagination/page-pump.js';
import { sliceWithRawJson } from '../pagination/raw-json.js';
import type { Page } from '../pagination/types.js';
import { countNames, encodePartitionCursor, namesOf, parsePartitionCursor, recordName, type NameCounts, type RangePosition } from './positions.js';

export { encodePartitionCursor, parsePartitionCursor, recordName, type PartitionCursor, type RangePosition } from './positions.js';

/** Options of a partitioned listing (`{ partition }` of a list call). */
export interface PartitionOptions {
  /** Start of the range: records with `created_at >= since`. A string is ISO 8601; without a zone it is UTC. */
  since: Date | string | number;
  /** End of the range (exclusive): records with `created_at < until`. Default: now (or, resuming, the range the cursor was made for). */
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
 * A time as epoch milliseconds: a `Date`, a number of milliseconds, or an ISO 8601 string (a
 * date-time without a zone is UTC, as Files.com's are: never the machine's zone).
 */
export function timeOf(value: Date | string | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : parseUtcTime(value);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`partition.${name}: not a date-time: ${String(value)}`);
  return ms;
}

/**
 * The time of a record, in ms: its `created_at`, or for history records (which the
 * `start_at`/`end_at` range applies to) their `when`. Read as UTC when it has no zone.
 */
function createdAt(record: unknown, operation: string): number {
  const r = record as { created_at?: unknown; when?: unknown } | null;
  const value = r?.created_at ?? r?.when;
  const ms = typeof value === 'string' ? parseUtcTime(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new FilesError(`${operation}: a record has no usable created_at (or when); a partitioned listing needs one`);
  return ms;
}

const SECOND = 1000;

/**
 * Ordered mode: new slices are sized to hold a little under one page at the density seen, so
 * that each is usually one request (a full page would often need a second). How far under
 * depends on how far the slices' counts have strayed from what their density predicted: at
 * first 0.9 of a page; then `MAX_SLICE_PAGES` over the largest ratio of found to predicted
 * records among the last `SPREAD_WINDOW` slices (0.97 when the density is steady, less when
 * counts scatter, so few slices overflow into a second request).
 */
const FIRST_SLICE_PAGES = 0.9;
const MAX_SLICE_PAGES = 0.97;
const SPREAD_WINDOW = 32;

/** Slices running beyond the limit of requests in flight (see `fill`). */
const SPARE_SLICES = 2;

/** A probe's slice is made only while the unassigned range holds this many slices' worth (see `farProbe`). */
const FAR_AHEAD_SLICES = 64;

/**
 * Adjustable limit of requests in flight, the slot every slice's requests share: a place is
 * taken before each attempt and given back when its response headers arrive (the server is
 * done with it), so a body's transfer and parsing, and a `Retry-After` wait, hold none.
 * Halved on 429, grown by one after a run of successes, never above `max`. Waiting requests
 * get places earliest slice first: the ordered output needs the earliest records first.
 */
class Permits {
  #limit: number;
  #inFlight = 0;
  #successes = 0;
  /** Counts halvings: a 429 to a request sent before the last one is the same congestion, already answered. */
  #epoch = 0;
  /** Requests waiting for a place, by the `from` of their slice. */
  #waiting: { priority: number; far: boolean; grant: () => void }[] = [];
  /**
   * @param max The most requests in flight (`concurrency`).
   * @param farProbes A place above the level known to be safe (a probe) goes only to a slice
   *   listed far ahead of the output (ordered mode: a refused probe's `Retry-After` then holds
   *   up nothing); otherwise to the request furthest ahead.
   */
  constructor(
    readonly max: number,
    private readonly farProbes: boolean,
  ) {
    this.#limit = max;
  }
  get limit(): number {
    return this.#limit;
  }
  /** The limit is above the level known to be safe: the next place beyond that level is a probe. */
  get probeDue(): boolean {
    return this.#limit > this.#known;
  }

  /**
   * A slot for the requests of a slice starting at `priority` (its `from`; `far` for a slice
   * listed far ahead of the output), which `onStatus` hears the status of.
   */
  slotFor(priority: number, far: boolean, onSend: () => void, onStatus: (status: number | undefined) => void): RequestSlot {
    return {
      acquire: async (signal) => {
        onSend();
        await this.#take(priority, far, signal);
        const epoch = this.#epoch;
        return (status) => {
          this.#inFlight--;
          if (status === 429) this.#rateLimited(epoch);
          else if (status !== undefined && status < 400) this.#succeeded();
          this.#grant();
          onStatus(status);
        };
      },
    };
  }

  #take(priority: number, far: boolean, signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        priority,
        far,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const at = this.#waiting.findIndex((w) => w.priority > priority);
      this.#waiting.splice(at < 0 ? this.#waiting.length : at, 0, waiter);
      this.#grant();
    });
  }

  /**
   * Hands free places to the earliest waiting requests, up to the level known to be safe;
   * a place above it (a probe, which the server may refuse with a `Retry-After`) goes to a
   * slice far ahead of the output, or with `farProbes` off to the request furthest ahead.
   */
  #grant(): void {
    while (this.#inFlight < this.#limit && this.#waiting.length > 0) {
      let at = 0;
      if (this.#inFlight >= this.#known) {
        at = this.farProbes ? this.#waiting.findIndex((w) => w.far) : this.#waiting.length - 1;
        if (at < 0) return;
      }
      const [waiter] = this.#waiting.splice(at, 1);
      this.#inFlight++;
      waiter!.grant();
    }
  }

  /**
   * The highest level known to be safe (as TCP's slow-start threshold): after a first 429, the
   * level it halved the limit to; after a probe above it failed, the level below the probe.
   * Growing back to it is quick; growing beyond it is a probe, tried only after a long run of
   * successes, four times as long after each failed probe (a server's limit is usually fixed,
   * and a 429 makes its request wait `Retry-After`, which the ordered output may wait on).
   */
  #known = Infinity;
  /** How much longer than an ordinary run of successes the run before a probe is. */
  #probeRun = 16;

  /** A 429 to a request sent in `epoch`: halves the limit, unless a later halving already answered it. */
  #rateLimited(epoch: number): void {
    this.#successes = 0;
    if (epoch < this.#epoch) return;
    this.#epoch++;
    if (this.#limit > this.#known) {
      this.#known = this.#limit - 1;
      this.#probeRun *= 4;
    } else this.#known = Math.max(1, Math.floor(this.#limit / 2));
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
  }
  /** A success: after a run of them, one more request in flight (never above `max`). */
  #succeeded(): void {
    if (this.#limit >= this.max) return;
    // "A run of successes": as many pages in a row as the limit allows at once (at least 4),
    // `#probeRun` times that to probe above the level known to be safe.
    const run = Math.max(4, this.#limit) * (this.#limit >= this.#known ? this.#probeRun : 1);
    if (++this.#successes >= run) {
      this.#limit++;
      this.#successes = 0;
    }
  }
}


/** Names of records, by their time: records a slice must list (another slice dropped them as its own). */
type Owed = Map<number, NameCounts>;

/** Adds `n` records named `name` at `t` to `owed`. */
function owe(owed: Owed, t: number, name: string, n = 1): void {
  let names = owed.get(t);
  if (!names) owed.set(t, (names = new Map()));
  names.set(name, (names.get(name) ?? 0) + n);
}

/** Takes one record named `name` at `t` off `owed`; false when none was owed. */
function settle(owed: Owed, t: number, name: string): boolean {
  const names = owed.get(t);
  const n = names?.get(name) ?? 0;
  if (n === 0) return false;
  if (n > 1) names!.set(name, n - 1);
  else if (names!.size > 1) names!.delete(name);
  else owed.delete(t);
  return true;
}

/** Moves what `owed` holds at times `>= at` into `into`. */
function moveOwed(owed: Owed, at: number, into: Owed): void {
  for (const [t, names] of owed) {
    if (t < at) continue;
    for (const [name, n] of names) owe(into, t, name, n);
    owed.delete(t);
  }
}

/**
 * Ordered: the rest of a slice cut after a page that showed it dense, listed next. Its density
 * (`records / span`, records per ms) starts as that page's and takes in what the slices carved
 * from it find.
 */
interface Cut {
  from: number;
  readonly to: number;
  records: number;
  span: number;
  /** The records of its first second the cut slice dropped: the slice carved first must list them. */
  readonly owed: Owed;
}

/** A page a slice fetched: its records (those of the slice), their times, and the names of those at its last time. */
interface Fetched<T> {
  readonly items: T[];
  readonly times: number[];
  readonly lastNames: readonly string[];
}

interface Slice<T> {
  readonly id: number;
  from: number;
  /** End of the slice (exclusive); lowered when the slice is split or cut. */
  to: number;
  /** The end its requests ask for (its first `to`): records in `[to, askedTo)` are listed by later slices. */
  readonly askedTo: number;
  /** Position reached: the time of the last record kept. */
  reachedAt: number;
  /** Names of the records at `from` a resume position says were delivered: skipped, whatever their order. */
  skipNames: NameCounts;
  /** The page listed last, as the server sent it: a next page that starts by repeating its end repeats those records. */
  lastPage?: { readonly items: readonly T[]; readonly times: readonly number[] };
  /** The time of the last record its requests listed (kept or not); -1 before the first page. */
  listedUpTo: number;
  /** Its listing has ended (no more pages). */
  ended: boolean;
  /** Records fetched so far (for the density estimate). */
  fetched: number;
  /** Records its density predicted when it was sized (unset for slices not sized from one, and once cut or split). */
  predicted?: number;
  /** The cut it was carved from: what it finds updates the cut's density. */
  cut?: Cut;
  /** Pages fetched and not yet handed out. */
  readonly buffer: Fetched<T>[];
  /** Position delivered: what a resume cursor says for this slice. */
  delivered: { from: number; seen: NameCounts };
  done: boolean;
  /** The fetch loop waits here while its buffer is full (ordered mode). */
  resume?: () => void;
  /** A request of the slice failed and may be sent again (it waits, holding no place): not counted as active. */
  retrying: boolean;
  /** Ordered: listed far ahead of the output to carry a probe (see `Permits`); its page waits outside the buffer budget. */
  far?: boolean;
  /** Records other slices dropped as this one's: checked off as it lists them. */
  readonly owed: Owed;
  /** The slices split off this one: its records past its lowered end are theirs. */
  readonly children: Slice<T>[];
  /**
   * A split child, while its parent may still list records past the split: the names of its
   * first page's worth of records (and of any more at that page's last time), which the
   * parent's records past the split must be among.
   */
  watch?: { readonly names: Owed; count: number; last: number };
}

/**
 * The pages of a partitioned listing (the page source of a `Paginated`). Pages carry resume
 * cursors (`fs-partition:...`) and `at(k)`, the resume cursor after their first `k` records.
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
  const concurrency = options.concurrency ?? 4;
  const ordered = options.ordered ?? true;
  const bufferPages = options.bufferPages ?? 2;
  const perPage = options.perPage ?? 1000;
  const limit = demand.limit;
  if (limit === 0 || since >= until) return;

  const controller = new AbortController();
  const signals = [options.signal, demand.signal].filter((s): s is AbortSignal => s !== undefined);
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const s of signals) {
    s.throwIfAborted();
    s.addEventListener('abort', onAbort, { once: true });
  }
  // Each slice gets a signal of its own, aborted with the listing's: one listener here, not one per slice.
  const sliceControllers = new Set<AbortController>();
  controller.signal.addEventListener('abort', () => {
    for (const c of sliceControllers) c.abort(controller.signal.reason);
  }, { once: true });
  const permits = new Permits(concurrency, ordered);
  const slices: Slice<T>[] = [];
  let nextId = 0;
  let failure: { error: unknown } | undefined;
  /** Wakes the output loop when a page arrives, a slice ends or a failure happens. */
  let wakeOutput: (() => void) | undefined;
  const notify = () => {
    const wake = wakeOutput;
    wakeOutput = undefined;
    wake?.();
  };
  const inconsistent = (message: string) => new PaginationError('inconsistent', `${source.operation}: ${message}`);

  // `pending`: parts to list first (a resumed position's first second, with the names of the
  // records there already delivered, and the parts of an unordered resume); `unassigned`: what
  // no slice covers yet.
  const pending: RangePosition[] = [];
  let unassigned = { from: since, to: until };
  if (resumed) {
    unassigned = { from: until, to: until };
    const last = resumed.positions.at(-1);
    for (const p of resumed.positions) {
      let from = p.from;
      if (p.seen.length > 0) {
        // The second the position is inside of, on its own (its records are named); the rest as any part.
        const second = Math.min(p.to, Math.floor(p.from / SECOND) * SECOND + SECOND);
        pending.push({ from: p.from, to: second, seen: p.seen });
        from = second;
      }
      if (from >= p.to) continue;
      // The part that runs to the end of the range is planned as a fresh listing's would be.
      if (p === last && p.to === until) unassigned = { from, to: until };
      else pending.push({ from, to: p.to, seen: [] });
    }
  }
  // Ordered: the rest of slices cut after a page that showed them dense, listed next in slices
  // of about one page each (all below `unassigned`).
  const cuts: Cut[] = [];
  // After a slice came back empty (until one does not), each new slice is at least twice as
  // wide as the one before: time with no records costs a few requests, however long it is
  // (after a burst, the density seen so far would make it thousands of narrow slices).
  let emptyWidth = 0;
  const widen = (from: number, width: number): number => {
    if (emptyWidth > 0) width = emptyWidth = Math.max(width, 2 * emptyWidth);
    return from + width;
  };
  // Records and time span of the slices already finished: with the running ones, the density that sizes new slices.
  let doneRecords = 0;
  let doneSpan = 0;
  // Records handed out so far (for a limit: no slice is started that the limit cannot need).
  let handedOut = 0;

  /**
   * Starts listing `[from, to)`. `density` (records per ms) is the one the slice was sized
   * from, if any: what the slice finds is then checked against it (and added to `cut`'s).
   */
  const newSlice = (from: number, to: number, how: { seen?: readonly string[]; far?: boolean; density?: number; cut?: Cut; owed?: Owed; watch?: boolean } = {}): Slice<T> => {
    const seen = countNames(how.seen ?? []);
    const slice: Slice<T> = {
      id: nextId++,
      from,
      to,
      askedTo: to,
      reachedAt: from,
      skipNames: new Map(seen),
      listedUpTo: -1,
      ended: false,
      fetched: 0,
      predicted: how.density === undefined ? undefined : how.density * (to - from),
      cut: how.cut,
      buffer: [],
      delivered: { from, seen },
      done: false,
      retrying: false,
      far: how.far,
      owed: how.owed ?? new Map(),
      children: [],
      watch: how.watch ? { names: new Map(), count: 0, last: -1 } : undefined,
    };
    slices.push(slice);
    slices.sort((a, b) => a.from - b.from);
    void run(slice).catch((error: unknown) => {
      failure ??= { error };
      controller.abort(error);
      notify();
    });
    return slice;
  };

  /**
   * Width of a new slice: about `pages` pages at the density seen so far (records per ms;
   * `undefined` before any is seen, when the width is a fraction of the range).
   */
  const widthFor = (pages: number): { width: number; density?: number } => {
    let records = doneRecords;
    let span = doneSpan;
    for (const s of slices) {
      records += s.fetched;
      span += (s.done ? s.to : s.reachedAt) - s.from;
    }
    // Nothing seen yet: a fraction of the range, and at least all the empty time covered so far
    // (so a sparse range takes a few requests, not one per narrow slice).
    if (records === 0) return { width: Math.max(SECOND, Math.ceil((until - since) / (concurrency * 8)), span) };
    return { width: Math.max(SECOND, Math.ceil((pages * perPage * span) / records)), density: records / span };
  };

  // Found / predicted records of the last slices sized from a density (see MAX_SLICE_PAGES).
  const spread: number[] = [];
  const slicePages = (): number => (spread.length < SPREAD_WINDOW / 4 ? FIRST_SLICE_PAGES : Math.max(0.5, Math.min(MAX_SLICE_PAGES, MAX_SLICE_PAGES / Math.max(...spread))));

  /** Ends `slice` early, at `to` (a cut or a split): what it finds then says nothing of its density. */
  const endAt = (slice: Slice<T>, to: number): void => {
    slice.to = to;
    slice.predicted = undefined;
    slice.cut = undefined;
  };

  /** Ordered: the slice whose pages go out next (the earliest, unless the rest of a cut slice comes before it). */
  const isHead = (slice: Slice<T>): boolean => slice === slices[0] && !(cuts.length > 0 && cuts[0]!.from < slice.from);
  const buffered = () => slices.reduce((n, s) => n + (isHead(s) || s.far ? 0 : s.buffer.length), 0);
  const active = () => slices.filter((s) => !s.done && !s.retrying && !(ordered && !isHead(s) && s.buffer.length >= bufferPages)).length;

  /**
   * With a limit (`take(n)`): another slice may be needed, because the records fetched (or
   * handed out) so far, plus a full page from each running slice, could fall short of it.
   */
  const limitMayNeedMore = (): boolean => {
    if (limit === undefined) return true;
    // Ordered: the records of slices after a part not being listed yet (a cut, a pending part,
    // the unassigned range) cannot go out before that part's.
    let gap = Infinity;
    if (ordered) {
      if (cuts.length > 0) gap = cuts[0]!.from;
      if (pending.length > 0) gap = Math.min(gap, pending[0]!.from);
      if (unassigned.from < unassigned.to) gap = Math.min(gap, unassigned.from);
    }
    let expected = handedOut;
    for (const s of slices) {
      if (s.from >= gap) break;
      for (const page of s.buffer) expected += page.items.length;
      if (!s.done) expected += perPage;
    }
    return expected < limit;
  };

  /**
   * Starts slices while requests may be added: pending parts, new ones from the unassigned
   * range, or splits. A couple more slices than places run, so that while some read and parse
   * their pages (holding no place), others' requests keep every place busy.
   */
  const fill = (): void => {
    while (!controller.signal.aborted && active() < permits.limit + SPARE_SLICES && limitMayNeedMore()) {
      // Ordered: nothing more ahead of the output once the buffers are full, except the part
      // that comes next (the rest of a cut slice), which the output is waiting for.
      if (ordered && buffered() >= concurrency * bufferPages && !(cuts.length > 0 && !slices.some(isHead))) return;
      const next = pending.shift();
      if (next) {
        newSlice(next.from, next.to, { seen: next.seen });
        continue;
      }
      if (ordered && limit === undefined && permits.probeDue && farProbe()) continue;
      // Ordered: the rest of a dense slice comes first (its records are needed before any later time).
      const cut = cuts[0];
      if (cut) {
        const density = cut.records / cut.span;
        const to = Math.min(cut.to, roundUp(widen(cut.from, Math.max(SECOND, (slicePages() * perPage) / density))));
        const owed: Owed = new Map();
        moveOwed(cut.owed, cut.from, owed);
        moveOwed(owed, to, cut.owed); // what lies past this slice stays with the cut
        newSlice(cut.from, to, { density, cut, owed });
        if (to < cut.to) cut.from = to;
        else cuts.shift();
        continue;
      }
      if (unassigned.from < unassigned.to) {
        // Ordered: slices of about one page each, so each is one request and none is a chain of
        // round trips the output waits on. Arrival order: one slice per worker; splits balance the end.
        const { width, density } = ordered ? widthFor(slicePages()) : { width: Math.ceil((until - since) / concurrency), density: undefined };
        const to = Math.min(unassigned.to, roundUp(ordered ? widen(unassigned.from, width) : unassigned.from + width));
        newSlice(unassigned.from, to, { density });
        unassigned = { from: to, to: unassigned.to };
        continue;
      }
      if (!splitLargest()) return;
    }
  };

  /**
   * Ordered: when a probe is due (the limit is above the level known to be safe) and none is
   * on its way, a one-page slice from the far end of the unassigned range to carry it (at
   * most `concurrency` such slices at once, each holding at most a page until the output
   * gets there). False when there is none to make.
   */
  const farProbe = (): boolean => {
    const far = slices.filter((s) => s.far);
    if (far.some((s) => !s.done) || far.length >= concurrency || unassigned.from >= unassigned.to) return false;
    const { width, density } = widthFor(slicePages());
    if (density === undefined || unassigned.to - unassigned.from < FAR_AHEAD_SLICES * width) return false;
    const from = roundUp(unassigned.to - width);
    if (from <= unassigned.from || from >= unassigned.to) return false;
    newSlice(from, unassigned.to, { far: true, density });
    unassigned = { from: unassigned.from, to: from };
    return true;
  };

  /** Where `slice` would be split: the middle of the time it has left, on a whole second; `undefined` if nowhere. */
  const splitPoint = (slice: Slice<T>): number | undefined => {
    const reached = Math.max(slice.reachedAt, slice.from);
    const at = roundUp(reached + (slice.to - reached) / 2);
    return at <= reached || at >= slice.to ? undefined : at;
  };

  /**
   * Splits `slice` at `at`: it stops there, a new slice takes the rest. The slice's pages on
   * their way still hold records past `at`: the new slice watches its first page's worth, which
   * those records must be among.
   */
  const splitAt = (slice: Slice<T>, at: number): void => {
    const to = slice.to;
    endAt(slice, at);
    const owed: Owed = new Map();
    moveOwed(slice.owed, at, owed);
    slice.children.push(newSlice(at, to, { owed, watch: true }));
  };

  /**
   * Splits the slice with the most time left (of those that have shown a full page: one that
   * has shown none is likely sparse, and halves would cost requests for nothing); false when
   * none can be split.
   */
  const splitLargest = (): boolean => {
    let best: { slice: Slice<T>; at: number; left: number } | undefined;
    for (const slice of slices) {
      if (slice.done || slice.fetched < perPage) continue;
      const at = splitPoint(slice);
      const left = slice.to - Math.max(slice.reachedAt, slice.from);
      if (at !== undefined && left > (best?.left ?? 0)) best = { slice, at, left };
    }
    if (!best) return false;
    splitAt(best.slice, best.at);
    return true;
  };

  /**
   * A record `parent` listed past its lowered end (`t` in `[to, askedTo)`): a later slice lists
   * it. It must be among what the split child watched, or still to come in the listing of the
   * slice (or cut) that covers `t` now; anything else is a contradiction between the pages.
   */
  const handOver = (parent: Slice<T>, t: number, name: string): void => {
    for (const child of parent.children) if (child.watch && settle(child.watch.names, t, name)) return;
    const slice = slices.find((s) => s.from <= t && t < s.to) ?? parent.children.find((s) => s.from <= t && t < s.to);
    if (slice && !slice.ended && slice.listedUpTo < t) return owe(slice.owed, t, name);
    const cut = cuts.find((c) => c.from <= t && t < c.to);
    if (cut) return owe(cut.owed, t, name);
    throw inconsistent(`a record at ${isoOf(t)} was listed by a slice past its end, and the slice listing that time did not list it: the server's pages contradict each other (a record deleted in between does this too); resume from resumeCursor to list the rest again`);
  };

  /** Checks a slice's listing against what was owed to it, after a page (`ended`: the listing is over). */
  const checkOwed = (slice: Slice<T>): void => {
    for (const [t, names] of slice.owed) {
      if (t >= slice.listedUpTo && !slice.ended) continue;
      const count = [...names.values()].reduce((a, b) => a + b, 0);
      throw inconsistent(
        `${count} record${count === 1 ? '' : 's'} at ${isoOf(t)} listed by one slice (past its end) ${count === 1 ? 'was' : 'were'} not listed by the slice of that time: the server's pages contradict each other (a record deleted in between does this too); resume from resumeCursor to list the rest again`,
      );
    }
  };

  /** Lists one slice, page by page, under the limit of requests in flight. */
  const run = async (slice: Slice<T>): Promise<void> => {
    const own = new AbortController();
    sliceControllers.add(own);
    const slot = permits.slotFor(
      slice.from,
      slice.far === true,
      () => (slice.retrying = false),
      (status) => {
        if (status === undefined || status >= 400) slice.retrying = true;
      },
    );
    const pages = source.openSlice(slice.from, slice.askedTo, own.signal, slot);
    const iterator = pages[Symbol.asyncIterator]();
    try {
      while (!slice.done) {
        while (ordered && !isHead(slice) && slice.buffer.length >= bufferPages) {
          await new Promise<void>((resolve) => (slice.resume = resolve));
          controller.signal.throwIfAborted();
        }
        const step = await iterator.next();
        controller.signal.throwIfAborted();
        if (step.done) {
          slice.ended = true;
          checkOwed(slice);
          break;
        }
        const page = takePage(slice, step.value.items, step.value.nextCursor === undefined);
        if (page) {
          slice.fetched += page.items.length;
          slice.buffer.push(page);
        }
        checkOwed(slice);
        notify();
        fill();
      }
    } finally {
      await iterator.return?.().catch(() => {});
      sliceControllers.delete(own);
      // Its pages are over: nothing more of it can land past a split.
      for (const child of slice.children) child.watch = undefined;
    }
    slice.done = true;
    // A slice sized from a density and listed to its end (not cut, not split): what it found
    // is evidence of the density.
    if (slice.predicted !== undefined) {
      if (slice.cut) {
        slice.cut.records += slice.fetched;
        slice.cut.span += slice.to - slice.from;
      }
      emptyWidth = slice.fetched === 0 ? Math.max(emptyWidth, slice.to - slice.from) : 0;
      // How far its count strayed from the prediction (slices predicted to hold a few records
      // stray by chance alone, and say little).
      if (slice.predicted >= perPage / 4) {
        spread.push(slice.fetched / slice.predicted);
        if (spread.length > SPREAD_WINDOW) spread.shift();
      }
    }
    notify();
    fill();
  };

  /**
   * The part of a page that is the slice's: checks every record (in the range asked for, in
   * ascending order), checks off what was owed to the slice, drops repeats of records already
   * kept at its position's second, and hands records past its end to the slices that list them.
   * Ordered, a page that shows the slice dense cuts it before its last second. `undefined` when
   * the page holds nothing to hand out.
   */
  const takePage = (slice: Slice<T>, all: T[], last: boolean): Fetched<T> | undefined => {
    const times = new Array<number>(all.length);
    for (let i = 0; i < all.length; i++) {
      const t = (times[i] = createdAt(all[i], source.operation));
      if (t < slice.from || t > slice.askedTo) {
        throw inconsistent(
          `the server listed a record created at ${isoOf(t)} for the range ${isoOf(slice.from)} to ${isoOf(slice.askedTo)} it was asked for: the records' times are not read as the server filters them (a created_at without a time zone is read as UTC)`,
        );
      }
    }
    // A page that starts by repeating the end of the page before (overlapping pages): those
    // records were listed already. The rest must go on in ascending order.
    const repeated = repeatedRun(slice, all, times);
    slice.lastPage = { items: all, times };
    let previous = Math.max(slice.listedUpTo, slice.from);
    for (let i = repeated; i < all.length; i++) {
      if (times[i]! < previous) throw inconsistent('records are not in ascending created_at order; a partitioned listing needs them to be');
      previous = times[i]!;
    }
    slice.ended = last;
    if (all.length > 0) slice.listedUpTo = Math.max(slice.listedUpTo, times[all.length - 1]!);
    // The split child's watch: its first page's worth of records, and any more at that page's last time.
    const watch = slice.watch;
    if (watch) {
      for (let i = repeated; i < all.length && (watch.count < perPage || times[i] === watch.last); i++) {
        owe(watch.names, times[i]!, recordName(all[i]));
        watch.count++;
        watch.last = times[i]!;
      }
    }
    if (slice.owed.size > 0) {
      for (let i = repeated; i < all.length; i++) if (slice.owed.has(times[i]!)) settle(slice.owed, times[i]!, recordName(all[i]));
    }
    // The records of the slice: those before its end, minus the repeated run and those a resume
    // position names (at its first second, in any order).
    let end = all.length;
    const repeats = new Set<number>();
    for (let i = 0; i < repeated; i++) repeats.add(i);
    if (slice.skipNames.size > 0) {
      for (let i = repeated; i < all.length && times[i] === slice.from; i++) {
        const name = recordName(all[i]);
        const n = slice.skipNames.get(name) ?? 0;
        if (n > 0) {
          slice.skipNames.set(name, n - 1);
          repeats.add(i);
        }
      }
      if (all.length > 0 && times[all.length - 1]! > slice.from) slice.skipNames.clear();
    }
    for (let i = 0; i < all.length; i++) {
      if (times[i]! >= slice.to) {
        slice.done = true; // the rest belongs to later slices (a split, or an inclusive end)
        end = i;
        for (let j = i; j < all.length; j++) if (times[j]! < slice.askedTo) handOver(slice, times[j]!, recordName(all[j]));
        break;
      }
    }
    // Ordered: a slice whose page shows it has well over another page left is cut after
    // this page, before its last second (whose records may go on in the next page); the
    // rest is listed next as slices of about a page each, side by side.
    if (ordered && !slice.done && !last && end > 0) {
      const lastTime = times[end - 1]!;
      const records = slice.fetched + end - repeats.size;
      const span = Math.max(SECOND, lastTime - slice.from);
      let keep = end;
      while (keep > 0 && times[keep - 1] === lastTime) keep--;
      if (keep > 0 && (records / span) * (slice.to - lastTime) > 1.5 * perPage) {
        const owed: Owed = new Map();
        for (let j = keep; j < end; j++) if (!repeats.has(j)) owe(owed, times[j]!, recordName(all[j]));
        moveOwed(slice.owed, lastTime, owed);
        cuts.push({ from: lastTime, to: slice.to, records, span, owed });
        cuts.sort((a, b) => a.from - b.from);
        endAt(slice, lastTime);
        slice.done = true;
        end = keep;
      }
    }
    // What is kept, and the names of the kept records at the page's last time.
    let items: T[];
    let kept: number[];
    if (repeats.size === 0) {
      items = end === all.length ? all : sliceWithRawJson(all, 0, end);
      kept = end === all.length ? times : times.slice(0, end);
    } else {
      items = [];
      kept = [];
      for (let i = 0; i < end; i++) {
        if (repeats.has(i)) continue;
        items.push(all[i]!);
        kept.push(times[i]!);
      }
    }
    if (kept.length === 0) return undefined;
    const lastTime = kept[kept.length - 1]!;
    let firstAtLast = kept.length;
    while (firstAtLast > 0 && kept[firstAtLast - 1] === lastTime) firstAtLast--;
    const lastNames: string[] = [];
    for (let i = firstAtLast; i < kept.length; i++) lastNames.push(recordName(items[i]));
    slice.reachedAt = lastTime;
    return { items, times: kept, lastNames };
  };

  /**
   * How many records at the start of a page repeat the end of the slice's page before, in the
   * same order (overlapping pages). Only a page that starts at or before the time listed last
   * can: at an earlier time any run is a repeat (else the page is out of order); at that same
   * time a record with an id is, but records named by their content need a run of two, since
   * one record identical to the last one before the page may be its twin (two identical log
   * lines) and is kept.
   */
  const repeatedRun = (slice: Slice<T>, all: T[], times: number[]): number => {
    const before = slice.lastPage;
    if (!before || all.length === 0 || times[0]! > slice.listedUpTo) return 0;
    const names = new Map<number, string>();
    const nameBefore = (j: number) => names.get(j) ?? names.set(j, recordName(before.items[j])).get(j)!;
    const nameHere: string[] = [];
    const nameOf = (i: number) => (nameHere[i] ??= recordName(all[i]));
    const n = before.items.length;
    // The longest run: the earliest place in the page before where one could start.
    for (let j = Math.max(0, n - all.length); j < n; j++) {
      if (before.times[j] !== times[0] || nameBefore(j) !== nameOf(0)) continue;
      let k = 1;
      while (j + k < n && times[k] === before.times[j + k] && nameBefore(j + k) === nameOf(k)) k++;
      if (j + k < n) continue;
      const ambiguous = times[0] === slice.listedUpTo && k === 1 && !nameOf(0).startsWith('#');
      return ambiguous ? 0 : k;
    }
    return 0;
  };

  /**
   * Positions not yet delivered, as of now. A finished slice with nothing left to hand out is
   * complete (left out), unless it is `current`, whose page is being handed out. Ordered, one
   * position says it all: everything after the earliest part not delivered.
   */
  const positions = (current?: Slice<T>): RangePosition[] => {
    const out: RangePosition[] = [];
    for (const s of slices) {
      if (s.done && s.buffer.length === 0 && s !== current) continue;
      out.push({ from: s.delivered.from, to: s.to, seen: namesOf(s.delivered.seen) });
    }
    for (const p of pending) out.push(p);
    for (const c of cuts) out.push({ from: c.from, to: c.to, seen: [] });
    if (unassigned.from < unassigned.to) out.push({ from: unassigned.from, to: unassigned.to, seen: [] });
    const parts = out.filter((p) => p.from < p.to).sort((a, b) => a.from - b.from);
    return ordered && parts.length > 0 ? [{ ...parts[0]!, to: until }] : parts;
  };
  const cursorOf = (parts: RangePosition[]): string | undefined => (parts.length ? encodePartitionCursor({ since, until, positions: parts }) : undefined);

  /** The delivered position of a slice moved past records at these times (`names`: of those at the last time). */
  const advance = (at: { from: number; seen: NameCounts }, lastTime: number, names: readonly string[]): { from: number; seen: NameCounts } => {
    const seen = lastTime === at.from ? new Map(at.seen) : new Map<string, number>();
    for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    return { from: lastTime, seen };
  };

  /** A page handed out from `slice`, with resume cursors that name its records exactly. */
  const handOut = (slice: Slice<T>, page: Fetched<T>): Page<T> => {
    const start = slice.delivered;
    const before = positions(slice);
    const cursorAfter = (count: number): string | undefined => {
      if (count >= page.items.length) return next;
      if (count <= 0) return cursorOf(before);
      const lastTime = page.times[count - 1]!;
      const names: string[] = [];
      for (let i = count - 1; i >= 0 && page.times[i] === lastTime; i--) names.push(recordName(page.items[i]));
      const after = advance(start, lastTime, names);
      const mine = (p: RangePosition) => p.from === start.from && (ordered || p.to === slice.to);
      return cursorOf(before.map((p) => (mine(p) ? { from: after.from, to: p.to, seen: namesOf(after.seen) } : p)));
    };
    slice.delivered = advance(start, page.times[page.times.length - 1]!, page.lastNames);
    handedOut += page.items.length;
    const next = cursorOf(positions());
    return { items: page.items, cursor: cursorOf(before), nextCursor: next, prevCursor: undefined, at: cursorAfter };
  };

  try {
    fill();
    while (true) {
      if (failure) throw withResume(failure.error, cursorOf(positions()));
      controller.signal.throwIfAborted();
      // Drop finished, emptied slices (complete); in ordered mode only from the head, in order.
      for (let i = 0; i < slices.length; ) {
        const s = slices[i]!;
        if (s.done && s.buffer.length === 0) {
          slices.splice(i, 1);
          doneRecords += s.fetched;
          doneSpan += s.to - s.from;
        } else if (ordered) break;
        else i++;
      }
      const from = ordered ? slices.find(isHead) : slices.find((s) => s.buffer.length > 0);
      const page = from?.buffer.shift();
      if (from && page) {
        from.resume?.();
        from.resume = undefined;
        if (ordered) slices.forEach((s) => s.resume?.());
        fill();
        yield handOut(from, page);
        continue;
      }
      if (slices.length === 0 && pending.length === 0 && cuts.length === 0 && unassigned.from >= unassigned.to) return;
      fill();
      await new Promise<void>((resolve) => {
        wakeOutput = resolve;
      });
    }
  } finally {
    for (const s of signals) s.removeEventListener('abort', onAbort);
    if (!controller.signal.aborted) controller.abort(new DOMException('listing stopped', 'AbortError'));
    for (const s of slices) s.resume?.();
  }
}

/** Rounds a time up to a whole second (records carry whole seconds; boundaries stay on them). */
function roundUp(ms: number): number {
  return Math.ceil(ms / SECOND) * SECOND;
}

/** An instant as ISO 8601 UTC, for messages. */
function isoOf(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Marks an error with the resume cursor of everything not delivered yet. */
function withResume(error: unknown, cursor: string | undefined): unknown {
  if (error instanceof FilesError) error.resumeCursor = cursor;
  return error;
}
