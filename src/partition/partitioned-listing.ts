/**
 * One partitioned listing, put together from its parts: the planner says which slice to
 * start, the request scheduler gives each slice's requests their places, each slice's pages
 * go through the page checks into its buffer, and the merge hands them out in order with
 * resume cursors. This file holds only the wiring: starting slices (`#fill`), each slice's
 * fetch loop (`#run`), and the output loop (`pages`).
 */
import type { Page } from '../pagination/types.js';
import { FilesError } from '../errors/index.js';
import { OrderedMerge } from './ordered-merge.js';
import { checkOwed, takePage, type PageContext } from './page-checks.js';
import { advance, encodePartitionCursor, listingPositions, namesOf, recordName, type PartitionCursor, type RangePosition } from './positions.js';
import { RequestScheduler } from './request-scheduler.js';
import { makeSlice, type Fetched, type Slice } from './slice.js';
import { SlicePlanner, type PlannedSlice } from './slice-planner.js';
import type { PartitionSource } from './partition.js';

/** Slices running beyond the limit of requests in flight (see `#fill`). */
const SPARE_SLICES = 2;

/** The settings of one listing, resolved (see `PartitionOptions`). */
export interface ListingSettings {
  /** The range: `[since, until)`, epoch ms. */
  readonly since: number;
  /** End of the range (exclusive). */
  readonly until: number;
  /** Requests in flight at most. */
  readonly concurrency: number;
  /** Ascending `created_at` order (`false`: arrival order). */
  readonly ordered: boolean;
  /** Pages each slice may hold ahead of the output (ordered). */
  readonly bufferPages: number;
  /** Records in a full page (the `per_page` sent). */
  readonly perPage: number;
  /** At most this many records are wanted (`take(n)`). */
  readonly limit: number | undefined;
  /** What a resume cursor says is left of the range. */
  readonly resumed?: PartitionCursor;
}

/** A partitioned listing (see `partitionedPages`): call {@link PartitionedListing.pages} once. */
export class PartitionedListing<T> {
  readonly #controller = new AbortController();
  /** Each slice's own signal, aborted with the listing's: one listener on the listing's, not one per slice. */
  readonly #sliceControllers = new Set<AbortController>();
  readonly #scheduler: RequestScheduler;
  readonly #planner: SlicePlanner<T>;
  readonly #merge: OrderedMerge<T>;
  readonly #checks: PageContext<T>;
  #nextId = 0;
  #failure: { error: unknown } | undefined;
  /** Wakes the output loop when a page arrives, a slice ends or a failure happens. */
  #wakeOutput: (() => void) | undefined;
  /** Records handed out so far (for a limit: no slice is started that the limit cannot need). */
  #handedOut = 0;

  constructor(
    private readonly source: PartitionSource<T>,
    private readonly settings: ListingSettings,
  ) {
    const { concurrency, ordered, bufferPages, perPage } = settings;
    this.#scheduler = new RequestScheduler(concurrency, ordered);
    this.#planner = new SlicePlanner<T>(settings, settings.resumed);
    this.#merge = new OrderedMerge<T>(ordered, bufferPages, concurrency * bufferPages, this.#planner.cuts);
    this.#checks = { operation: source.operation, perPage, slices: this.#merge.slices, planner: this.#planner };
    const controller = this.#controller;
    controller.signal.addEventListener('abort', () => {
      for (const c of this.#sliceControllers) c.abort(controller.signal.reason);
    }, { once: true });
  }

  /** The listing's pages, until the range is delivered; `signals` stop it. */
  async *pages(signals: readonly AbortSignal[]): AsyncGenerator<Page<T>, void, undefined> {
    const controller = this.#controller;
    const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
    for (const s of signals) {
      s.throwIfAborted();
      s.addEventListener('abort', onAbort, { once: true });
    }
    try {
      this.#fill();
      while (true) {
        if (this.#failure) throw withResume(this.#failure.error, this.#cursorOf(this.#positions()));
        controller.signal.throwIfAborted();
        this.#merge.dropFinished((s) => this.#planner.retired(s));
        const next = this.#merge.take();
        if (next) {
          // Counted as handed out before more slices are started: a limit it meets needs no more.
          const page = this.#handOut(next.slice, next.page);
          this.#fill();
          yield page;
          continue;
        }
        if (this.#merge.slices.length === 0 && this.#planner.exhausted) return;
        this.#fill();
        await new Promise<void>((resolve) => (this.#wakeOutput = resolve));
      }
    } finally {
      for (const s of signals) s.removeEventListener('abort', onAbort);
      if (!controller.signal.aborted) controller.abort(new DOMException('listing stopped', 'AbortError'));
      this.#merge.resumeAll();
    }
  }

  #notify(): void {
    const wake = this.#wakeOutput;
    this.#wakeOutput = undefined;
    wake?.();
  }

  /**
   * Starts slices while requests may be added, as the planner plans them. A couple more slices
   * than places run, so that while some read and parse their pages (holding no place), others'
   * requests keep every place busy.
   */
  #fill(): void {
    const merge = this.#merge;
    while (!this.#controller.signal.aborted && merge.active() < this.#scheduler.limit + SPARE_SLICES && this.#limitMayNeedMore()) {
      if (merge.full()) return;
      const planned = this.#planner.next(merge.slices, this.#scheduler.probeDue, this.settings.limit !== undefined);
      if (!planned) return;
      this.#start(planned);
    }
  }

  /**
   * With a limit (`take(n)`): another slice may be needed, because the records fetched (or
   * handed out) so far, plus a full page from each running slice, could fall short of it.
   */
  #limitMayNeedMore(): boolean {
    const { limit, ordered, perPage } = this.settings;
    if (limit === undefined) return true;
    // Ordered: the records of slices after a part not being listed yet (a cut, a pending part,
    // the unassigned range) cannot go out before that part's.
    const gap = ordered ? this.#planner.gap() : Infinity;
    let expected = this.#handedOut;
    for (const s of this.#merge.slices) {
      if (s.from >= gap) break;
      for (const page of s.buffer) expected += page.items.length;
      if (!s.done) expected += perPage;
    }
    return expected < limit;
  }

  /** Starts listing a planned slice. */
  #start(planned: PlannedSlice<T>): void {
    const slice = makeSlice<T>(this.#nextId++, planned.from, planned.to, planned.how);
    this.#merge.add(slice);
    planned.parent?.children.push(slice);
    void this.#run(slice).catch((error: unknown) => {
      this.#failure ??= { error };
      this.#controller.abort(error);
      this.#notify();
    });
  }

  /** Lists one slice, page by page, under the limit of requests in flight. */
  async #run(slice: Slice<T>): Promise<void> {
    const { signal } = this.#controller;
    const own = new AbortController();
    this.#sliceControllers.add(own);
    const slot = this.#scheduler.slotFor(
      slice.from,
      slice.far === true,
      () => (slice.retrying = false),
      (status) => {
        if (status === undefined || status >= 400) slice.retrying = true;
      },
    );
    const iterator = this.source.openSlice(slice.from, slice.askedTo, own.signal, slot)[Symbol.asyncIterator]();
    try {
      while (!slice.done) {
        while (this.#merge.holds(slice)) {
          await new Promise<void>((resolve) => (slice.resume = resolve));
          signal.throwIfAborted();
        }
        const step = await iterator.next();
        signal.throwIfAborted();
        if (step.done) {
          slice.ended = true;
          checkOwed(this.source.operation, slice);
          break;
        }
        const page = takePage(this.#checks, slice, step.value.items, step.value.nextCursor === undefined);
        slice.scout = undefined; // its first page is in: the planner knows the density now
        if (page) {
          slice.fetched += page.items.length;
          slice.buffer.push(page);
        }
        checkOwed(this.source.operation, slice);
        this.#notify();
        this.#fill();
      }
    } finally {
      await iterator.return?.().catch(() => {});
      this.#sliceControllers.delete(own);
      // Its pages are over: nothing more of it can land past a split.
      for (const child of slice.children) child.watch = undefined;
    }
    slice.done = true;
    this.#planner.finished(slice);
    this.#notify();
    this.#fill();
  }

  /** Positions not yet delivered, as of now (`current`: the slice whose page is being handed out). */
  #positions(current?: Slice<T>): RangePosition[] {
    return listingPositions(this.#merge.slices, this.#planner.remaining(), this.settings.ordered, this.settings.until, current);
  }

  #cursorOf(parts: RangePosition[]): string | undefined {
    return parts.length ? encodePartitionCursor({ since: this.settings.since, until: this.settings.until, positions: parts }) : undefined;
  }

  /** A page handed out from `slice`, with resume cursors that name its records exactly. */
  #handOut(slice: Slice<T>, page: Fetched<T>): Page<T> {
    const start = slice.delivered;
    const before = this.#positions(slice);
    // The slice's end as `before` holds it (a split may lower it before `at` is called).
    const to = slice.to;
    const ordered = this.settings.ordered;
    const cursorAfter = (count: number): string | undefined => {
      if (count >= page.items.length) return next;
      if (count <= 0) return this.#cursorOf(before);
      const lastTime = page.times[count - 1]!;
      const names: string[] = [];
      for (let i = count - 1; i >= 0 && page.times[i] === lastTime; i--) names.push(recordName(page.items[i]));
      const after = advance(start, lastTime, names);
      const mine = (p: RangePosition) => p.from === start.from && (ordered || p.to === to);
      return this.#cursorOf(before.map((p) => (mine(p) ? { from: after.from, to: p.to, seen: namesOf(after.seen) } : p)));
    };
    slice.delivered = advance(start, page.times[page.times.length - 1]!, page.lastNames);
    this.#handedOut += page.items.length;
    const next = this.#cursorOf(this.#positions());
    return { items: page.items, cursor: this.#cursorOf(before), nextCursor: next, prevCursor: undefined, at: cursorAfter };
  }
}

/** Marks an error with the resume cursor of everything not delivered yet. */
function withResume(error: unknown, cursor: string | undefined): unknown {
  if (error instanceof FilesError) error.resumeCursor = cursor;
  return error;
}
