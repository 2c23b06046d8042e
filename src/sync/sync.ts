/**
 * The sync engine: any list operation, straight into a table, exactly once and incrementally.
 *
 * - **append** (the lists with a `created_at` range: logs, history): the records of
 *   `[from, until)` are listed as a partitioned listing (ordered), and each batch of rows is
 *   committed together with the listing's resume cursor after it. A rerun first finishes an
 *   interrupted run from that cursor, then lists what came after the last complete run's end
 *   (its high-water mark, which wins over `since` when later), up to `now - lag`: a record of
 *   the current second, still arriving, waits for the next run.
 * - **merge** (lists whose model has an `id`): the whole listing is staged, then applied in
 *   one transaction: rows replaced by `id`, new ones inserted, those the listing no longer
 *   holds deleted (or marked `_deleted_at` with `keepDeleted`). A reader never sees half a run.
 * - **replace** (the other lists): the whole listing is staged, then swapped in atomically.
 */
import type { FilesClient, ListCallOptions, Paginated } from '../index.js';
import { apiOperations, operationSpecs, timeRangeOf, type ApiOperationInfo, type OperationSpec } from '../extend.js';
import { parseUtcTime } from '../core/time.js';
import { InvalidParameterError, SyncError } from '../errors/client-errors.js';
import { modelFields } from '../generated/model-fields.js';
import { columnsOf, hasId, RecordBatch, type Column } from './columns.js';
import { DELETED_AT_COLUMN, stateKeyOf, type Destination, type DestinationSession, type RunPosition, type Shard, type SyncMode, type SyncState } from './destination.js';

/** Options of {@link sync}. */
export interface SyncOptions {
  /** The table. Default: the operation in snake_case (`action_logs`, `users`, `history_folder`). */
  table?: string;
  /** Default: `append` for lists with a `created_at` range, `merge` for models with an `id`, else `replace`. */
  mode?: SyncMode;
  /** Path arguments of the operation, in order (a folder path, a user id). */
  pathArgs?: readonly unknown[];
  /** List parameters (`filter`, `filter_prefix`, ...), as Files.com spells them; not the `created_at` range. */
  params?: Record<string, unknown>;
  /** Append: the start of the first run (records with `created_at >= since`). Default: the epoch. A later stored position wins. */
  since?: Date | string | number;
  /** Append: the end of this run (exclusive). Default: `now - lag`, to the second. */
  until?: Date | string | number;
  /** Append: records newer than this many milliseconds wait for the next run. Default 60,000. */
  lagMs?: number;
  /** Requests in flight at once (append: slices of the range side by side). Default 4. */
  parallel?: number;
  /** `per_page` of each request. Default: the client's, else the operation's maximum. */
  perPage?: number;
  /** Start the table again: its rows and state are dropped first. */
  fullRefresh?: boolean;
  /** Merge: keep rows the source no longer returns, with `_deleted_at` set, instead of deleting them. */
  keepDeleted?: boolean;
  /** Rows committed per transaction. Default 50,000. */
  batchRows?: number;
  /**
   * Append: sync only shard `index` of `count` (1-based) of the range: the UTC days whose
   * number (days since 1970-01-01) modulo `count` is `index - 1`, with a state of its own.
   * Shards of one table run side by side (on several machines) into a destination that keeps
   * a state per shard (DuckDB, PostgreSQL); each needs `since`.
   */
  shard?: Shard;
  /** Another sync holds the destination (or the table): wait for it (default), or, with `false`, refuse with `SyncError` `in-use`. */
  wait?: boolean;
  /** Stops the sync: the rows in hand are committed with their position, then the signal's reason is thrown. */
  signal?: AbortSignal;
  /** Called after each commit. */
  onProgress?: (progress: SyncProgress) => void;
  /** The clock (for tests). Default `Date.now`. */
  now?: () => number;
}

/** What a sync has done so far (see `onProgress`). */
export interface SyncProgress {
  readonly table: string;
  /** Rows committed (appended, or staged) by this run. */
  readonly rows: number;
  /** Pages read by this run. */
  readonly pages: number;
}

/** What a sync did. */
export interface SyncResult {
  readonly table: string;
  readonly operation: string;
  readonly mode: SyncMode;
  /** Append: rows appended by this run. */
  readonly appended: number;
  /** Merge: rows inserted, updated (changed) and deleted (or marked deleted). Replace: `inserted` is the table's rows. */
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  /** Pages read. */
  readonly pages: number;
  /** Append: the ranges listed (epoch ms), an interrupted run's first. */
  readonly ranges: readonly { readonly since: number; readonly until: number; readonly resumed: boolean }[];
  /** Append: every record created before this instant (epoch ms) is in the table (of the shard's days, for a shard). */
  readonly highWater?: number;
  /** The shard synced (see {@link SyncOptions.shard}). */
  readonly shard?: Shard;
  readonly elapsedMs: number;
}

/** The list operation a sync reads, found by name. */
export interface SyncSourceInfo {
  readonly info: ApiOperationInfo;
  /** Its generated spec (not for a {@link SyncListing}). */
  readonly spec?: OperationSpec;
  /** Its id, `namespace.method` (`actionLogs.list`). */
  readonly id: string;
  readonly model: string;
  readonly timeRanged: boolean;
}

/**
 * Finds a paginated operation by name: `actionLogs` or `actionLogs.list`, `history.listForFolder`.
 *
 * @throws InvalidParameterError for an unknown or unpaginated operation.
 */
export function syncSource(name: string): SyncSourceInfo {
  const [namespace, method = 'list'] = name.split('.', 2);
  const info = apiOperations.find((op) => op.namespace === namespace && op.method === method);
  const id = `${namespace}.${method}`;
  if (!info || !info.paginated || !info.model) {
    throw new InvalidParameterError(id, 'operation', info ? 'not a list operation: sync takes a paginated list' : 'unknown operation (files-stream operations lists them)');
  }
  const spec = operationSpecs[id]!;
  return { info, spec, id, model: info.model, timeRanged: timeRangeOf(spec) !== undefined };
}

/**
 * A listing of your own to sync (a `Paginated` a list call returned, with its filters, or any
 * listing of records of one model), merged by `id` or replaced whole, run after run. Each run
 * lists it from the start (a `Paginated` is re-iterable). Append is for operation names only:
 * the sync opens their listing from its stored position.
 */
export interface SyncListing {
  /** The listing. */
  readonly listing: Paginated<unknown>;
  /** The model of its records (`User`): the table's columns. */
  readonly model: string;
  /** What it is, for the state and as the default table name (`admins`). */
  readonly name: string;
}

/** The source of a {@link SyncListing}. */
function listingSource(given: SyncListing): SyncSourceInfo {
  if (!modelFields[given.model]) throw new InvalidParameterError(given.name, 'model', `the spec has no model ${JSON.stringify(given.model)}`);
  const info: ApiOperationInfo = { resource: given.model, sdkMethod: 'list', namespace: given.name, method: 'listing', httpMethod: 'GET', path: '', paginated: true, pathParams: [], model: given.model };
  return { info, id: given.name, model: given.model, timeRanged: false };
}

/** The default table of an operation: `actionLogs.list` -> `action_logs`, `history.listForFolder` -> `history_folder`. */
export function defaultTable(info: ApiOperationInfo): string {
  const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  const rest = info.method === 'list' ? '' : info.method.replace(/^list(For)?/, '');
  return snake(info.namespace) + (rest ? `_${snake(rest.charAt(0).toLowerCase() + rest.slice(1))}` : '');
}

/** The default mode of a source (see {@link SyncOptions.mode}). */
export function defaultMode(source: SyncSourceInfo): SyncMode {
  return source.timeRanged ? 'append' : hasId(source.model) ? 'merge' : 'replace';
}

const SECOND = 1000;
const DAY = 86_400_000;

/**
 * Syncs a list operation into a table of `destination`, exactly once and incrementally (see
 * the module comment for the modes). Checks its input and opens the destination before any
 * API request: a table that holds another sync, a column of another type, a destination that
 * cannot be opened or is in use: a `SyncError`.
 *
 * @example await sync(files, 'actionLogs', duckdb('logs.duckdb'), { since: '2026-01-01', parallel: 8 });
 * @example await sync(files, { listing: files.users.list({ filter: { site_admin: true } }), model: 'User', name: 'admins' }, duckdb('files.duckdb'));
 */
export async function sync(client: FilesClient, operation: string | SyncListing, destination: Destination, options: SyncOptions = {}): Promise<SyncResult> {
  const started = performance.now();
  const given = typeof operation === 'string' ? undefined : operation;
  const source = given ? listingSource(given) : syncSource(operation as string);
  const mode = options.mode ?? defaultMode(source);
  const bad = (parameter: string, message: string) => new InvalidParameterError(source.id, parameter, message);
  if (mode === 'append' && given) throw bad('mode', 'append needs an operation name (the sync opens the listing from its stored position): sync a listing with merge or replace');
  if (mode === 'append' && !source.timeRanged) throw bad('mode', 'append needs a list with a created_at range (logs, history): use merge or replace');
  if (mode === 'merge' && !hasId(source.model)) throw bad('mode', `merge needs records with an id, and ${source.model} has none: use replace`);
  if (options.keepDeleted && mode !== 'merge') throw bad('keepDeleted', 'applies to merge only');
  const shard = options.shard;
  if (shard) {
    if (!(Number.isInteger(shard.count) && shard.count >= 1 && shard.count <= 100_000 && Number.isInteger(shard.index) && shard.index >= 1 && shard.index <= shard.count)) {
      throw bad('shard', 'must be K/N with 1 <= K <= N <= 100000');
    }
    if (mode !== 'append') throw bad('shard', 'applies to append (lists with a created_at range) only');
    if (options.since === undefined) throw bad('shard', 'needs since: the start of the range the shards share');
    if (options.fullRefresh) throw bad('shard', 'cannot be given with fullRefresh: start the table again once without shards (or drop it), then run the shards');
    if (!destination.shards) throw bad('shard', `${destination.description} keeps one state a table: shards need a database (duckdb, postgres)`);
  }
  const batchRows = options.batchRows ?? 50_000;
  if (!(Number.isInteger(batchRows) && batchRows >= 1)) throw bad('batchRows', 'must be an integer >= 1');
  const table = options.table ?? (given ? given.name : defaultTable(source.info));
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table) || table.startsWith('_files_stream')) {
    throw bad('table', 'must be letters, digits and _ (not starting with a digit or _files_stream), at most 63 characters');
  }
  const params = { ...(options.params ?? {}) };
  const pathArgs = [...(options.pathArgs ?? [])];
  // The listing's arguments are checked now, before the destination is touched.
  const list = (listOptions: ListCallOptions): Paginated<unknown> => {
    if (given) return given.listing; // re-iterable: each run lists it from the start
    const namespace = (client as unknown as Record<string, Record<string, (...args: unknown[]) => Paginated<unknown>>>)[source.info.namespace]!;
    const withPerPage = options.perPage === undefined ? params : { ...params, per_page: options.perPage };
    return namespace[source.info.method]!.call(namespace, ...pathArgs, withPerPage, { ...listOptions, ...(options.signal ? { signal: options.signal } : {}) });
  };
  list({});

  const session = await destination.open({ wait: options.wait ?? true, signal: options.signal });
  try {
    const key = stateKeyOf({ table, shard });
    await session.lockTable?.(key);
    let state = await session.readState(key);
    if (state && options.fullRefresh) {
      await session.reset(table);
      state = undefined;
    }
    const base = { table, operation: source.id, pathArgs, params, mode, ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}) };
    if (state) checkSameSync(state, base, destination);
    // The table's other states (its other shards): of this same sync, in as many shards.
    for (const other of (await session.listStates()).filter((s) => s.table === table && stateKeyOf(s) !== key)) {
      checkSameSync(other, base, destination);
      if ((other.shard?.count ?? 0) !== (shard?.count ?? 0)) {
        const had = other.shard?.count ?? 0;
        throw new SyncError(
          'state-mismatch',
          `table ${table} of ${destination.description} is synced ${had ? `in ${had} shards` : 'whole'}: ${had ? `use shard K/${had}` : 'run it without shards'}, or sync into another table`,
        );
      }
    }
    const columns = columnsOf(source.model);
    const withDeleted: Column[] = options.keepDeleted ? [...columns, { name: DELETED_AT_COLUMN, type: 'timestamptz' }] : columns;
    await session.ensureTable(table, withDeleted, mode === 'merge' ? 'id' : undefined, shard?.count ?? 0);
    const run: Run = { session, table, columns, batchRows, list, options, base, started, pages: 0, committed: 0 };
    if (mode === 'append') return await appendRuns(run, state);
    return await stagedRun(run, mode);
  } finally {
    await session.close();
  }
}

/** What a run of one sync shares. */
interface Run {
  readonly session: DestinationSession;
  readonly table: string;
  readonly columns: readonly Column[];
  readonly batchRows: number;
  readonly list: (options: ListCallOptions) => Paginated<unknown>;
  readonly options: SyncOptions;
  readonly base: Pick<SyncState, 'table' | 'operation' | 'pathArgs' | 'params' | 'mode' | 'shard'>;
  readonly started: number;
  pages: number;
  committed: number;
}

/** A table's state must be of this same sync; else a `SyncError` (`state-mismatch`) naming what differs. */
function checkSameSync(state: SyncState, now: Pick<SyncState, 'table' | 'operation' | 'pathArgs' | 'params' | 'mode'>, destination: Destination): void {
  const differs = [
    state.operation !== now.operation && `operation ${state.operation}, not ${now.operation}`,
    JSON.stringify(state.pathArgs) !== JSON.stringify(now.pathArgs) && `path arguments ${JSON.stringify(state.pathArgs)}, not ${JSON.stringify(now.pathArgs)}`,
    stableJson(state.params) !== stableJson(now.params) && `parameters ${stableJson(state.params)}, not ${stableJson(now.params)}`,
    state.mode !== now.mode && `mode ${state.mode}, not ${now.mode}`,
  ].filter((d): d is string => typeof d === 'string');
  if (differs.length > 0) {
    throw new SyncError(
      'state-mismatch',
      `table ${now.table} of ${destination.description} holds another sync (${differs.join('; ')}): sync into another table, or rerun with --full-refresh to start it again`,
    );
  }
}

/** JSON with object keys sorted (parameters compare whatever their order). */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function instant(value: Date | string | number, name: string, id: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : parseUtcTime(value);
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidParameterError(id, name, `not a date-time: ${String(value)}`);
  return ms;
}

/** Append: finishes an interrupted run, then lists what came after the high-water mark. */
async function appendRuns(run: Run, state: SyncState | undefined): Promise<SyncResult> {
  const { options } = run;
  const id = run.base.operation;
  const lag = options.lagMs ?? 60_000;
  if (!(Number.isFinite(lag) && lag >= 0)) throw new InvalidParameterError(id, 'lagMs', 'must be a number of milliseconds >= 0');
  const now = options.now?.() ?? Date.now();
  const until = options.until === undefined ? Math.floor((now - lag) / SECOND) * SECOND : instant(options.until, 'until', id);
  const since = options.since === undefined ? undefined : instant(options.since, 'since', id);
  const runs: { position: RunPosition; resumed: boolean }[] = [];
  if (state?.run) runs.push({ position: state.run, resumed: true });
  const stored = state?.run?.until ?? state?.highWater;
  const from = Math.max(stored ?? 0, since ?? 0);
  const shard = run.base.shard;
  if (!shard) {
    if (from < until) runs.push({ position: { since: from, until, cursor: null }, resumed: false });
  } else {
    // The shard's days of [from, until).
    for (let day = Math.floor(from / DAY); day * DAY < until; day++) {
      if (day % shard.count !== shard.index - 1) continue;
      const start = Math.max(from, day * DAY);
      const end = Math.min(until, (day + 1) * DAY);
      if (start < end) runs.push({ position: { since: start, until: end, cursor: null }, resumed: false });
    }
  }
  let appended = 0;
  let highWater = state?.highWater;
  let rows = state?.rows ?? 0;
  for (const { position } of runs) {
    // The records' JSON text is kept: destinations that read JSON lines take it as sent.
    const listing = run.list({
      rawJson: true,
      partition: { since: position.since, until: position.until, concurrency: options.parallel ?? 4, ordered: true },
      ...(position.cursor ? { startCursor: position.cursor } : {}),
    });
    const commit = async (batch: RecordBatch, cursor: string | undefined) => {
      const done = cursor === undefined;
      rows += batch.size;
      if (done) highWater = Math.max(highWater ?? 0, position.until);
      const next: SyncState = {
        ...run.base,
        ...(highWater === undefined ? {} : { highWater }),
        ...(done ? {} : { run: { since: position.since, until: position.until, cursor } }),
        rows,
        updatedAt: new Date().toISOString(),
      };
      await run.session.append(run.table, batch, next);
      appended += batch.size;
      run.committed += batch.size;
      options.onProgress?.({ table: run.table, rows: run.committed, pages: run.pages });
    };
    await readBatches(run, listing, commit);
  }
  return {
    table: run.table,
    operation: id,
    mode: 'append',
    appended,
    inserted: 0,
    updated: 0,
    deleted: 0,
    pages: run.pages,
    ranges: runs.map((r) => ({ since: r.position.since, until: r.position.until, resumed: r.resumed })),
    ...(highWater === undefined ? {} : { highWater }),
    ...(run.base.shard ? { shard: run.base.shard } : {}),
    elapsedMs: performance.now() - run.started,
  };
}

/**
 * Reads a listing's pages, committing every `batchRows` rows with the cursor after them, and
 * the rest at the end (`cursor` undefined: the listing is complete, even with no rows). A
 * batch is committed while the next one is read (the destination works on its own threads),
 * and commits go one after another, in order. When the listing fails or the signal aborts,
 * the rows in hand are committed with their position (after the commits before them
 * succeeded) before the error is thrown.
 */
async function readBatches(run: Run, listing: Paginated<unknown>, commit: (batch: RecordBatch, cursor: string | undefined) => Promise<void>): Promise<void> {
  const committing = new CommitQueue();
  let batch = new RecordBatch(run.columns);
  let cursor: string | undefined;
  try {
    for await (const page of listing.pages()) {
      run.pages++;
      batch.add(page.items);
      cursor = page.nextCursor;
      if (batch.size >= run.batchRows && cursor !== undefined) {
        const full = batch;
        const at = cursor;
        await committing.next(() => commit(full, at));
        batch = new RecordBatch(run.columns);
      }
    }
  } catch (error) {
    // What was read is committed with its position, once the commits before it are in.
    if (cursor !== undefined && batch.size > 0 && (await committing.settled())) await commit(batch, cursor).catch(() => {});
    else await committing.settled();
    throw error;
  }
  await committing.next(() => commit(batch, undefined));
  await committing.done();
}

/**
 * Commits one after another, each while the caller goes on reading: `next` waits for the
 * commit before (throwing its error) and starts this one.
 */
class CommitQueue {
  #last: Promise<void> = Promise.resolve();

  /** Waits for the commit in progress (its error is thrown), then starts `commit` without waiting for it. */
  async next(commit: () => Promise<void>): Promise<void> {
    await this.#last;
    this.#last = commit();
    // Its error is thrown by the next call (or by `done`); meanwhile it counts as handled.
    this.#last.catch(() => {});
  }

  /** Waits for the commit in progress; its error is thrown. */
  done(): Promise<void> {
    return this.#last;
  }

  /** Waits for the commit in progress: true when it succeeded. */
  settled(): Promise<boolean> {
    return this.#last.then(
      () => true,
      () => false,
    );
  }
}

/** Merge or replace: stages the whole listing, then applies it in one transaction. */
async function stagedRun(run: Run, mode: 'merge' | 'replace'): Promise<SyncResult> {
  await run.session.beginStaging(run.table);
  let staged = 0;
  const listing = run.list({ rawJson: true });
  const staging = new CommitQueue();
  let batch = new RecordBatch(run.columns);
  try {
    for await (const page of listing.pages()) {
      run.pages++;
      batch.add(page.items);
      if (batch.size >= run.batchRows) {
        const full = batch;
        // Staged while the next batch is read.
        await staging.next(async () => {
          await run.session.stage(run.table, full);
          staged += full.size;
          run.options.onProgress?.({ table: run.table, rows: staged, pages: run.pages });
        });
        batch = new RecordBatch(run.columns);
      }
    }
  } catch (error) {
    await staging.settled();
    throw error;
  }
  await staging.done();
  if (batch.size > 0) await run.session.stage(run.table, batch);
  staged += batch.size;
  const next: SyncState = { ...run.base, rows: staged, updatedAt: new Date().toISOString() };
  const counts =
    mode === 'merge'
      ? await run.session.applyMerge(run.table, 'id', run.options.keepDeleted ?? false, next)
      : (await run.session.applyReplace(run.table, next), { inserted: staged, updated: 0, deleted: 0 });
  return {
    table: run.table,
    operation: run.base.operation,
    mode,
    appended: 0,
    ...counts,
    pages: run.pages,
    ranges: [],
    elapsedMs: performance.now() - run.started,
  };
}
