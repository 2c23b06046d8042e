/**
 * Page-fused record stages. `filter`, `map`, `take` and `batch` on a `Paginated` do not each
 * add an async step: they are composed into one synchronous function that a page's records
 * run through in a single loop, as a hand-written loop would.
 */

/** Receives one record; returns false once no more records are wanted. */
export type Sink = (value: unknown) => boolean;

/** One iteration's instance of a stage: wraps the next sink; may hold records to flush at the end. */
export interface StageRun {
  sink: Sink;
  /** Emits whatever the stage still holds (a partial batch). */
  flush?: () => void;
  /** Source position of the earliest record the stage holds back, if any (for resume cursors). */
  held?: () => number | undefined;
}

/**
 * Where the value being pushed comes from: the source position (records counted from the
 * start of the run) of the earliest source record it carries. A stage that emits a value
 * built from earlier records (a batch) sets it for its downstream call.
 */
export interface Origin {
  at: number;
}

/** A stage: builds fresh state for every iteration (listings are re-iterable). */
export interface Stage {
  run(next: Sink, origin: Origin): StageRun;
  /** How many records the source must yield at most for `limit` records out of this stage. */
  limitThrough(limit: number | undefined): number | undefined;
}

/** Keeps the records for which `predicate` is true. A limit cannot pass through a filter (but none stays none). */
export function filterStage(predicate: (value: unknown, index: number) => boolean): Stage {
  return {
    run(next) {
      let index = 0;
      return { sink: (v) => (predicate(v, index++) ? next(v) : true) };
    },
    limitThrough: (limit) => (limit === 0 ? 0 : undefined),
  };
}

/** Transforms each record. */
export function mapStage(fn: (value: unknown, index: number) => unknown): Stage {
  return {
    run(next) {
      let index = 0;
      return { sink: (v) => next(fn(v, index++)) };
    },
    limitThrough: (limit) => limit,
  };
}

/** Passes the first `count` records, then asks to stop. */
export function takeStage(count: number): Stage {
  return {
    run(next) {
      let taken = 0;
      return {
        sink: (v) => {
          if (taken >= count) return false;
          taken++;
          return next(v) && taken < count;
        },
      };
    },
    limitThrough: (limit) => Math.min(count, limit ?? Infinity),
  };
}

/** Groups records into arrays of `size`; the last one, flushed at the end, may be shorter. */
export function batchStage(size: number): Stage {
  return {
    run(next, origin) {
      let buffer: unknown[] = [];
      let first = 0; // origin of buffer[0]
      const emit = (): boolean => {
        const full = buffer;
        buffer = [];
        const at = origin.at;
        origin.at = first;
        const more = next(full);
        origin.at = at;
        return more;
      };
      return {
        sink: (v) => {
          if (buffer.length === 0) first = origin.at;
          buffer.push(v);
          return buffer.length < size || emit();
        },
        flush: () => {
          if (buffer.length) emit();
        },
        held: () => (buffer.length ? first : undefined),
      };
    },
    limitThrough: (limit) => (limit === undefined ? undefined : limit * size),
  };
}

/** The records a source must yield at most for `limit` records out of all stages. */
export function sourceLimit(stages: readonly Stage[], limit: number | undefined): number | undefined {
  let l = limit;
  for (let i = stages.length - 1; i >= 0; i--) l = stages[i]!.limitThrough(l);
  return l === Infinity ? undefined : l;
}

/** One iteration of a chain of stages feeding `out`. */
export interface Pipeline {
  /**
   * Runs one page's records through the stages, numbering them from `at` (their source
   * position). Returns how many were consumed: all of them, unless the stages stop wanting
   * records (then `stopped` is set; the record that stopped them counts as consumed).
   */
  push(items: readonly unknown[], at: number): number;
  /** True once the stages want no more records. */
  readonly stopped: boolean;
  /** Flushes every stage, in order. */
  end(): void;
  /** Source position of the earliest record some stage still holds back, if any. */
  held(): number | undefined;
}

/** Instantiates the stages for one iteration, ending in `sink`. */
export function pipeline(stages: readonly Stage[], sink: Sink): Pipeline {
  const runs: StageRun[] = [];
  const origin: Origin = { at: 0 };
  let next = sink;
  for (let i = stages.length - 1; i >= 0; i--) {
    const run = stages[i]!.run(next, origin);
    runs.unshift(run);
    next = run.sink;
  }
  const head = next;
  const holders = runs.filter((run) => run.held);
  const chain: Pipeline & { stopped: boolean } = {
    stopped: false,
    push(items, at) {
      // Positions matter only to stages that hold records back; the common chain skips them.
      const track = holders.length > 0;
      for (let i = 0; i < items.length; i++) {
        if (track) origin.at = at + i;
        if (!head(items[i])) {
          chain.stopped = true;
          return i + 1;
        }
      }
      return items.length;
    },
    end() {
      for (const run of runs) run.flush?.();
    },
    held() {
      let earliest: number | undefined;
      for (const run of holders) {
        const at = run.held!();
        if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
      }
      return earliest;
    },
  };
  return chain;
}
