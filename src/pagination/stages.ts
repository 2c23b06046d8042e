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
}

/** A stage: builds fresh state for every iteration (listings are re-iterable). */
export interface Stage {
  run(next: Sink): StageRun;
  /** How many records the source must yield at most for `limit` records out of this stage. */
  limitThrough(limit: number | undefined): number | undefined;
}

/** Keeps the records for which `predicate` is true. A limit cannot pass through a filter. */
export function filterStage(predicate: (value: unknown, index: number) => boolean): Stage {
  return {
    run(next) {
      let index = 0;
      return { sink: (v) => (predicate(v, index++) ? next(v) : true) };
    },
    limitThrough: () => undefined,
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
    run(next) {
      let buffer: unknown[] = [];
      return {
        sink: (v) => {
          buffer.push(v);
          if (buffer.length < size) return true;
          const full = buffer;
          buffer = [];
          return next(full);
        },
        flush: () => {
          if (buffer.length) next(buffer);
          buffer = [];
        },
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
  /** Runs one page's records through the stages; returns false once no more are wanted. */
  push(items: readonly unknown[]): boolean;
  /** Flushes every stage, in order. */
  end(): void;
}

/** Instantiates the stages for one iteration, ending in `sink`. */
export function pipeline(stages: readonly Stage[], sink: Sink): Pipeline {
  const runs: StageRun[] = [];
  let next = sink;
  for (let i = stages.length - 1; i >= 0; i--) {
    const run = stages[i]!.run(next);
    runs.unshift(run);
    next = run.sink;
  }
  const head = next;
  return {
    push(items) {
      for (let i = 0; i < items.length; i++) if (!head(items[i])) return false;
      return true;
    },
    end() {
      for (const run of runs) run.flush?.();
    },
  };
}
