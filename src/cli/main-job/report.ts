import { counted } from '../output/counted.js';
import type { ExportStats } from '../export/stats.js';

/** One export of the main job, for its report. */
export interface JobLine {
  /** What was exported, e.g. `users`. */
  readonly name: string;
  /** Where it went. */
  readonly out: string;
  readonly stats: ExportStats;
}

/**
 * The main job's report: per export, records, pages, time to first record, records/s and
 * elapsed time; then the total wall time and the exporter's peak memory (maxRSS).
 */
export function formatReport(source: string, lines: readonly JobLine[], wallMs: number, maxRssKb: number): string {
  const rows = lines.map(({ name, out, stats }) => {
    const first = stats.firstRecordMs === undefined ? '-' : `${Math.round(stats.firstRecordMs)} ms`;
    return `  ${name.padEnd(6)} ${counted(stats.records, 'record').padStart(15)} ${counted(stats.pages, 'page').padStart(10)}  first record ${first.padStart(7)}  ${String(Math.round(stats.recordsPerSecond)).padStart(7)} records/s  ${(stats.elapsedMs / 1000).toFixed(2)} s  -> ${out}`;
  });
  return [
    `files-stream main job (${source})`,
    ...rows,
    `  total  ${(wallMs / 1000).toFixed(2)} s wall, peak memory (maxRSS) ${(maxRssKb / 1024).toFixed(1)} MB`,
  ].join('\n');
}
