/**
 * A slice of a partitioned listing: a half-open time range `[from, to)` listed as one ordinary
 * listing, with what it has found so far; the rest of a slice cut short (a `Cut`); and the
 * ledger of records one slice dropped because another lists them (`Owed`). Every other part
 * of `src/partition/` works on these records.
 */
import { parseUtcTime } from '../core/time.js';
import { FilesError } from '../errors/index.js';
import { countNames, type NameCounts } from './positions.js';

/** Records carry whole seconds: slice boundaries stay on them. */
export const SECOND = 1000;

/** Rounds a time up to a whole second (records carry whole seconds; boundaries stay on them). */
export function roundUp(ms: number): number {
  return Math.ceil(ms / SECOND) * SECOND;
}

/**
 * The time of a record, in ms: its `created_at`, or for history records (which the
 * `start_at`/`end_at` range applies to) their `when`. Read as UTC when it has no zone.
 *
 * @throws FilesError when the record has neither as a date-time.
 */
export function createdAt(record: unknown, operation: string): number {
  const r = record as { created_at?: unknown; when?: unknown } | null;
  const value = r?.created_at ?? r?.when;
  const ms = typeof value === 'string' ? parseUtcTime(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new FilesError(`${operation}: a record has no usable created_at (or when); a partitioned listing needs one`);
  return ms;
}

/** Names of records, by their time: records a slice must list (another slice dropped them as its own). */
export type Owed = Map<number, NameCounts>;

/** Adds `n` records named `name` at `t` to `owed`. */
export function owe(owed: Owed, t: number, name: string, n = 1): void {
  let names = owed.get(t);
  if (!names) owed.set(t, (names = new Map()));
  names.set(name, (names.get(name) ?? 0) + n);
}

/** Takes one record named `name` at `t` off `owed`; false when none was owed. */
export function settle(owed: Owed, t: number, name: string): boolean {
  const names = owed.get(t);
  const n = names?.get(name) ?? 0;
  if (n === 0) return false;
  if (n > 1) names!.set(name, n - 1);
  else if (names!.size > 1) names!.delete(name);
  else owed.delete(t);
  return true;
}

/** Moves what `owed` holds at times `>= at` into `into`. */
export function moveOwed(owed: Owed, at: number, into: Owed): void {
  for (const [t, names] of owed) {
    if (t < at) continue;
    for (const [name, n] of names) owe(into, t, name, n);
    owed.delete(t);
  }
}

/**
 * The rest of a slice cut short after a page that showed it dense (ordered mode), listed
 * next. Its density (`records / span`, records per ms) starts as that page's and takes in what
 * the slices carved from it find.
 */
export interface Cut {
  /** Start of the part not listed yet (raised as slices are carved from it). */
  from: number;
  /** End of the part (exclusive). */
  readonly to: number;
  /** Records seen in `span` ms: its density. */
  records: number;
  /** Time span (ms) the records were seen in. */
  span: number;
  /** The records of its first second the cut slice dropped: the slice carved first must list them. */
  readonly owed: Owed;
}

/** A page a slice fetched: its records (those of the slice), their times, and the names of those at its last time. */
export interface Fetched<T> {
  /** The records kept. */
  readonly items: T[];
  /** Their times (ms), ascending. */
  readonly times: number[];
  /** Names of the records at the last time. */
  readonly lastNames: readonly string[];
}

/** One slice: its range, its listing's progress, its buffered pages and its delivered position. */
export interface Slice<T> {
  /** Order of creation, for messages and tests. */
  readonly id: number;
  /** Start of the slice (inclusive). */
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
  /**
   * The first slice of a range nothing is known of yet (no density): it asks for all of that
   * range, and no other slice is planned from it until its first page is in (see
   * `SlicePlanner`). Cleared with that page.
   */
  scout?: boolean;
  /** Pages fetched and not yet handed out. */
  readonly buffer: Fetched<T>[];
  /** Position delivered: what a resume cursor says for this slice. */
  delivered: { from: number; seen: NameCounts };
  /** Nothing more will be listed for it (its listing ended, or it was cut or ended at a split). */
  done: boolean;
  /** The fetch loop waits here while its buffer is full (ordered mode). */
  resume?: () => void;
  /** A request of the slice failed and may be sent again (it waits, holding no place): not counted as active. */
  retrying: boolean;
  /** Ordered: listed far ahead of the output to carry a probe (see `RequestScheduler`); its page waits outside the buffer budget. */
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

/** How a new slice starts (see {@link makeSlice}). */
export interface SliceStart {
  /** Names of the records at `from` already delivered (a resumed position). */
  readonly seen?: readonly string[];
  /** Listed far ahead of the output, to carry a probe. */
  readonly far?: boolean;
  /** The density (records per ms) it was sized from: what it finds is checked against it. */
  readonly density?: number;
  /** The cut it is carved from. */
  readonly cut?: Cut;
  /** Records other slices dropped as its own. */
  readonly owed?: Owed;
  /** A split child: watches its first page's worth of records (see {@link Slice.watch}). */
  readonly watch?: boolean;
  /** The first slice of a range nothing is known of (see {@link Slice.scout}). */
  readonly scout?: boolean;
}

/** A new slice listing `[from, to)`, nothing fetched yet. */
export function makeSlice<T>(id: number, from: number, to: number, how: SliceStart = {}): Slice<T> {
  const seen = countNames(how.seen ?? []);
  return {
    id,
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
    scout: how.scout,
    buffer: [],
    delivered: { from, seen },
    done: false,
    retrying: false,
    far: how.far,
    owed: how.owed ?? new Map(),
    children: [],
    watch: how.watch ? { names: new Map(), count: 0, last: -1 } : undefined,
  };
}

/** Ends `slice` early, at `to` (a cut or a split): what it finds then says nothing of its density. */
export function endAt<T>(slice: Slice<T>, to: number): void {
  slice.to = to;
  slice.predicted = undefined;
  slice.cut = undefined;
}
