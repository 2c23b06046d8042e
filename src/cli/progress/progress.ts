import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { ExportStats } from '../export/stats.js';
import { escapeControl } from '../output/escape-control.js';

/** Shows how a run is going. */
export interface ProgressReporter {
  /** Shows the latest counters (throttled by the implementation). */
  update(stats: ExportStats): void;
  /** Shows the final counters and releases the terminal line. */
  stop(stats?: ExportStats): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where to draw (stderr). */
  stream: Writable;
  /** Draw at all: the CLI passes "stderr is a TTY and not --quiet". */
  enabled: boolean;
  /** Shown before the counters, e.g. `users`; its control characters are escaped. */
  label: string;
}

const FORMAT = '{label} {records} records | {pages} pages | {rate} rec/s | {duration_formatted}';

/** A cli-progress line (records, pages, records/s, elapsed), or a reporter that draws nothing. */
export function createProgress(options: ProgressOptions): ProgressReporter {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const label = escapeControl(options.label);
  const bar = new cliProgress.SingleBar({
    format: FORMAT,
    stream: options.stream as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
  });
  const payload = (s: ExportStats) => ({ label, records: s.records, pages: s.pages, rate: Math.round(s.recordsPerSecond) });
  bar.start(0, 0, { label, records: 0, pages: 0, rate: 0 });
  return {
    update: (s) => bar.update(s.records, payload(s)),
    stop: (s) => {
      if (s) bar.update(s.records, payload(s));
      bar.stop();
    },
  };
}
