import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { ExportStats } from '../export/stats.js';
import { counted } from '../output/counted.js';
import { escapeControl } from '../output/escape-control.js';
import { formatBytes, formatRate } from './units.js';

/**
 * A cli-progress line of the CLI on `stream` (stderr, a terminal): redrawn 5 times a second,
 * the cursor hidden while it is drawn, the last state left on screen when it stops.
 * `barsize` for a format with a `{bar}`.
 */
export function progressBar(format: string, stream: Writable, barsize?: number): cliProgress.SingleBar {
  return new cliProgress.SingleBar({
    format,
    stream: stream as NodeJS.WritableStream,
    hideCursor: true,
    clearOnComplete: false,
    fps: 5,
    ...(barsize === undefined ? {} : { barsize }),
  });
}

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

const FORMAT = '{label} {records} | {pages} | {rate} rec/s | {duration_formatted}';

/** A cli-progress line (records, pages, records/s, elapsed), or a reporter that draws nothing. */
export function createProgress(options: ProgressOptions): ProgressReporter {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const label = escapeControl(options.label);
  const bar = progressBar(FORMAT, options.stream);
  const payload = (s: ExportStats) => ({ label, records: counted(s.records, 'record'), pages: counted(s.pages, 'page'), rate: Math.round(s.recordsPerSecond) });
  bar.start(0, 0, { label, records: counted(0, 'record'), pages: counted(0, 'page'), rate: 0 });
  return {
    update: (s) => bar.update(s.records, payload(s)),
    stop: (s) => {
      if (s) bar.update(s.records, payload(s));
      bar.stop();
    },
  };
}

/** Shows how a transfer (download, upload) is going, in bytes. */
export interface TransferProgress {
  /** Shows the bytes moved so far and, for a tree, the files done (throttled by cli-progress). */
  update(bytes: number, files?: number): void;
  /** Shows the final counters and releases the terminal line. */
  stop(): void;
}

/** Options of {@link createTransferProgress}. */
export interface TransferProgressOptions {
  /** Where to draw (stderr). */
  stream: Writable;
  /** Draw at all (see `showProgress`). */
  enabled: boolean;
  /** Shown first, e.g. `download reports/q1.pdf`; its control characters are escaped. */
  label: string;
  /** Bytes expected in all, when known: a bar and a percentage are drawn. */
  total?: number;
  /** Count files too (a tree download). */
  files?: boolean;
}

/**
 * A cli-progress line for a transfer, in human units: `upload q1.csv [====    ] 50% | 2.5 MiB
 * of 5.0 MiB | 1.2 MiB/s | 2s`, or without a known total `download reports 12 files |
 * 3.4 MiB | 1.1 MiB/s | 3s`. A reporter that draws nothing when not `enabled`.
 */
export function createTransferProgress(options: TransferProgressOptions): TransferProgress {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const label = escapeControl(options.label);
  const total = options.total;
  const known = total !== undefined && total > 0;
  const format = `{label} ${known ? '[{bar}] {percentage}% | {done} of {size}' : options.files ? '{files} files | {done}' : '{done}'} | {rate} | {duration_formatted}`;
  const bar = progressBar(format, options.stream, 20);
  const started = performance.now();
  let last = { bytes: 0, files: 0 };
  const payload = () => ({
    label,
    files: last.files,
    done: formatBytes(last.bytes),
    size: formatBytes(total ?? 0),
    rate: formatRate(last.bytes, performance.now() - started),
  });
  bar.start(known ? total : 0, 0, payload());
  return {
    update(bytes, files) {
      last = { bytes, files: files ?? last.files };
      bar.update(known ? Math.min(bytes, total) : 0, payload());
    },
    stop() {
      bar.update(known ? Math.min(last.bytes, total) : 0, payload());
      bar.stop();
    },
  };
}
