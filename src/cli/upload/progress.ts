import type { Writable } from 'node:stream';
import type { UploadTreeProgress } from '../../index.js';
import { escapeControl } from '../output/escape-control.js';
import { progressBar } from '../progress/progress.js';
import { formatBytes, formatRate } from '../progress/units.js';

/** Shows how a tree upload is going. */
export interface TreeUploadProgress {
  /** Shows the latest report (throttled by cli-progress). */
  update(progress: UploadTreeProgress): void;
  /** Shows the last report and releases the terminal line. */
  stop(): void;
}

/** Options of {@link createTreeUploadProgress}. */
export interface TreeUploadProgressOptions {
  /** Where to draw (stderr). */
  stream: Writable;
  /** Draw at all (see `showProgress`). */
  enabled: boolean;
  /** Shown first, e.g. `upload ./photos`; its control characters are escaped. */
  label: string;
  /** The clock, in ms (for tests). Default `performance.now`. */
  now?: () => number;
}

/**
 * A cli-progress line for `upload -R`: files done of those found (`340+` while the local
 * tree is still being read), bytes sent, the send rate, and once the whole tree is known an
 * ETA: `upload ./photos 120 of 340 files | 48.0 MiB sent | 2.1 MiB/s | ETA 1m 05s | 23s`.
 * A reporter that draws nothing when not `enabled`.
 */
export function createTreeUploadProgress(options: TreeUploadProgressOptions): TreeUploadProgress {
  if (!options.enabled) return { update: () => {}, stop: () => {} };
  const now = options.now ?? (() => performance.now());
  const label = escapeControl(options.label);
  const bar = progressBar('{label} {files} of {found} files | {sent} sent | {rate} | ETA {left} | {duration_formatted}', options.stream);
  const started = now();
  let last: UploadTreeProgress | undefined;
  const payload = () => {
    const elapsed = now() - started;
    const done = last ? filesDone(last) : 0;
    return {
      label,
      files: done.toLocaleString('en'),
      found: last ? `${last.found.files.toLocaleString('en')}${last.found.complete ? '' : '+'}` : '0+',
      sent: formatBytes(last?.sentBytes ?? 0),
      rate: formatRate(last?.sentBytes ?? 0, elapsed),
      left: last ? formatEta(etaMs(last, elapsed)) : '?',
    };
  };
  bar.start(0, 0, payload());
  return {
    update(progress) {
      last = progress;
      bar.update(0, payload());
    },
    stop() {
      bar.update(0, payload());
      bar.stop();
    },
  };
}

/** Files done: uploaded, skipped or failed (a failed folder counts as one). */
function filesDone(p: UploadTreeProgress): number {
  return p.uploaded + p.skipped + p.failed;
}

/**
 * The time left, once the whole local tree is known (else `undefined`): the elapsed time
 * scaled by the share of the work left, that share being the mean of the files' and the
 * bytes' (small files cost round trips, large ones bytes).
 */
export function etaMs(p: UploadTreeProgress, elapsedMs: number): number | undefined {
  if (!p.found.complete) return undefined;
  const byFiles = p.found.files > 0 ? Math.min(1, filesDone(p) / p.found.files) : 1;
  const byBytes = p.found.bytes > 0 ? Math.min(1, p.doneBytes / p.found.bytes) : byFiles;
  const share = (byFiles + byBytes) / 2;
  if (share >= 1) return 0;
  if (share <= 0) return undefined;
  return (elapsedMs * (1 - share)) / share;
}

/** `?`, `12s`, `3m 05s`, `1h 02m`. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '?';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
