/**
 * The slice planner of a partitioned listing: which part of the range is listed next, and
 * how wide a slice it gets. It holds the parts no slice lists yet and the record density seen
 * so far; it starts nothing itself (the listing starts what {@link SlicePlanner.next} plans).
 *
 * - Parts come in this order: `pending` parts (a resumed position's first second, with the
 *   names of its records already delivered, and the parts of an unordered resume); ordered, a
 *   far slice to carry a probe of the request scheduler; the rest of a cut slice (`cuts`); new
 *   slices from the part no slice covers (`unassigned`); and, when nothing is left, a split of
 *   the running slice with the most time left.
 * - Nothing known yet (no record seen): the first slice (the scout) asks for all of the
 *   unassigned range, and nothing else is planned from it until its first page is in. A range
 *   holding less than a page is then one request, however many workers there are; a dense one
 *   is cut after that page (`restOf`) and the rest planned from the density the page showed.
 * - Ordered: slices of a little under a page at the density seen (see `MAX_SLICE_PAGES`), so
 *   each is usually one request and none is a chain of round trips the output waits on.
 *   Arrival order: one slice per worker, and splits balance the end.
 * - After a slice comes back empty, each new slice is at least twice as wide as the one
 *   before: time with no records costs a few requests, however long it is.
 */
import { type PartitionCursor, type RangePosition } from './positions.js';
import { endAt, moveOwed, roundUp, SECOND, type Cut, type Owed, type Slice, type SliceStart } from './slice.js';

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

/** A probe's slice is made only while the unassigned range holds this many slices' worth (see `#farProbe`). */
const FAR_AHEAD_SLICES = 64;

/** A slice is cut after a page when the time it has left holds more than this many pages at the page's density. */
const CUT_PAGES = 1.5;

/** What the planner needs of the listing. */
export interface PlannerSettings {
  /** The range listed: `[since, until)`. */
  readonly since: number;
  /** End of the range (exclusive). */
  readonly until: number;
  /** Requests in flight at most. */
  readonly concurrency: number;
  /** Records in a full page. */
  readonly perPage: number;
  /** Ascending `created_at` order (slices of about a page) or arrival order (one slice per worker). */
  readonly ordered: boolean;
}

/** A slice to start: `[from, to)`, how, and for a split the slice it was split off (already ended at `from`). */
export interface PlannedSlice<T> {
  readonly from: number;
  readonly to: number;
  readonly how: SliceStart;
  readonly parent?: Slice<T>;
}

/** The part of the range no slice covers yet, and records of its first second a scout dropped as its own. */
export interface Unassigned {
  /** Start of the part (inclusive). */
  readonly from: number;
  /** End of the part (exclusive). */
  readonly to: number;
  /** Records at its start that a slice dropped as this part's: the slice carved first must list them. */
  readonly owed: Owed;
}

/** Decides which part of the range is listed next and how wide (see the module's comment). */
export class SlicePlanner<T> {
  /** Parts to list first (a resumed position's first second with its delivered names; the parts of an unordered resume). */
  readonly pending: RangePosition[] = [];
  /** Ordered: the rest of slices cut after a page that showed them dense, listed next (all below `unassigned`). */
  readonly cuts: Cut[] = [];
  /** What no slice covers yet. */
  unassigned: Unassigned;
  /** Width of the last slice that came back empty (0 once one finds records). */
  #emptyWidth = 0;
  /** Records and time span of the slices already finished and dropped. */
  #doneRecords = 0;
  #doneSpan = 0;
  /** Found / predicted records of the last slices sized from a density (see `MAX_SLICE_PAGES`). */
  readonly #spread: number[] = [];
  /** Arrival order: the width of a new slice (the unassigned range over the workers). */
  #evenWidth: number;

  /** Plans the listing of `[since, until)`, or of what a resume cursor says is left of it. */
  constructor(
    private readonly settings: PlannerSettings,
    resumed?: PartitionCursor,
  ) {
    const { since, until, concurrency } = settings;
    this.unassigned = { from: since, to: until, owed: new Map() };
    this.#evenWidth = Math.ceil((until - since) / concurrency);
    if (resumed) this.#resume(resumed);
  }

  #resume(resumed: PartitionCursor): void {
    const { until } = this.settings;
    this.unassigned = { from: until, to: until, owed: new Map() };
    const last = resumed.positions.at(-1);
    for (const p of resumed.positions) {
      let from = p.from;
      if (p.seen.length > 0) {
        // The second the position is inside of, on its own (its records are named); the rest as any part.
        const second = Math.min(p.to, Math.floor(p.from / SECOND) * SECOND + SECOND);
        this.pending.push({ from: p.from, to: second, seen: p.seen });
        from = second;
      }
      if (from >= p.to) continue;
      // The part that runs to the end of the range is planned as a fresh listing's would be.
      if (p === last && p.to === until) this.unassigned = { from, to: until, owed: new Map() };
      else this.pending.push({ from, to: p.to, seen: [] });
    }
  }

  /** Nothing is left to plan except splits: no pending part, no cut, nothing unassigned. */
  get exhausted(): boolean {
    return this.pending.length === 0 && this.cuts.length === 0 && this.unassigned.from >= this.unassigned.to;
  }

  /** Ordered: where the earliest part no slice lists yet starts (`Infinity`: none), for a limit's estimate. */
  gap(): number {
    let gap = Infinity;
    if (this.cuts.length > 0) gap = this.cuts[0]!.from;
    if (this.pending.length > 0) gap = Math.min(gap, this.pending[0]!.from);
    if (this.unassigned.from < this.unassigned.to) gap = Math.min(gap, this.unassigned.from);
    return gap;
  }

  /** The parts no slice lists yet, as positions (for resume cursors). */
  remaining(): RangePosition[] {
    const out: RangePosition[] = [...this.pending];
    for (const c of this.cuts) out.push({ from: c.from, to: c.to, seen: [] });
    if (this.unassigned.from < this.unassigned.to) out.push({ from: this.unassigned.from, to: this.unassigned.to, seen: [] });
    return out;
  }

  /**
   * The next slice to start, given the running `slices` (by `from`); `undefined` when there is
   * none to start now. `probeDue`: the request scheduler would send a probe (ordered, without
   * a limit, it is carried by a slice from the far end of the range); `limited`: the listing
   * has a limit of records (no probes then).
   */
  next(slices: readonly Slice<T>[], probeDue = false, limited = false): PlannedSlice<T> | undefined {
    const { ordered } = this.settings;
    const part = this.pending.shift();
    if (part) return { from: part.from, to: part.to, how: { seen: part.seen } };
    if (ordered && !limited && probeDue) {
      const far = this.#farProbe(slices);
      if (far) return far;
    }
    // Ordered: the rest of a dense slice comes first (its records are needed before any later time).
    if (this.cuts.length > 0) return this.#fromCut(this.cuts[0]!);
    if (this.unassigned.from < this.unassigned.to) {
      const planned = this.#fromUnassigned(slices);
      if (planned) return planned;
    }
    return this.#splitLargest(slices);
  }

  /** A slice carved from the rest of a cut slice, sized from the cut's density. */
  #fromCut(cut: Cut): PlannedSlice<T> {
    const density = cut.records / cut.span;
    const to = Math.min(cut.to, roundUp(this.#widen(cut.from, Math.max(SECOND, (this.#slicePages() * this.settings.perPage) / density))));
    const owed = carveOwed(cut.owed, cut.from, to);
    const from = cut.from;
    if (to < cut.to) cut.from = to;
    else this.cuts.shift();
    return { from, to, how: { density, cut, owed } };
  }

  /**
   * A slice from the start of the unassigned range. Nothing seen yet: the scout, all of the
   * range (none while it has not listed its first page). Ordered: about one page at the
   * density seen. Arrival order: one worker's share.
   */
  #fromUnassigned(slices: readonly Slice<T>[]): PlannedSlice<T> | undefined {
    const { from, to: end, owed } = this.unassigned;
    const { ordered } = this.settings;
    const { width, density } = this.#widthFor(slices, this.#slicePages());
    if (density === undefined) {
      if (slices.some((s) => s.scout)) return undefined;
      this.unassigned = { from: end, to: end, owed: new Map() };
      return { from, to: end, how: { scout: true, owed } };
    }
    const to = Math.min(end, roundUp(ordered ? this.#widen(from, width) : from + this.#evenWidth));
    this.unassigned = { from: to, to: end, owed };
    return { from, to, how: { density: ordered ? density : undefined, owed: carveOwed(owed, from, to) } };
  }

  /**
   * Ordered: when a probe is due (the limit is above the level known to be safe) and none is
   * on its way, a one-page slice from the far end of the unassigned range to carry it (at
   * most `concurrency` such slices at once, each holding at most a page until the output
   * gets there). `undefined` when there is none to make.
   */
  #farProbe(slices: readonly Slice<T>[]): PlannedSlice<T> | undefined {
    const far = slices.filter((s) => s.far);
    const { from: start, to: end, owed } = this.unassigned;
    if (far.some((s) => !s.done) || far.length >= this.settings.concurrency || start >= end) return undefined;
    const { width, density } = this.#widthFor(slices, this.#slicePages());
    if (density === undefined || end - start < FAR_AHEAD_SLICES * width) return undefined;
    const from = roundUp(end - width);
    if (from <= start || from >= end) return undefined;
    this.unassigned = { from: start, to: from, owed };
    return { from, to: end, how: { far: true, density, owed: carveOwed(owed, from, end) } };
  }

  /**
   * Splits the slice with the most time left (of those that have shown a full page: one that
   * has shown none is likely sparse, and halves would cost requests for nothing) at the middle
   * of the time it has left, on a whole second: it stops there, and the planned slice takes
   * the rest. Its pages on their way still hold records past the split: the new slice watches
   * its first page's worth, which those records must be among. `undefined` when none can be split.
   */
  #splitLargest(slices: readonly Slice<T>[]): PlannedSlice<T> | undefined {
    let best: { slice: Slice<T>; at: number; left: number } | undefined;
    for (const slice of slices) {
      if (slice.done || slice.fetched < this.settings.perPage) continue;
      const reached = Math.max(slice.reachedAt, slice.from);
      const at = roundUp(reached + (slice.to - reached) / 2);
      const left = slice.to - reached;
      if (at > reached && at < slice.to && left > (best?.left ?? 0)) best = { slice, at, left };
    }
    if (!best) return undefined;
    const { slice, at } = best;
    const to = slice.to;
    endAt(slice, at);
    const owed: Owed = new Map();
    moveOwed(slice.owed, at, owed);
    return { from: at, to, how: { owed, watch: true }, parent: slice };
  }

  /**
   * A page of `slice` showed `records` in `span` ms and the slice has `left` ms to go: whether
   * to cut it after this page (ordered, or the scout: the rest holds well over another page).
   */
  worthCutting(slice: Slice<T>, records: number, span: number, left: number): boolean {
    return (this.settings.ordered || slice.scout === true) && (records / span) * left > CUT_PAGES * this.settings.perPage;
  }

  /**
   * Takes in the rest of a slice cut after a page: listed next as slices of about a page each
   * (ordered), or, the rest of the scout, planned as an unassigned range would be.
   */
  restOf(slice: Slice<T>, cut: Cut): void {
    if (slice.scout) {
      this.unassigned = { from: cut.from, to: cut.to, owed: cut.owed };
      this.#evenWidth = Math.ceil((cut.to - cut.from) / this.settings.concurrency);
      return;
    }
    this.cuts.push(cut);
    this.cuts.sort((a, b) => a.from - b.from);
  }

  /**
   * A slice has finished. One sized from a density and listed to its end (not cut, not split)
   * is evidence of the density: its count against the prediction, and whether it was empty.
   */
  finished(slice: Slice<T>): void {
    if (slice.predicted === undefined) return;
    if (slice.cut) {
      slice.cut.records += slice.fetched;
      slice.cut.span += slice.to - slice.from;
    }
    this.#emptyWidth = slice.fetched === 0 ? Math.max(this.#emptyWidth, slice.to - slice.from) : 0;
    // How far its count strayed from the prediction (slices predicted to hold a few records
    // stray by chance alone, and say little).
    if (slice.predicted >= this.settings.perPage / 4) {
      this.#spread.push(slice.fetched / slice.predicted);
      if (this.#spread.length > SPREAD_WINDOW) this.#spread.shift();
    }
  }

  /** A finished slice has handed out all its pages and is dropped: its records and span stay in the density. */
  retired(slice: Slice<T>): void {
    this.#doneRecords += slice.fetched;
    this.#doneSpan += slice.to - slice.from;
  }

  /** Pages a new ordered slice is sized to hold (see `MAX_SLICE_PAGES`). */
  #slicePages(): number {
    const spread = this.#spread;
    return spread.length < SPREAD_WINDOW / 4 ? FIRST_SLICE_PAGES : Math.max(0.5, Math.min(MAX_SLICE_PAGES, MAX_SLICE_PAGES / Math.max(...spread)));
  }

  /**
   * Width of a new slice: about `pages` pages at the density seen so far (records per ms), in
   * the finished slices and the running ones; `density` is `undefined` while no record is seen.
   */
  #widthFor(slices: readonly Slice<T>[], pages: number): { width: number; density?: number } {
    let records = this.#doneRecords;
    let span = this.#doneSpan;
    for (const s of slices) {
      records += s.fetched;
      span += (s.done ? s.to : s.reachedAt) - s.from;
    }
    if (records === 0) return { width: 0 };
    return { width: Math.max(SECOND, Math.ceil((pages * this.settings.perPage * span) / records)), density: records / span };
  }

  /** After a slice came back empty (until one does not), each new slice is at least twice as wide as the one before. */
  #widen(from: number, width: number): number {
    if (this.#emptyWidth > 0) width = this.#emptyWidth = Math.max(width, 2 * this.#emptyWidth);
    return from + width;
  }
}

/** The records of `owed` in `[from, to)`, taken out of it (what a slice carved from a part must list). */
function carveOwed(owed: Owed, from: number, to: number): Owed {
  const carved: Owed = new Map();
  moveOwed(owed, from, carved);
  moveOwed(carved, to, owed); // what lies past the slice stays with the part
  return carved;
}
