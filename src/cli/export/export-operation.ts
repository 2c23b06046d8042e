import type { Hash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { FilesClient } from '../../index.js';
import type { Paginated } from '../../index.js';
import { encoderStateOf, exportDifferences, type Checkpoint, type ExportIdentity } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { loadCheckpoint, prepareCheckpointFolder } from '../checkpoint/checkpoint-file.js';
import { checkpointSaver } from '../checkpoint/checkpoint-saver.js';
import { verifyOutput } from '../checkpoint/verify-output.js';
import { UsageError } from '../errors/usage-error.js';
import { createEncoder } from '../format/create-encoder.js';
import type { Format } from '../format/encoder.js';
import { buildListParams, buildPathArgs, type ListingArgs } from '../operations/build-params.js';
import { openListing } from '../operations/open-listing.js';
import { resolveExportable } from '../operations/resolve-exportable.js';
import { openFileSink, type FileSink } from '../output/file-sink.js';
import { createMessageWriter, type MessageWriter } from '../output/messages.js';
import type { OutputSink } from '../output/sink.js';
import { streamSink } from '../output/stream-sink.js';
import { createProgress } from '../progress/progress.js';
import { startStats, type ExportStats } from './stats.js';
import { writePages, type PageLike } from './write-pages.js';

/** What to export and where: the options of `files-stream export`. */
export interface ExportJob {
  /** CLI operation name: `users`, `history.listForFolder`, ... */
  readonly operation: string;
  /** Path parameters, as typed on the command line. */
  readonly pathArgs?: readonly string[];
  /** Filters, sort, per_page and other parameters. */
  readonly listing?: ListingArgs;
  readonly format: Format;
  /** Fields to write (CSV columns). */
  readonly fields?: readonly string[];
  /** Output file; standard output when absent. */
  readonly out?: string;
  /** Checkpoint file (requires `out`). */
  readonly checkpoint?: string;
  /** Stop after this many records in all (counting those of earlier runs). */
  readonly limit?: number;
  /** CSV only: write cells as sent, without neutralising spreadsheet formulas. */
  readonly csvRaw?: boolean;
}

/** Where an export reports. */
export interface ExportIo {
  /** Receives the data when the job has no `out`. */
  readonly stdout: Writable;
  /** Receives progress and warnings. */
  readonly stderr: Writable;
  /** Draw a progress line on `stderr`. */
  readonly progress: boolean;
  /** Print no warnings. */
  readonly quiet: boolean;
  /**
   * Prints warnings and cleans the progress label (redacted, control characters escaped).
   * Default: a writer on `stdout`/`stderr` that escapes control characters and hides no secret.
   */
  readonly messages?: MessageWriter;
}

/** The outcome of an export run. */
export interface ExportResult extends ExportStats {
  /** Operation id, e.g. `users.list`. */
  readonly operation: string;
  /** Records in the output in all, earlier runs included. */
  readonly totalRecords: number;
  /** Size of the output in bytes. */
  readonly bytes: number;
  /** The run continued an earlier one from its checkpoint. */
  readonly resumed: boolean;
  /** The checkpoint said the export was complete: nothing was done. */
  readonly alreadyDone: boolean;
}

/**
 * Exports every record of a paginated operation, page by page, in constant memory. With a
 * checkpoint, each page is written and fsynced before the checkpoint (next cursor, output
 * size, records) is atomically saved; a rerun cuts the output back to the saved size and
 * continues from the cursor, so every record is written exactly once, even after `kill -9`.
 * Before anything is written, the checkpoint's folder, its content, the export's settings,
 * the output path and the output's covered bytes (SHA-256) are checked.
 *
 * @throws UsageError for an unknown or non-paginated operation, a checkpoint without `out`,
 *   or `csvRaw` with a format other than CSV.
 * @throws CheckpointError for a checkpoint that is invalid, was saved by a different export
 *   or for another output, whose output changed, or whose folder cannot hold it.
 * @throws InvalidParameterError for a bad parameter (checked before anything is sent or written).
 */
export async function exportOperation(client: FilesClient, job: ExportJob, io: ExportIo): Promise<ExportResult> {
  const messages = io.messages ?? createMessageWriter(io);
  const { info, spec } = resolveExportable(job.operation);
  if (job.checkpoint && !job.out) throw new UsageError('--checkpoint needs --out: only a file can be resumed');
  if (job.csvRaw && job.format !== 'csv') throw new UsageError('--csv-raw applies to --format csv only');
  const pathArgs = buildPathArgs(spec, job.pathArgs ?? []);
  const params = buildListParams(spec, job.listing ?? {});
  const identity: ExportIdentity = {
    operation: spec.id,
    pathArgs,
    params,
    format: job.format,
    fields: job.fields,
    limit: job.limit,
    ...(job.csvRaw ? { csvRaw: true } : {}),
  };
  const resume = job.checkpoint ? await checkResume(job.checkpoint, job.out!, identity, spec.pathParams) : undefined;
  const saved = resume?.saved;
  if (saved?.done) return finished(spec.id, saved, { resumed: true, alreadyDone: true });

  // Checks the parameters (throws before the output is touched).
  let listing: Paginated<unknown> = openListing(client, info, pathArgs, params, saved?.cursor ? { startCursor: saved.cursor } : {});
  const remaining = job.limit === undefined ? Infinity : job.limit - (saved?.records ?? 0);
  const listingDone = saved !== undefined && saved.cursor === null;
  if (remaining !== Infinity) listing = listing.take(Math.max(0, remaining));

  if (job.out) await mkdir(dirname(job.out), { recursive: true });
  const file: FileSink | undefined = job.out
    ? await openFileSink(job.out, saved ? { resumeAt: saved.bytes, hash: resume!.hash } : job.checkpoint ? { hash: true } : {})
    : undefined;
  const sink: OutputSink = file ?? streamSink(io.stdout);
  const encoder = createEncoder(job.format, {
    fields: job.fields,
    resume: saved && encoderStateOf(saved),
    csvRaw: job.csvRaw,
    onDroppedColumns: io.quiet ? undefined : (index, columns) =>
      messages.line(`warning: record ${index + 1} has fields outside the CSV header (${columns.slice(0, 5).join(', ')}${columns.length > 5 ? ', ...' : ''}): dropped; pass --fields to choose the columns`),
  });
  const stats = startStats();
  const progress = createProgress({ stream: io.stderr, enabled: io.progress, label: messages.clean(spec.id) });
  const saver = job.checkpoint
    ? checkpointSaver({ path: job.checkpoint, identity, sink: file!, output: job.out!, encoder, pagesBefore: saved?.pages ?? 0, limit: job.limit })
    : undefined;
  try {
    const pages = listingDone || remaining <= 0 ? noPages() : listing.pages();
    await writePages(pages, {
      encoder,
      sink,
      stats,
      progress,
      afterPage: saver && ((page) => saver.afterPage(page)),
      afterEnd: saver && (() => saver.afterEnd()),
    });
  } finally {
    progress.stop(stats.snapshot());
    await sink.close();
  }
  return {
    ...stats.snapshot(),
    operation: spec.id,
    totalRecords: encoder.state().records,
    bytes: sink.bytes,
    resumed: saved !== undefined,
    alreadyDone: false,
  };
}

/**
 * Everything a checkpoint is checked against before a record is written: its folder can hold
 * it, it is a valid checkpoint, it was saved by this same export, for this same output, and
 * the output still starts with the bytes it covers. Returns the saved checkpoint (none on a
 * first run) and the hash of the covered bytes, for the output sink to continue.
 *
 * @throws CheckpointError naming what is wrong or differs.
 */
async function checkResume(
  path: string,
  out: string,
  identity: ExportIdentity,
  pathParams: readonly string[],
): Promise<{ saved: Checkpoint; hash: Hash } | undefined> {
  await prepareCheckpointFolder(path);
  const saved = await loadCheckpoint(path);
  if (!saved) return undefined;
  const differences = exportDifferences(saved.export, identity, pathParams);
  if (differences.length) {
    throw new CheckpointError(
      `checkpoint ${path} was saved by a different export: ${differences.join('; ')}. Rerun with the settings it was saved with, or delete it (and the output) to start over`,
    );
  }
  return { saved, hash: await verifyOutput(saved, out, path) };
}

function finished(operation: string, saved: Checkpoint, flags: { resumed: boolean; alreadyDone: boolean }): ExportResult {
  return {
    operation,
    records: 0,
    pages: 0,
    elapsedMs: 0,
    firstRecordMs: undefined,
    recordsPerSecond: 0,
    totalRecords: saved.records,
    bytes: saved.bytes,
    ...flags,
  };
}

async function* noPages(): AsyncGenerator<PageLike> {}
