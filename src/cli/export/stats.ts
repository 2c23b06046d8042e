/** Counters of one export run, as reported at the end and shown by the progress line. */
export interface ExportStats {
  /** Records written in this run. */
  readonly records: number;
  /** Pages written in this run. */
  readonly pages: number;
  /** Milliseconds since the run started. */
  readonly elapsedMs: number;
  /** Milliseconds from the start to the first record; `undefined` before it arrives. */
  readonly firstRecordMs: number | undefined;
  /** Records per second over the run so far. */
  readonly recordsPerSecond: number;
}

/** Counts records and pages of a run and times them. */
export interface StatsCounter {
  /** Counts one page of `records` records. */
  page(records: number): void;
  /** The counters now. */
  snapshot(): ExportStats;
}

/** A counter that starts timing now. */
export function startStats(now: () => number = () => performance.now()): StatsCounter {
  const start = now();
  let records = 0;
  let pages = 0;
  let firstRecordMs: number | undefined;
  return {
    page(count) {
      pages++;
      records += count;
      if (count > 0 && firstRecordMs === undefined) firstRecordMs = now() - start;
    },
    snapshot() {
      const elapsedMs = now() - start;
      return { records, pages, elapsedMs, firstRecordMs, recordsPerSecond: elapsedMs > 0 ? (records * 1000) / elapsedMs : 0 };
    },
  };
}
