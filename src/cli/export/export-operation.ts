import type { Hash } from 'node:crypto';
import { lstat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import type { FilesClient } from '../../index.js';
import { InvalidParameterError, type Paginated } from '../../index.js';
import { checkSite, encoderStateOf, exportDifferences, siteOf, type Checkpoint, type ExportIdentity } from '../checkpoint/checkpoint.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { openCheckpoint } from '../checkpoint/checkpoint-file.js';
import type { CheckpointLock } from '../checkpoint/checkpoint-lock.js';
import { checkpointSaver } from '../checkpoint/checkpoint-saver.js';
import { verifyOutput } from '../checkpoint/verify-output.js';
import { InterruptedError } from '../errors/interrupted.js';
import { UsageError } from '../errors/usage-error.js';
import { createEncoder } from '../format/create-encoder.js';
import type { Format } from '../format/encoder.js';
import { fieldPresence } from '../format/field-presence.js';
import type { OperationSpec } from '../../extend.js';
import { buildListParams, buildPathArgs, type ListingArgs } from '../operations/build-params.js';
import { openListing } from '../operations/open-listing.js';
import { resolveExportable } from '../operations/resolve-exportable.js';
import { makeFolders, type CreatedFolders } from '../output/created-folders.js';
import { openFileSink, type FileSink } from '../output/file-sink.js';
import { describeFileError, namingPath } from '../output/file-error.js';
import { createMessageWriter, type MessageWriter } from '../output/messages.js';
import type { OutputSink } from '../output/sink.js';
import { streamSink } from '../output/stream-sink.js';
import { createProgress } from '../progress/progress.js';
import { checkRange, resolveRange, type RangeArgs, type ResolvedRange } from './range-plan.js';
import { startStats, type ExportStats } from './stats.js';
import { isoOf } from './time-range.js';
import { writePages, type PageLike } from './write-pages.js';
import { counted } from '../output/counted.js';

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
  /**
   * Export by time (`--since`, `--until`, `--parallel`, `--unordered`, `--shard`): the records
   * created in the range, listed as time slices side by side (a partitioned listing).
   */
  readonly range?: RangeArgs;
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
  /**
   * Stops the export: no request is sent after it, the page in hand is written (and its
   * checkpoint saved), the output is closed, and the export rejects with the signal's reason
   * (an `InterruptedError` reason becomes one saying what was written and how to resume).
   */
  readonly signal?: AbortSignal;
  /** The clock that resolves the default `--until` (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
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
  /** An export by time: the range as resolved, the part listed and how. */
  readonly range?: ExportedRange;
}

/** The time range of an export by time, for its summary. */
export interface ExportedRange {
  /** `[since, until)`, ISO 8601 UTC. */
  readonly since: string;
  readonly until: string;
  /** `--until` was not given: now, or the checkpoint's. */
  readonly untilDefaulted: boolean;
  /** The bounds given relative to now (`--since 24h`) that are the checkpoint's instants: the first run resolved them. */
  readonly fromCheckpoint: readonly ('since' | 'until')[];
  /** `--shard K/N` and the part of the range it is. */
  readonly shard?: { readonly name: string; readonly since: string; readonly until: string };
  /** Requests in flight at most. */
  readonly parallel: number;
  /** Ascending `created_at` (else arrival order). */
  readonly ordered: boolean;
}

/**
 * Exports every record of a paginated operation, page by page, in constant memory. With a
 * checkpoint, each page is written and fsynced before the checkpoint (next cursor, output
 * size, records) is atomically saved; a rerun cuts the output back to the saved size and
 * continues from the cursor, so every record is written exactly once, even after `kill -9`.
 * Before anything is written, the checkpoint's folder, its content, the export's settings,
 * the output path and the output's covered bytes (SHA-256) are checked.
 *
 * A checkpoint is locked for the run (`<checkpoint>.lock`, see `lockCheckpoint`) before it is
 * read or the output opened, and released when the export ends, however it ends: a second run
 * of the same checkpoint is refused, naming the first. A checkpoint is bound to the site it
 * was saved against (the client's base URL, see `siteOf`), and its `records` (CSV `columns`,
 * JSON `done`) must match the covered bytes (see `verifyOutput`).
 *
 * With `range.since` the records created in `[since, until)` (or a shard of it) are listed as
 * time slices side by side (the library's partitioned listing); the checkpoint then holds the
 * partition's resume cursor (`fs-partition:...`, every slice's position) and the range as
 * resolved (the default `until` and relative bounds such as `--since 24h` are the first run's,
 * kept for the reruns).
 *
 * @throws UsageError for an unknown or non-paginated operation, a checkpoint without `out`,
 *   `csvRaw` with a format other than CSV, or time-range options that do not fit (see
 *   `checkRange`: `--parallel` without `--since`, an operation without a `created_at` range, ...).
 * @throws CheckpointError for a checkpoint that is invalid, was saved by a different export,
 *   for another output or against another site, whose output changed or does not hold what it
 *   counts, whose folder cannot hold it, or that another run holds.
 * @throws InvalidParameterError for a bad parameter (checked before anything is sent or written).
 * @throws InterruptedError (or the signal's other reason) when `io.signal` stops the export.
 */
export async function exportOperation(client: FilesClient, job: ExportJob, io: ExportIo): Promise<ExportResult> {
  const locks: CheckpointLock[] = [];
  try {
    return await exportHoldingLocks(client, job, io, locks);
  } finally {
    for (const lock of locks) await lock.release();
  }
}

/** {@link exportOperation}, which releases the checkpoint's lock this pushes on `locks` as soon as it is taken. */
async function exportHoldingLocks(client: FilesClient, job: ExportJob, io: ExportIo, locks: CheckpointLock[]): Promise<ExportResult> {
  const messages = io.messages ?? createMessageWriter(io);
  const { info, spec } = resolveExportable(job.operation);
  if (job.checkpoint && !job.out) throw new UsageError('--checkpoint needs --out: only a file can be resumed');
  if (job.csvRaw && job.format !== 'csv') throw new UsageError('--csv-raw applies to --format csv only');
  const pathArgs = buildPathArgs(spec, job.pathArgs ?? []);
  const warn = (text: string): void => {
    if (!io.quiet) messages.line(text);
  };
  const params = buildListParams(spec, cappedListing(spec, job.listing ?? {}, warn));
  const checkedRange = checkRange(job.range, info, spec, params);
  // Locked before the checkpoint is read or the output opened; released by exportOperation.
  const opened = job.checkpoint ? await openCheckpoint(job.checkpoint, `files-stream export ${spec.id}`) : undefined;
  if (opened) locks.push(opened.lock);
  const stored = opened?.saved;
  const site = siteOf(client.info.baseUrl);
  // The default --until is the checkpoint's when it has one: a rerun resumes the same range.
  const range = checkedRange && resolveRange(checkedRange, stored?.export.range, (io.now ?? Date.now)());
  const identity: ExportIdentity = {
    operation: spec.id,
    pathArgs,
    params,
    format: job.format,
    fields: job.fields,
    limit: job.limit,
    ...(job.csvRaw ? { csvRaw: true } : {}),
    ...(range ? { range: range.identity } : {}),
  };
  const resume = stored ? await checkResume(job.checkpoint!, stored, job.out!, identity, spec.pathParams, site) : undefined;
  const saved = resume?.saved;
  const exported = range && exportedRange(range);
  if (saved?.done) return { ...finished(spec.id, saved, { resumed: true, alreadyDone: true }), ...(exported ? { range: exported } : {}) };

  // A shard may be an empty part of a range shorter than its number of parts: nothing to list.
  const emptyPart = range !== undefined && range.part.since >= range.part.until;
  // Checks the parameters (throws before the output is touched).
  let listing: Paginated<unknown> | undefined = emptyPart
    ? undefined
    : savedCursorChecked(job.checkpoint, () =>
        openListing(client, info, pathArgs, params, {
          ...(saved?.cursor ? { startCursor: saved.cursor } : {}),
          ...(range ? { partition: { since: range.part.since, until: range.part.until, concurrency: range.parallel, ordered: range.ordered } } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
          // NDJSON and JSON without --fields copy the records' text as the server sent it.
          rawJson: (job.format === 'ndjson' || job.format === 'json') && job.fields === undefined,
        }),
      );
  const remaining = job.limit === undefined ? Infinity : job.limit - (saved?.records ?? 0);
  const listingDone = emptyPart || (saved !== undefined && saved.cursor === null);
  if (listing && remaining !== Infinity) listing = listing.take(Math.max(0, remaining));

  const output = job.out ? await openOutput(job.out, saved ? { resumeAt: saved.bytes, hash: resume!.hash } : job.checkpoint ? { hash: true } : {}) : undefined;
  const file: FileSink | undefined = output?.sink;
  const sink: OutputSink = file ?? streamSink(io.stdout);
  const encoder = createEncoder(job.format, {
    fields: job.fields,
    resume: saved && encoderStateOf(saved),
    csvRaw: job.csvRaw,
    onDroppedColumns: io.quiet ? undefined : (index, columns) =>
      messages.line(`warning: record ${index + 1} has fields outside the CSV header (${columns.slice(0, 5).join(', ')}${columns.length > 5 ? ', ...' : ''}): dropped; pass --fields to choose the columns`),
  });
  const presence = job.fields && !io.quiet ? fieldPresence(job.fields) : undefined;
  const stats = startStats();
  const progress = createProgress({ stream: io.stderr, enabled: io.progress, label: messages.clean(spec.id) });
  const saver = job.checkpoint
    ? checkpointSaver({ path: job.checkpoint, site, lock: opened?.lock, identity, sink: file!, output: job.out!, encoder, pagesBefore: saved?.pages ?? 0, limit: job.limit })
    : undefined;
  let failed = true;
  try {
    const pages = listingDone || remaining <= 0 || !listing ? noPages() : listing.pages();
    await writePages(presence ? watched(pages, presence) : pages, {
      encoder,
      sink,
      stats,
      progress,
      afterPage: saver && ((page) => saver.afterPage(page)),
      afterEnd: saver && (() => saver.afterEnd()),
    });
    failed = false;
  } catch (err) {
    // Stopped by the caller: the page in hand was written (and checkpointed) before the listing noticed.
    if (io.signal?.aborted) throw interrupted(io.signal.reason, encoder.state().records, job);
    throw err;
  } finally {
    progress.stop(stats.snapshot());
    try {
      await sink.close();
    } finally {
      // Nothing written and nothing to resume: take back the empty output and the folders made for it.
      if (failed && output && !job.checkpoint) await output.discardIfEmpty();
    }
  }
  const missing = presence?.warning();
  if (missing) warn(missing);
  return {
    ...stats.snapshot(),
    operation: spec.id,
    totalRecords: encoder.state().records,
    bytes: sink.bytes,
    resumed: saved !== undefined,
    alreadyDone: false,
    ...(exported ? { range: exported } : {}),
  };
}

/** The range of an export by time, for its result. */
function exportedRange(range: ResolvedRange): ExportedRange {
  const { whole, part, identity } = range;
  return {
    since: isoOf(whole.since),
    until: isoOf(whole.until),
    untilDefaulted: range.untilDefaulted,
    fromCheckpoint: range.fromCheckpoint,
    ...(identity.shard ? { shard: { name: identity.shard, since: isoOf(part.since), until: isoOf(part.until) } } : {}),
    parallel: range.parallel,
    ordered: range.ordered,
  };
}

/**
 * What an export stopped by `signal.reason` throws: for a signal (an `InterruptedError`), one
 * saying what is in the output and how to go on; any other reason as it is (as `fetch` does).
 */
function interrupted(reason: unknown, records: number, job: ExportJob): unknown {
  if (!(reason instanceof InterruptedError)) return reason;
  const target = job.out ?? 'stdout';
  const hint = job.checkpoint
    ? `the checkpoint covers every record written: rerun the same command to resume`
    : job.out
      ? `${job.out} is incomplete; rerun to export again (with --checkpoint, an interrupted export resumes where it stopped)`
      : 'the output is incomplete; rerun to export again (with --out and --checkpoint, an interrupted export resumes where it stopped)';
  return new InterruptedError(reason.signal, `export interrupted by ${reason.signal}: ${counted(records, 'record')} in ${target}, no request sent after it`, hint);
}

/**
 * What a saved checkpoint is checked against before a record is written: it was saved against
 * this same site, by this same export, for this same output, and the output still starts with
 * the bytes it covers (and holds the records it counts).
 * Returns it with the hash of the covered bytes, for the output sink to continue.
 *
 * @throws CheckpointError naming what is wrong or differs.
 */
async function checkResume(
  path: string,
  saved: Checkpoint,
  out: string,
  identity: ExportIdentity,
  pathParams: readonly string[],
  site: string,
): Promise<{ saved: Checkpoint; hash: Hash }> {
  checkSite(path, saved, site);
  const differences = exportDifferences(saved.export, identity, pathParams);
  if (differences.length) {
    throw new CheckpointError(
      `checkpoint ${path} was saved by a different export: ${differences.join('; ')}. Rerun with the settings it was saved with, or delete it (and the output) to start over`,
    );
  }
  return { saved, hash: await verifyOutput(saved, out, path) };
}

/**
 * Opens the listing; a saved cursor the listing refuses (edited by hand, cut short, from an
 * older files-stream: `InvalidParameterError` on `startCursor`) is a `CheckpointError` naming
 * the checkpoint, before anything is sent or written.
 */
function savedCursorChecked<T>(checkpoint: string | undefined, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (checkpoint !== undefined && error instanceof InvalidParameterError && error.parameter === 'startCursor') {
      throw new CheckpointError(`checkpoint ${checkpoint} holds a cursor that cannot be resumed: ${error.message.replace(/^.*?startCursor: /, '')}`);
    }
    throw error;
  }
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

/** The pages, each shown to `presence` as it passes. */
async function* watched<P extends PageLike>(pages: AsyncIterable<P>, presence: { see(items: readonly unknown[]): void }): AsyncGenerator<P> {
  for await (const page of pages) {
    presence.see(page.items);
    yield page;
  }
}

/**
 * The listing options with `--per-page` lowered to the operation's maximum when above it
 * (as `--help` says), with a warning through `warn`.
 */
function cappedListing(spec: OperationSpec, listing: ListingArgs, warn: (text: string) => void): ListingArgs {
  const max = spec.params.find((p) => p.name === 'per_page')?.max;
  if (max === undefined || listing.perPage === undefined || listing.perPage <= max) return listing;
  warn(`warning: --per-page ${listing.perPage} is above the maximum of ${spec.id} (${max}): using ${max}`);
  return { ...listing, perPage: max };
}

/** The `--out` file of an export, opened, and how to take it back after a failure. */
interface OpenedOutput {
  readonly sink: FileSink;
  /** Removes the file when this run created it and nothing was written, then the folders made for it when empty. */
  discardIfEmpty(): Promise<void>;
}

/**
 * Opens `--out` for writing: makes its missing folders, then creates (or continues) the file.
 * Every file-system failure, now or while writing, names the path and the reason
 * (`cannot write --out /data/users.csv: no space left on device (ENOSPC)`), and the folders
 * made are removed again when opening fails.
 */
async function openOutput(out: string, options: Parameters<typeof openFileSink>[1]): Promise<OpenedOutput> {
  const folders: CreatedFolders = await namingPath('--out', out, () => makeFolders(dirname(out)));
  const existed = (await lstat(out).catch(() => undefined)) !== undefined;
  let sink: FileSink;
  try {
    sink = await namingPath('--out', out, () => openFileSink(out, options));
  } catch (err) {
    await folders.removeIfEmpty();
    throw err;
  }
  const named = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw await describeFileError(err, '--out', out);
    }
  };
  return {
    sink: {
      write: named((text: string | Uint8Array) => sink.write(text)),
      sync: named(() => sink.sync()),
      close: named(() => sink.close()),
      get bytes() {
        return sink.bytes;
      },
      sha256: () => sink.sha256(),
    },
    async discardIfEmpty() {
      if (existed || sink.bytes > 0) return;
      await unlink(out).catch(() => {});
      await folders.removeIfEmpty();
    },
  };
}
