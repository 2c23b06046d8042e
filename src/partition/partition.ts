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
 * - Positions are `(from, skip, to)`: the slice's records from `from` on, minus the first
 *   `skip` (those at `from` already delivered). A resume cursor (`fs-partition:...`) lists
 *   the positions of every part not yet delivered.
 */
import { FilesError, PaginationError } from '../errors/index.js';
import type { RequestSlot } from '../core/types.js';
import type { Demand } from '../pagination/page-pump.js';
import { sliceWithRawJson } from '../pagination/raw-json.js';
import type { Page } from '../pagination/types.js';

/** Options of a partitioned listing (`{ partition }` of a list call). */
export interface PartitionOptions {
  /** Start of the range: records with `created_at >= since`. */
  since: Date | string | number;
  /** End of the range (exclusive): records with `created_at < until`. Default: now. */
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

/** A part of the range not delivered yet: records of `[from, to)` minus the first `skip` at `from`. */
export interface RangePosition {
  readonly from: number;
  readonly skip: number;
  readonly to: number;
}

const TOKEN_PREFIX = 'fs-partition:';

/** Writes positions as a resume cursor. */
export function encodePartitionCursor(positions: readonly RangePosition[]): string {
  const json = JSON.stringify({ v: 1, r: positions.map((p) => [p.from, p.skip, p.to]) });
  return TOKEN_PREFIX + btoa(json).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads a resume cursor of a partitioned listing; `undefined` for a cursor that is not one. */
export function parsePartitionCursor(cursor: string | undefined, since: number, until: number): RangePosition[] | undefined {
  if (cursor === undefined) return undefined;
  if (!cursor.startsWith(TOKEN_PREFIX)) throw new RangeError('startCursor: not the resume cursor of a partitioned listing (fs-partition:...)');
  let data: { v?: unknown; r?: unknown };
  try {
    data = JSON.parse(atob(cursor.slice(TOKEN_PREFIX.length).replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    throw new RangeError('startCursor: the partition resume cursor is corrupt');
  }
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (data.v !== 1 || !Array.isArray(data.r)) throw new RangeError('startCursor: the partition resume cursor is corrupt');
  const out: RangePosition[] = [];
  for (const item of data.r as unknown[]) {
    if (!Array.isArray(item) || item.length !== 3 || !item.every(ok)) throw new RangeError('startCursor: the partition resume cursor is corrupt');
    const [from, skip, to] = item as [number, number, number];
    if (from >= to || from < since || to > until) {
      throw new RangeError('startCursor: the partition resume cursor is for another range (since/until changed?)');
    }
    out.push({ from, skip, to });
  }
  return out.sort((a, b) => a.from - b.from);
}

/** A time as epoch milliseconds. */
export function timeOf(value: Date | string | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`partition.${name}: not a date-time: ${String(value)}`);
  return ms;
}

/**
 * The time of a record, in ms: its `created_at`, or for history records (which the
 * `start_at`/`end_at` range applies to) their `when`.
 */
function createdAt(record: unknown, operation: string): number {
  const r = record as { created_at?: unknown; when?: unknown } | null;
  const value = r?.created_at ?? r?.when;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
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
}

/** A page a slice fetched: its records (those of the slice) and their times. */
interface Fetched<T> {
  readonly items: T[];
  readonly times: number[];
}

interface Slice<T> {
  readonly id: number;
  from: number;
  /** End of the slice (exclusive); lowered when the slice is split. */
  to: number;
  /** Records at `from` to skip (delivered by an earlier run). */
  skip: number;
  /** Position reached: the records fetched so far end at `reachedAt` (with `reachedCount` records there). */
  reachedAt: number;
  reachedCount: number;
  /** Records fetched so far (for the density estimate). */
  fetched: number;
  /** Records its density predicted when it was sized (unset for slices not sized from one, and once cut or split). */
  expected?: number;
  /** The cut it was carved from: what it finds updates the cut's density. */
  cut?: Cut;
  /** Pages fetched and not yet handed out, with their records' `created_at` in ms. */
  readonly buffer: Fetched<T>[];
  /** Position delivered: what a resume cursor says for this slice. */
  delivered: { from: number; skip: number };
  done: boolean;
  /** The fetch loop waits here while its buffer is full (ordered mode). */
  resume?: () => void;
  /** A request of the slice failed and may be sent again (it waits, holding no place): not counted as active. */
  retrying: boolean;
  /** Ordered: listed far ahead of the output to carry a probe (see `Permits`); its page waits outside the buffer budget. */
  far?: boolean;
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
  const until = options.until === undefined ? Date.now() : timeOf(options.until, 'until');
  const concurrency = options.concurrency ?? 4;
  const ordered = options.ordered ?? true;
  const bufferPages = options.bufferPages ?? 2;
  const perPage = options.perPage ?? 1000;
  if (demand.limit === 0 || since >= until) return;

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

  // The parts to list: from a resume cursor, or the whole range; `unassigned` is what no slice covers yet.
  const resumed = parsePartitionCursor(options.startCursor, since, until);
  const pending: RangePosition[] = resumed ?? [];
  let unassigned = resumed ? { from: until, to: until } : { from: since, to: until };
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

  /**
   * Starts listing `[from, to)`. `density` (records per ms) is the one the slice was sized
   * from, if any: what the slice finds is then checked against it (and added to `cut`'s).
   */
  const newSlice = (from: number, to: number, how: { skip?: number; far?: boolean; density?: number; cut?: Cut } = {}): Slice<T> => {
    const skip = how.skip ?? 0;
    const slice: Slice<T> = {
      id: nextId++,
      from,
      to,
      skip,
      reachedAt: from,
      reachedCount: 0,
      fetched: 0,
      expected: how.density === undefined ? undefined : how.density * (to - from),
      cut: how.cut,
      buffer: [],
      delivered: { from, skip },
      done: false,
      retrying: false,
      far: how.far,
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
    slice.expected = undefined;
    slice.cut = undefined;
  };

  /** Ordered: the slice whose pages go out next (the earliest, unless the rest of a cut slice comes before it). */
  const isHead = (slice: Slice<T>): boolean => slice === slices[0] && !(cuts.length > 0 && cuts[0]!.from < slice.from);
  const buffered = () => slices.reduce((n, s) => n + (isHead(s) || s.far ? 0 : s.buffer.length), 0);
  const active = () => slices.filter((s) => !s.done && !s.retrying && !(ordered && !isHead(s) && s.buffer.length >= bufferPages)).length;

  /**
   * Starts slices while requests may be added: pending parts, new ones from the unassigned
   * range, or splits. A couple more slices than places run, so that while some read and parse
   * their pages (holding no place), others' requests keep every place busy.
   */
  const fill = (): void => {
    while (!controller.signal.aborted && active() < permits.limit + SPARE_SLICES) {
      // Ordered: nothing more ahead of the output once the buffers are full, except the part
      // that comes next (the rest of a cut slice), which the output is waiting for.
      if (ordered && buffered() >= concurrency * bufferPages && !(cuts.length > 0 && !slices.some(isHead))) return;
      const next = pending.shift();
      if (next) {
        newSlice(next.from, next.to, { skip: next.skip });
        continue;
      }
      if (ordered && permits.probeDue && farProbe()) continue;
      // Ordered: the rest of a dense slice comes first (its records are needed before any later time).
      const cut = cuts[0];
      if (cut) {
        const density = cut.records / cut.span;
        const to = Math.min(cut.to, roundUp(widen(cut.from, Math.max(SECOND, (slicePages() * perPage) / density))));
        newSlice(cut.from, to, { density, cut });
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

  /** Splits `slice` at `at`: it stops there, a new slice takes the rest. */
  const splitAt = (slice: Slice<T>, at: number): void => {
    const to = slice.to;
    endAt(slice, at);
    newSlice(at, to);
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
    const pages = source.openSlice(slice.from, slice.to, own.signal, slot);
    const iterator = pages[Symbol.asyncIterator]();
    let skip = slice.skip;
    try {
      while (!slice.done) {
        while (ordered && !isHead(slice) && slice.buffer.length >= bufferPages) {
          await new Promise<void>((resolve) => (slice.resume = resolve));
          controller.signal.throwIfAborted();
        }
        const step = await iterator.next();
        controller.signal.throwIfAborted();
        if (step.done) break;
        // The records of the slice: a run of the page's (after those skipped, before `to`).
        const all = step.value.items;
        let first = 0;
        let end = all.length;
        const times: number[] = [];
        for (let i = 0; i < all.length; i++) {
          const t = createdAt(all[i], source.operation);
          if (t < slice.reachedAt) throw new PaginationError('cursor-loop', `${source.operation}: records are not in ascending created_at order; a partitioned listing needs them to be`);
          if (t >= slice.to) {
            slice.done = true; // the rest belongs to a later slice (a split, or an inclusive end)
            end = i;
            break;
          }
          if (t === slice.from && skip > 0) {
            // Records at `from` come first (ascending order is checked): the skipped ones are a prefix.
            skip--;
            first = i + 1;
            continue;
          }
          if (t === slice.reachedAt) slice.reachedCount++;
          else {
            slice.reachedAt = t;
            slice.reachedCount = 1;
          }
          times.push(t);
        }
        // Ordered: a slice whose page shows it has well over another page left is cut after
        // this page, before its last second (whose records may go on in the next page); the
        // rest is listed next as slices of about a page each, side by side.
        if (ordered && !slice.done && end === all.length && step.value.nextCursor !== undefined) {
          const records = slice.fetched + times.length;
          const span = Math.max(SECOND, slice.reachedAt - slice.from);
          let keep = times.length;
          while (keep > 0 && times[keep - 1] === slice.reachedAt) keep--;
          if (keep > 0 && (records / span) * (slice.to - slice.reachedAt) > 1.5 * perPage) {
            cuts.push({ from: slice.reachedAt, to: slice.to, records, span });
            cuts.sort((a, b) => a.from - b.from);
            endAt(slice, slice.reachedAt);
            slice.done = true;
            end = first + keep;
            times.length = keep;
          }
        }
        const items = first === 0 && end === all.length ? all : sliceWithRawJson(all, first, end);
        slice.fetched += items.length;
        slice.buffer.push({ items, times });
        notify();
        fill();
      }
    } finally {
      await iterator.return?.().catch(() => {});
      sliceControllers.delete(own);
    }
    slice.done = true;
    // A slice sized from a density and listed to its end (not cut, not split): what it found
    // is evidence of the density.
    if (slice.expected !== undefined) {
      if (slice.cut) {
        slice.cut.records += slice.fetched;
        slice.cut.span += slice.to - slice.from;
      }
      emptyWidth = slice.fetched === 0 ? Math.max(emptyWidth, slice.to - slice.from) : 0;
      // How far its count strayed from the prediction (slices predicted to hold a few records
      // stray by chance alone, and say little).
      if (slice.expected >= perPage / 4) {
        spread.push(slice.fetched / slice.expected);
        if (spread.length > SPREAD_WINDOW) spread.shift();
      }
    }
    notify();
    fill();
  };

  /**
   * Positions not yet delivered, as of now. A finished slice with nothing left to hand out is
   * complete (left out), unless it is `current`, whose page is being handed out.
   */
  const positions = (current?: Slice<T>): RangePosition[] => {
    const out: RangePosition[] = [];
    for (const s of slices) {
      if (s.done && s.buffer.length === 0 && s !== current) continue;
      out.push({ from: s.delivered.from, skip: s.delivered.skip, to: s.to });
    }
    for (const p of pending) out.push(p);
    for (const c of cuts) out.push({ from: c.from, skip: 0, to: c.to });
    if (unassigned.from < unassigned.to) out.push({ from: unassigned.from, skip: 0, to: unassigned.to });
    return out.filter((p) => p.from < p.to).sort((a, b) => a.from - b.from);
  };

  /** Moves a slice's delivered position past records at these times. */
  const advance = (at: { from: number; skip: number }, times: readonly number[]): { from: number; skip: number } => {
    let { from, skip } = at;
    for (const t of times) {
      if (t === from) skip++;
      else {
        from = t;
        skip = 1;
      }
    }
    return { from, skip };
  };

  /** A page handed out from `slice`, with resume cursors that count its records exactly. */
  const handOut = (slice: Slice<T>, page: Fetched<T>): Page<T> => {
    const start = slice.delivered;
    const before = positions(slice);
    const mine = (p: RangePosition) => p.from === start.from && p.skip === start.skip && p.to === slice.to;
    const cursorAfter = (count: number): string | undefined => {
      if (count >= page.items.length) return next;
      const after = advance(start, page.times.slice(0, count));
      return encodePartitionCursor(before.map((p) => (mine(p) ? { ...p, ...after } : p)));
    };
    slice.delivered = advance(start, page.times);
    const rest = positions();
    const next = rest.length ? encodePartitionCursor(rest) : undefined;
    return { items: page.items, cursor: encodePartitionCursor(before), nextCursor: next, prevCursor: undefined, at: cursorAfter };
  };

  try {
    fill();
    while (true) {
      if (failure) throw withResume(failure.error, positions());
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

/** Marks an error with the resume cursor of everything not delivered yet. */
function withResume(error: unknown, rest: RangePosition[]): unknown {
  if (error instanceof FilesError) error.resumeCursor = rest.length ? encodePartitionCursor(rest) : undefined;
  return error;
}
