import type { Writable } from 'node:stream';
import type { FilesClient } from '../../client/create-client.js';
import type { RecordEncoder } from '../format/encoder.js';
import { ndjsonEncoder } from '../format/ndjson.js';
import type { OutputSink } from '../output/sink.js';
import { createProgress } from '../progress/progress.js';
import { startStats, type ExportStats } from '../export/stats.js';
import { writePages } from '../export/write-pages.js';
import { lsTextEncoder } from './ls-encoder.js';

/** What to list and how to show it: the options of `files-stream ls`. */
export interface ListFolderJob {
  /** Remote folder (`/` for the root). */
  readonly path: string;
  /** Walk every subfolder (`-R`). */
  readonly recursive?: boolean;
  /** Folder listings in flight during a recursive walk. Default 4. */
  readonly concurrency?: number;
  /** Type, size and modification time on each line (`--long`). */
  readonly long?: boolean;
  /** One JSON File record per line (NDJSON) instead of text (`--json`). */
  readonly json?: boolean;
}

/** Where `listFolder` reports progress. */
export interface ListFolderIo {
  readonly stderr: Writable;
  /** Draw a progress line. */
  readonly progress: boolean;
}

/**
 * Lists a folder (or, recursively, the tree below it with `client.folders.walk`) to `sink`,
 * page by page, through the same writer as `export`: constant memory, backpressure respected.
 */
export async function listFolder(client: FilesClient, job: ListFolderJob, sink: OutputSink, io: ListFolderIo): Promise<ExportStats> {
  const listing = job.recursive
    ? client.folders.walk(job.path, { concurrency: job.concurrency ?? 4 })
    : client.folders.listFor(job.path);
  const encoder: RecordEncoder = job.json ? ndjsonEncoder(undefined) : lsTextEncoder({ long: job.long, fullPaths: job.recursive });
  const stats = startStats();
  const progress = createProgress({ stream: io.stderr, enabled: io.progress, label: job.recursive ? `ls -R ${job.path}` : `ls ${job.path}` });
  try {
    await writePages(listing.pages(), { encoder, sink, stats, progress });
  } finally {
    progress.stop(stats.snapshot());
    await sink.close();
  }
  return stats.snapshot();
}
