/**
 * The merge of a partitioned listing's slices into one output: the running slices, by their
 * `from`, with the pages each fetched and has not handed out yet.
 *
 * - Ordered: only the head slice's pages go out (the earliest slice, unless the rest of a cut
 *   slice comes before it), so records come in ascending `created_at` order. Later slices hold
 *   at most `bufferPages` pages each, `concurrency x bufferPages` in all, then wait (their
 *   fetch loops wait on `resume`): memory stays constant in the length of the export. A slice
 *   listed far ahead to carry a probe waits outside that budget.
 * - Arrival order: any slice's page goes out as soon as it is in.
 * - A finished slice with nothing left to hand out is dropped (ordered: only from the head,
 *   in order, so the earliest part not delivered stays first).
 */
import type { Cut, Fetched, Slice } from './slice.js';

/** Holds the running slices in order and decides whose page goes out next (see the module's comment). */
export class OrderedMerge<T> {
  /** The running slices, by `from`. */
  readonly slices: Slice<T>[] = [];

  /**
   * @param ordered Ascending `created_at` order (`false`: arrival order).
   * @param bufferPages Pages each slice ahead of the output may hold (ordered).
   * @param budget Pages all slices ahead of the output may hold (ordered).
   * @param cuts The rest of cut slices not listed yet (the planner's, kept by `from`): one before the earliest slice comes first.
   */
  constructor(
    private readonly ordered: boolean,
    private readonly bufferPages: number,
    private readonly budget: number,
    private readonly cuts: readonly Cut[],
  ) {}

  /** Adds a new slice, in order of `from`. */
  add(slice: Slice<T>): void {
    this.slices.push(slice);
    this.slices.sort((a, b) => a.from - b.from);
  }

  /** Ordered: the slice whose pages go out next (the earliest, unless the rest of a cut slice comes before it). */
  isHead(slice: Slice<T>): boolean {
    return slice === this.slices[0] && !(this.cuts.length > 0 && this.cuts[0]!.from < slice.from);
  }

  /** Pages held ahead of the output (the head's and far slices' are not counted). */
  buffered(): number {
    return this.slices.reduce((n, s) => n + (this.isHead(s) || s.far ? 0 : s.buffer.length), 0);
  }

  /** Ordered: `slice` holds all the pages it may ahead of the output; its fetch loop waits. */
  holds(slice: Slice<T>): boolean {
    return this.ordered && !this.isHead(slice) && slice.buffer.length >= this.bufferPages;
  }

  /** Slices fetching now: not done, not waiting for a retry, not held by a full buffer. */
  active(): number {
    return this.slices.filter((s) => !s.done && !s.retrying && !this.holds(s)).length;
  }

  /**
   * Ordered: the buffers are full, so nothing more is started ahead of the output, except the
   * part that comes next (the rest of a cut slice), which the output is waiting for.
   */
  full(): boolean {
    return this.ordered && this.buffered() >= this.budget && !(this.cuts.length > 0 && !this.slices.some((s) => this.isHead(s)));
  }

  /** Drops finished slices with nothing left to hand out (ordered: only from the head, in order), telling `retired` of each. */
  dropFinished(retired: (slice: Slice<T>) => void): void {
    for (let i = 0; i < this.slices.length; ) {
      const s = this.slices[i]!;
      if (s.done && s.buffer.length === 0) {
        this.slices.splice(i, 1);
        retired(s);
      } else if (this.ordered) break;
      else i++;
    }
  }

  /**
   * The page that goes out next, taken off its slice's buffer, and its slice; `undefined`
   * when none can go out yet. The slices held by a full buffer may go on (ordered: all of
   * them, since the head moved on).
   */
  take(): { slice: Slice<T>; page: Fetched<T> } | undefined {
    const slice = this.ordered ? this.slices.find((s) => this.isHead(s)) : this.slices.find((s) => s.buffer.length > 0);
    const page = slice?.buffer.shift();
    if (!slice || !page) return undefined;
    slice.resume?.();
    slice.resume = undefined;
    if (this.ordered) this.resumeAll();
    return { slice, page };
  }

  /** Lets every waiting fetch loop go on (it checks again whether it may, or sees the listing stopped). */
  resumeAll(): void {
    for (const s of this.slices) s.resume?.();
  }
}
