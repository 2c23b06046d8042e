import type { FilesClient } from '../../index.js';
import { duckdb, parquet, postgres, stateKeyOf, sync, SyncError, type Destination, type SyncResult, type SyncState } from '../../sync/index.js';
import type { SyncCommandOptions } from '../commands/sync.js';
import { InterruptedError } from '../errors/interrupted.js';
import { UsageError } from '../errors/usage-error.js';
import { isoOf } from '../export/time-range.js';
import type { CliIo } from '../io.js';
import { buildListParams, buildPathArgs } from '../operations/build-params.js';
import { resolveExportable } from '../operations/resolve-exportable.js';
import type { MessageWriter } from '../output/messages.js';
import { createProgress } from '../progress/progress.js';
import { retriesPhrase, type RetryCounter } from '../retries.js';
import { counted } from '../output/counted.js';

/** What `runSync` needs of the command. */
export interface SyncIo {
  readonly io: CliIo;
  readonly messages: MessageWriter;
  readonly quiet: boolean;
  readonly progress: boolean;
  readonly retries: RetryCounter;
  readonly signal?: AbortSignal;
  /** The run's clock (see `runClock`): the default `--until`. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * The destination `--to` names: `duckdb:<file>` or a path ending in `.duckdb`, `parquet:<dir>`,
 * `postgres://...` / `postgresql://...` / `postgres:` (with `schema`), read with `env` (the
 * libpq variables).
 *
 * @throws UsageError for anything else (naming the forms it takes), a malformed database URL,
 *   or `--schema` given for another destination.
 */
export function destinationOf(to: string, schema?: string, env: Readonly<Record<string, string | undefined>> = process.env): Destination {
  if (/^postgres(ql)?:/i.test(to)) {
    try {
      return postgres(to, { env, ...(schema === undefined ? {} : { schema }) });
    } catch (error) {
      if (error instanceof SyncError) throw new UsageError(`--to ${error.message}`);
      throw error;
    }
  }
  if (schema !== undefined) throw new UsageError('--schema applies to postgres destinations only');
  if (to.startsWith('duckdb:') && to.length > 'duckdb:'.length) return duckdb(to.slice('duckdb:'.length));
  if (/\.duckdb$/i.test(to) && !to.includes('://')) return duckdb(to);
  if (to.startsWith('parquet:') && to.length > 'parquet:'.length) return parquet(to.slice('parquet:'.length));
  throw new UsageError(`--to ${JSON.stringify(to)} is not a destination: use duckdb:<file> (or a path ending in .duckdb), parquet:<dir>, or postgres://user@host[:port]/database`);
}

/** Runs `files-stream sync`: the sync, a progress line on stderr, then its summary. */
export async function runSync(client: FilesClient, name: string, rawPathArgs: readonly string[], options: SyncCommandOptions, context: SyncIo): Promise<SyncResult> {
  const { info, spec } = resolveExportable(name);
  const destination = destinationOf(options.to!, options.schema, context.io.env);
  const params = buildListParams(spec, { filter: options.filter, filterPrefix: options.filterPrefix, param: options.param });
  const pathArgs = buildPathArgs(spec, rawPathArgs);
  const progress = createProgress({ stream: context.io.stderr, enabled: context.progress, label: context.messages.clean(`${info.namespace}.${info.method}`) });
  const started = performance.now();
  let committed = 0;
  let pages = 0;
  const stats = () => {
    const elapsedMs = performance.now() - started;
    return { records: committed, pages, elapsedMs, firstRecordMs: undefined, recordsPerSecond: elapsedMs > 0 ? (committed * 1000) / elapsedMs : 0 };
  };
  try {
    const result = await sync(client, `${info.namespace}.${info.method}`, destination, {
      ...(options.table ? { table: options.table } : {}),
      ...(options.mode ? { mode: options.mode } : {}),
      pathArgs,
      params,
      ...(options.since === undefined ? {} : { since: options.since.ms }),
      ...(options.until === undefined ? {} : { until: options.until.ms }),
      ...(options.lag === undefined ? {} : { lagMs: options.lag }),
      ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
      ...(options.perPage === undefined ? {} : { perPage: Math.min(options.perPage, info.perPageMax ?? options.perPage) }),
      fullRefresh: Boolean(options.fullRefresh),
      keepDeleted: Boolean(options.keepDeleted),
      wait: options.wait !== false,
      ...(options.shard ? { shard: options.shard } : {}),
      ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.now ? { now: context.now } : {}),
      onProgress: (p) => {
        committed = p.rows;
        pages = p.pages;
        progress.update(stats());
      },
    });
    progress.stop(stats());
    if (!context.quiet) context.messages.line(summary(result, destination, context.retries.count));
    return result;
  } catch (error) {
    progress.stop();
    if (error instanceof InterruptedError) {
      throw new InterruptedError(error.signal, `sync interrupted by ${error.signal}: ${counted(committed, 'row')} committed with their position, no request sent after it`, 'rerun the same command to continue where it stopped');
    }
    throw error;
  }
}

function summary(result: SyncResult, destination: Destination, retries: number): string {
  const seconds = (result.elapsedMs / 1000).toFixed(2);
  const where = `${destination.description} table ${result.table}${result.shard ? ` (shard ${result.shard.index}/${result.shard.count})` : ''}`;
  if (result.mode === 'append') {
    const listed = result.ranges.length > 3
      ? [result.ranges[0]!, { since: result.ranges[1]!.since, until: result.ranges.at(-1)!.until, resumed: false, days: result.ranges.length - 1 }]
      : result.ranges;
    const ranges = listed
      .map((r) => `${isoOf(r.since)}..${isoOf(r.until)}${r.resumed ? ' (resumed)' : ''}${'days' in r ? ` (${counted(r.days, 'day')} of shard ${result.shard?.index}/${result.shard?.count})` : ''}`)
      .join(', ');
    const upTo = result.highWater === undefined ? '' : `; complete up to ${isoOf(result.highWater)}`;
    return `${result.operation}${ranges ? ` created ${ranges}` : ': nothing new'}: ${counted(result.appended, 'row')} appended to ${where}${upTo} (${counted(result.pages, 'page')} in ${seconds}s${retriesPhrase(retries)})`;
  }
  const changes = result.mode === 'merge' ? `${result.inserted} inserted, ${result.updated} updated, ${result.deleted} deleted` : counted(result.inserted, 'row');
  return `${result.operation}: ${result.mode} into ${where}: ${changes} (${counted(result.pages, 'page')} in ${seconds}s${retriesPhrase(retries)})`;
}

/** `sync --status`: one line per synced table of the destination. */
export async function printStatus(to: string, schema: string | undefined, io: CliIo, messages: MessageWriter): Promise<void> {
  const destination = destinationOf(to, schema, io.env);
  const session = await destination.open();
  let states: SyncState[];
  try {
    states = await session.listStates();
  } finally {
    await session.close();
  }
  if (states.length === 0) {
    messages.line(`${destination.description}: no synced table`);
    return;
  }
  for (const state of states) {
    const args = state.pathArgs.length ? ` ${state.pathArgs.map(String).join(' ')}` : '';
    const where = state.mode === 'append'
      ? `${state.highWater === undefined ? 'nothing complete yet' : `complete up to ${isoOf(state.highWater)}`}${state.run ? `, a run of ${isoOf(state.run.since)}..${isoOf(state.run.until)} to finish` : ''}`
      : 'last complete run';
    io.stdout.write(`${messages.clean(stateKeyOf(state))}\t${state.mode}\t${messages.clean(state.operation + args)}\t${counted(state.rows, 'row')}\t${where}\tat ${state.updatedAt}\n`);
  }
}
