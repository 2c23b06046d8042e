/**
 * A session of a Parquet destination: DuckDB (an in-memory database of `@duckdb/node-api`)
 * writes the files; this module names, publishes and recovers them (see ../layout.ts for the
 * names).
 *
 * - **A file is visible only when complete**: written under a hidden temporary name that does
 *   not end in `.parquet`, synced, renamed to its name, and the folder synced. A rename is
 *   atomic, so a reader of `<dir>/**\/*.parquet` sees a file whole or not at all.
 * - **Rows and state together**: every file's key-value metadata holds the table's state after
 *   its rows; the table's state is its newest file's. A batch becomes visible, with its
 *   position, in one rename: a kill before it leaves the previous file and state, a kill after
 *   it leaves both. A batch is never split over files (one rename per batch).
 * - **Append**: a batch rewrites the table's tail file (its earlier rows, then the batch) under
 *   the same name, until it holds `rowsPerFile` rows; then the tail is sealed (renamed by its
 *   range) and the next batch starts a new one. A rename over the same name replaces the old
 *   file atomically: every row once, before and after.
 * - **Merge and replace**: the staging is a table of the in-memory database (a killed run
 *   leaves nothing of it); the table's new content is computed there and written as its one
 *   file, renamed over the old one: readers see the old table or the new one, never both,
 *   never neither. (Several files could not be swapped at once: a reader's `**` glob also
 *   reads hidden folders, so a table built in a folder beside it would be read twice.)
 * - **One sync per folder**: the session holds the folder's lock (./dir-lock.ts). Opening
 *   removes what killed sessions left: their temporary files (every one not of this session,
 *   since the lock proves none of them runs), the folders of interrupted resets, DuckDB's
 *   spill folder.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SyncError } from '../../../errors/client-errors.js';
import type { Column, ColumnType, RecordBatch } from '../../columns.js';
import { missingColumns, type DestinationSession, type MergeCounts, type SyncState } from '../../destination.js';
import { SQL_TYPES, type AppendColumn, type DuckDBDriver } from '../../duckdb/append-values.js';
import { mergeStaged } from '../../duckdb/merge-staged.js';
import { insertBatch, JsonLinesRefused, quoteIdentifier } from '../../duckdb/node/insert-batch.js';
import { parsePartName, partName, RANGE_KEY, rowRangeLabel, snapshotName, STATE_KEY, tempName, tempToken, timeRangeLabel } from '../layout.js';
import { lockDirectory, LOCK_FILE, type DirLock } from './dir-lock.js';

/** Options of a Parquet destination. */
export interface ParquetOptions {
  /**
   * Rows an append table's files grow to: each batch rewrites the tail file with its rows
   * added until it holds this many, then the tail is sealed and the next batch starts a new
   * one. A file thus holds from this many rows to this many plus a batch (a batch is never
   * split over files). Default 100,000.
   */
  readonly rowsPerFile?: number;
}

/** The default of {@link ParquetOptions.rowsPerFile}. */
export const DEFAULT_ROWS_PER_FILE = 100_000;
/** Rows per Parquet row group. */
const ROW_GROUP_ROWS = 100_000;
/** DuckDB's spill folder (for merges larger than memory), in the destination's folder. */
const SPILL_DIR = '.files-stream.spill';
/** What the files' key-value metadata says wrote them. */
const FORMAT_KEY = 'files_stream_format';

/** A column of a table's files: its DuckDB type, and where a row holds its value. */
interface PlanColumn extends AppendColumn {
  readonly name: string;
  readonly sql: string;
}

/** The tail file of an append table. */
interface Tail {
  readonly seq: number;
  /** Its file name now. */
  readonly name: string;
  readonly rows: number;
  /** The range label of its rows (`undefined` when it has none). */
  readonly range: string | undefined;
  /** Renamed by its range: the next batch starts a new file. */
  readonly sealed: boolean;
}

async function loadDriver(): Promise<DuckDBDriver> {
  try {
    return await import('@duckdb/node-api');
  } catch (error) {
    throw new SyncError('driver-missing', 'sync into Parquet files needs the @duckdb/node-api package (DuckDB writes them): npm install @duckdb/node-api', { cause: error });
  }
}

/** The message of a file system or DuckDB error, without DuckDB's `... Error: ` prefix. */
function messageOf(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).replace(/^[A-Za-z ]*Error: /, '');
}

/**
 * Opens the Parquet destination in `dir` (created when missing): loads DuckDB, takes the
 * folder's lock, and cleans up after killed sessions.
 *
 * @throws SyncError `driver-missing`, `destination` (the folder cannot be made, read or
 *   locked), `in-use` (another sync holds it, and `wait` is not set).
 */
export async function openParquet(
  dir: string,
  options: ParquetOptions,
  openOptions: { readonly wait?: boolean; readonly signal?: AbortSignal } = {},
): Promise<DestinationSession> {
  const description = `parquet:${dir}`;
  const rowsPerFile = options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE;
  const driver = await loadDriver();
  const root = resolve(dir);
  const cannot = (error: unknown) => new SyncError('destination', `cannot open ${description}: ${messageOf(error)}`, { cause: error });
  try {
    await mkdir(root, { recursive: true });
    if (!(await stat(root)).isDirectory()) throw new Error(`${root} is not a folder`);
  } catch (error) {
    throw cannot(error);
  }
  let lock: DirLock;
  try {
    lock = await lockDirectory(root, description, openOptions);
  } catch (error) {
    if (error instanceof SyncError || openOptions.signal?.aborted) throw error;
    throw cannot(error);
  }
  let instance: DuckDBInstance | undefined;
  try {
    await recover(root, lock.holder.token);
    instance = await driver.DuckDBInstance.create(':memory:', { temp_directory: join(root, SPILL_DIR) });
    const connection = await instance.connect();
    // Times without a zone are UTC, as this client reads them (`read_json` of a batch's lines).
    await connection.run(`SET TimeZone = 'UTC'`);
    return new ParquetSession(driver, instance, connection, root, description, lock, rowsPerFile);
  } catch (error) {
    instance?.closeSync();
    await lock.release();
    throw error instanceof SyncError ? error : cannot(error);
  }
}

/** The short token temporary files of a session carry. */
function shortToken(token: string): string {
  return token.replace(/-/g, '').slice(0, 12);
}

/**
 * Removes what killed sessions left in `root` (the lock held): temporary files of other
 * sessions, folders of interrupted resets, DuckDB's spill folder, lock files set aside.
 */
async function recover(root: string, token: string): Promise<void> {
  const mine = shortToken(token);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.name === SPILL_DIR || (entry.name.startsWith('.') && /\.removed-[0-9a-f]+$/.test(entry.name))) {
      await rm(path, { recursive: true, force: true });
    } else if (entry.name.startsWith(`${LOCK_FILE}.`) && entry.name.endsWith('.stale')) {
      await unlink(path).catch(() => {});
    } else if (entry.isDirectory() && !entry.name.startsWith('.')) {
      for (const name of await readdir(path)) {
        const of = tempToken(name);
        if (of !== undefined && of !== mine) await unlink(join(path, name)).catch(() => {});
      }
    }
  }
}

/** Syncs a folder (its entries: a rename in it); a no-op where folders cannot be synced (Windows). */
async function syncDir(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/** Syncs a complete temporary file, renames it to `final` (atomically replacing any file of that name) and syncs the folder. */
async function publish(temp: string, final: string, folder: string): Promise<void> {
  const handle = await open(temp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, final);
  await syncDir(folder);
}

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

class ParquetSession implements DestinationSession {
  /** The columns of each table ensured in this session. */
  readonly #plans = new Map<string, readonly PlanColumn[]>();
  /** The ensured columns of each table (the rows' order). */
  readonly #columns = new Map<string, readonly Column[]>();
  /** The tail file of each append table written in this session (`null`: none yet). */
  readonly #tails = new Map<string, Tail | null>();
  /** Table folders known to exist (made and synced). */
  readonly #folders = new Set<string>();
  readonly #token: string;
  #closed = false;

  constructor(
    private readonly driver: DuckDBDriver,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly root: string,
    private readonly description: string,
    private readonly lock: DirLock,
    private readonly rowsPerFile: number,
  ) {
    this.#token = shortToken(lock.holder.token);
  }

  async readState(table: string): Promise<SyncState | undefined> {
    const file = await this.#stateFile(table);
    if (!file) return undefined;
    const text = (await this.#metadata(join(this.#folder(table), file))).get(STATE_KEY);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as SyncState;
    } catch (error) {
      throw new SyncError('destination', `${this.description}: the state in ${join(table, file)} is not JSON: rerun with --full-refresh to start the table again`, { cause: error });
    }
  }

  async listStates(): Promise<SyncState[]> {
    const tables = (await readdir(this.root, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== SPILL_DIR)
      .map((e) => e.name)
      .sort();
    const states: SyncState[] = [];
    for (const table of tables) {
      const state = await this.readState(table);
      if (state) states.push(state);
    }
    return states;
  }

  async reset(table: string): Promise<void> {
    await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(stagingOf(table))}`);
    this.#tails.delete(table);
    this.#folders.delete(table);
    const folder = this.#folder(table);
    // Out of the way in one rename (the table and its state are gone at once), then removed.
    const removed = join(this.root, `.${table}.removed-${this.#token}`);
    try {
      await rename(folder, removed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    await syncDir(this.root);
    await rm(removed, { recursive: true, force: true });
  }

  async ensureTable(table: string, columns: readonly Column[], _key?: string): Promise<void> {
    const files = await this.#parquetFiles(table);
    const existing = files.length === 0 ? [] : await this.#schemaOf(table, files);
    const missing = new Set(missingColumns(table, this.description, existing, columns, SQL_TYPES));
    const index = new Map(columns.map((c, i) => [c.name, i]));
    const plan: PlanColumn[] = existing.map(({ name, type }) => {
      const from = index.get(name) ?? -1;
      return { name, sql: type, from, type: from < 0 ? ('text' as ColumnType) : columns[from]!.type };
    });
    for (const [i, column] of columns.entries()) {
      if (missing.has(column)) plan.push({ name: column.name, sql: SQL_TYPES[column.type], from: i, type: column.type });
    }
    this.#plans.set(table, plan);
    this.#columns.set(table, columns);
  }

  async append(table: string, batch: RecordBatch, state: SyncState): Promise<void> {
    const plan = this.#plan(table);
    const folder = await this.#makeFolder(table);
    const tail = await this.#tail(table);
    // Into the tail until it holds rowsPerFile rows (then it is sealed): a file holds from
    // rowsPerFile rows to rowsPerFile + a batch, and a batch rewrites fewer than rowsPerFile.
    const grow = tail !== null && !tail.sealed;
    const seq = grow ? tail.seq : (tail?.seq ?? 0) + 1;
    const name = partName(seq);
    const buffer = quoteIdentifier('_files_stream_buffer');
    await this.connection.run(`CREATE OR REPLACE TABLE ${buffer} (${columnsSql(plan)})`);
    try {
      if (grow && tail.rows > 0) await this.connection.run(`INSERT INTO ${buffer} BY NAME SELECT * FROM read_parquet(${literal(join(folder, tail.name))})`);
      await this.#appendInto('_files_stream_buffer', table, plan, batch);
      const count = await this.#count(buffer);
      const range = await this.#rangeOf(buffer, plan, count, state.rows);
      await this.#copy(`SELECT * FROM ${buffer}`, folder, name, state, range);
      const written: Tail = { seq, name, rows: count, range, sealed: false };
      this.#tails.set(table, written);
      if (count >= this.rowsPerFile) await this.#seal(table, written);
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${buffer}`);
    }
  }

  async beginStaging(table: string): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(stagingOf(table))} (${columnsSql(this.#plan(table))})`);
  }

  async stage(table: string, batch: RecordBatch): Promise<void> {
    await this.#appendInto(stagingOf(table), table, this.#plan(table), batch);
  }

  async applyMerge(table: string, key: string, keepDeleted: boolean, state: SyncState): Promise<MergeCounts> {
    const plan = this.#plan(table);
    const folder = await this.#makeFolder(table);
    const t = quoteIdentifier('_files_stream_current');
    const s = quoteIdentifier(stagingOf(table));
    const k = quoteIdentifier(key);
    await this.connection.run(`CREATE OR REPLACE TABLE ${t} (${columnsSql(plan)})`);
    try {
      if (await this.#exists(join(folder, snapshotName(table)))) {
        await this.connection.run(`INSERT INTO ${t} BY NAME SELECT * FROM read_parquet(${literal(join(folder, snapshotName(table)))})`);
      }
      const { rows, ...merged } = await mergeStaged(this.connection, '_files_stream_current', stagingOf(table), key, keepDeleted);
      await this.#copy(`SELECT * FROM ${t} ORDER BY ${k} NULLS LAST`, folder, snapshotName(table), { ...state, rows }, undefined);
      await this.connection.run(`DROP TABLE ${s}`);
      return merged;
    } finally {
      await this.connection.run(`DROP TABLE IF EXISTS ${t}`);
    }
  }

  async applyReplace(table: string, state: SyncState): Promise<void> {
    const folder = await this.#makeFolder(table);
    const s = quoteIdentifier(stagingOf(table));
    await this.#copy(`SELECT * FROM ${s}`, folder, snapshotName(table), state, undefined);
    await this.connection.run(`DROP TABLE ${s}`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.connection.closeSync();
      this.instance.closeSync();
      await rm(join(this.root, SPILL_DIR), { recursive: true, force: true });
    } finally {
      await this.lock.release();
    }
  }

  #folder(table: string): string {
    return join(this.root, table);
  }

  #plan(table: string): readonly PlanColumn[] {
    const plan = this.#plans.get(table);
    if (!plan) throw new Error(`sync: ensureTable(${table}) was not called`);
    return plan;
  }

  /** The table's folder, made (and its entry synced) when missing. */
  async #makeFolder(table: string): Promise<string> {
    const folder = this.#folder(table);
    if (!this.#folders.has(table)) {
      let made = true;
      await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
        made = false;
      });
      if (made) await syncDir(this.root);
      this.#folders.add(table);
    }
    return folder;
  }

  async #exists(path: string): Promise<boolean> {
    return stat(path).then(
      () => true,
      () => false,
    );
  }

  /** The visible `.parquet` files of a table's folder (its own and any other), sorted. */
  async #parquetFiles(table: string): Promise<string[]> {
    try {
      return (await readdir(this.#folder(table))).filter((n) => n.endsWith('.parquet') && !n.startsWith('.')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
  }

  /** The file that holds a table's state: its snapshot, else its part of the highest sequence. */
  async #stateFile(table: string): Promise<string | undefined> {
    const files = await this.#parquetFiles(table);
    if (files.includes(snapshotName(table))) return snapshotName(table);
    return newestPart(files)?.name;
  }

  /** The key-value metadata of a file. */
  async #metadata(path: string): Promise<Map<string, string>> {
    try {
      const result = await this.connection.runAndReadAll(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${literal(path)})`);
      return new Map(result.getRowObjects().map((r) => [String(r.k), String(r.v)]));
    } catch (error) {
      throw new SyncError('destination', `${this.description}: cannot read ${path}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** The columns of a table's files (by name, as readers with `union_by_name` see them). */
  async #schemaOf(table: string, files: readonly string[]): Promise<{ name: string; type: string }[]> {
    const list = `[${files.map((f) => literal(join(this.#folder(table), f))).join(', ')}]`;
    try {
      const result = await this.connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${list}, union_by_name = true)`);
      return result.getRowObjects().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch (error) {
      throw new SyncError('destination', `${this.description}: cannot read the files of table ${table}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** The tail file of an append table (read from the folder on first use). */
  async #tail(table: string): Promise<Tail | null> {
    if (this.#tails.has(table)) return this.#tails.get(table)!;
    const newest = newestPart(await this.#parquetFiles(table));
    let tail: Tail | null = null;
    if (newest) {
      const path = join(this.#folder(table), newest.name);
      const rows = Number((await this.connection.runAndReadAll(`SELECT num_rows AS n FROM parquet_file_metadata(${literal(path)})`)).getRowObjects()[0]?.n ?? 0);
      const range = newest.range ?? ((await this.#metadata(path)).get(RANGE_KEY) || undefined);
      tail = { seq: newest.seq, name: newest.name, rows, range, sealed: newest.range !== undefined };
    }
    this.#tails.set(table, tail);
    return tail;
  }

  /** Renames the tail by its range: the next batch starts a new file. */
  async #seal(table: string, tail: Tail): Promise<void> {
    if (tail.sealed || tail.rows === 0 || !tail.range) return;
    const folder = this.#folder(table);
    const name = partName(tail.seq, tail.range);
    await rename(join(folder, tail.name), join(folder, name));
    await syncDir(folder);
    this.#tails.set(table, { ...tail, name, sealed: true });
  }

  async #count(table: string): Promise<number> {
    return Number((await this.connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjects()[0]!.n);
  }

  /**
   * The range label of the rows of `buffer`: their `created_at` range, or their numbers (the
   * table's rows so far, `total`, being its last).
   */
  async #rangeOf(buffer: string, plan: readonly PlanColumn[], count: number, total: number): Promise<string | undefined> {
    if (count === 0) return undefined;
    if (plan.some((c) => c.name === 'created_at' && c.sql === SQL_TYPES.timestamptz)) {
      const row = (await this.connection.runAndReadAll(`SELECT epoch_ms(min("created_at")) AS a, epoch_ms(max("created_at")) AS b FROM ${buffer}`)).getRowObjects()[0];
      if (row && row.a !== null && row.b !== null) return timeRangeLabel(Number(row.a), Number(row.b));
    }
    const last = Math.max(total, count);
    return rowRangeLabel(last - count + 1, last);
  }

  /**
   * Inserts a batch of records (of `table`'s ensured columns) into a table of the in-memory
   * database: as JSON lines that DuckDB reads, or, when it refuses them (the statement is then
   * undone), every record as a row.
   */
  async #appendInto(into: string, table: string, plan: readonly PlanColumn[], batch: RecordBatch): Promise<void> {
    const columns = this.#columns.get(table);
    if (!columns) throw new Error(`sync: ensureTable(${table}) was not called`);
    try {
      await insertBatch(this.driver, this.connection, into, plan, columns, batch);
    } catch (error) {
      if (!(error instanceof JsonLinesRefused)) throw error;
      await insertBatch(this.driver, this.connection, into, plan, columns, batch, true);
    }
  }

  /** Writes the result of `select` as `folder/name`, with `state` (and the rows' range) in its metadata: complete before it is visible. */
  async #copy(select: string, folder: string, name: string, state: SyncState, range: string | undefined): Promise<void> {
    const temp = join(folder, tempName(name, process.pid, this.#token));
    const metadata = `{${STATE_KEY}: ${literal(JSON.stringify(state))}, ${RANGE_KEY}: ${literal(range ?? '')}, ${FORMAT_KEY}: '1'}`;
    try {
      await this.connection.run(`COPY (${select}) TO ${literal(temp)} (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, KV_METADATA ${metadata})`);
      await this.lock.assertHeld();
      await publish(temp, join(folder, name), folder);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }
}

/** The staging table of a merge or replace of `table` (in the in-memory database). */
function stagingOf(table: string): string {
  return `_files_stream_staging__${table}`;
}

/** A table's column definitions. */
function columnsSql(plan: readonly PlanColumn[]): string {
  return plan.map((c) => `${quoteIdentifier(c.name)} ${c.sql}`).join(', ');
}

/** The part of the highest sequence among file names. */
function newestPart(files: readonly string[]): { name: string; seq: number; range: string | undefined } | undefined {
  let newest: { name: string; seq: number; range: string | undefined } | undefined;
  for (const name of files) {
    const part = parsePartName(name);
    if (part && (!newest || part.seq > newest.seq)) newest = { name, ...part };
  }
  return newest;
}
