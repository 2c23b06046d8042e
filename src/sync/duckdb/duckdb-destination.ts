/**
 * DuckDB, the embedded default destination (`duckdb:<file>`): `@duckdb/node-api` (an optional
 * peer dependency, loaded on first use) ships the engine as npm packages. Rows go in through
 * DuckDB's appender, inside the transaction that also saves the state row, so a batch and its
 * position are committed together. DuckDB locks the file for its process: a second sync of the
 * same file waits or is refused.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { SyncError } from '../../errors/client-errors.js';
import type { Column, ColumnType, RecordBatch } from '../columns.js';
import { missingColumns, STATE_TABLE, stateKeyOf, type Destination, type DestinationSession, type MergeCounts, type SyncState } from '../destination.js';
import { SQL_TYPES, type AppendColumn } from './append-values.js';
import { mergeStaged } from './merge-staged.js';
import { insertBatch, JsonLinesRefused, quoteIdentifier } from './node/insert-batch.js';

type DuckDB = typeof import('@duckdb/node-api');

/** The staging table of a merge or replace of `table`. */
function stagingOf(table: string): string {
  return `_files_stream_staging__${table}`;
}

/** Paths this process has open: a second sync of one file in the same process waits its turn. */
const openHere = new Map<string, Promise<void>>();

/**
 * A DuckDB database file as a sync destination (created when missing; its folder must exist).
 * `:memory:` is an in-memory database (for tests).
 */
export function duckdb(path: string): Destination {
  return {
    description: `duckdb:${path}`,
    shards: true,
    open: (options) => openDuckDB(path, options?.wait ?? false, options?.signal),
  };
}

async function loadDriver(): Promise<DuckDB> {
  try {
    return await import('@duckdb/node-api');
  } catch (error) {
    throw new SyncError('driver-missing', 'sync into DuckDB needs the @duckdb/node-api package: npm install @duckdb/node-api', { cause: error });
  }
}

async function openDuckDB(path: string, wait: boolean, signal: AbortSignal | undefined): Promise<DestinationSession> {
  const driver = await loadDriver();
  // In this process: one session of a file at a time.
  while (openHere.has(path)) {
    if (!wait) throw new SyncError('in-use', `duckdb:${path} is in use by another sync of this process`);
    await openHere.get(path);
    signal?.throwIfAborted();
  }
  let release!: () => void;
  openHere.set(path, new Promise<void>((resolve) => (release = resolve)));
  const done = () => {
    openHere.delete(path);
    release();
  };
  try {
    const instance = await createInstance(driver, path, wait, signal);
    const connection = await instance.connect();
    const session = new DuckDBSession(driver, instance, connection, done, `duckdb:${path}`);
    await session.prepare();
    return session;
  } catch (error) {
    done();
    throw error;
  }
}

/** Opens the file; another process holding it (DuckDB's lock) is `in-use`, or waited for. */
async function createInstance(driver: DuckDB, path: string, wait: boolean, signal: AbortSignal | undefined): Promise<DuckDBInstance> {
  for (;;) {
    try {
      return await driver.DuckDBInstance.create(path);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      if (/lock/i.test(message)) {
        const holder = /PID (\d+)/.exec(message)?.[1];
        if (!wait) {
          throw new SyncError('in-use', `duckdb:${path} is in use by another process${holder ? ` (pid ${holder})` : ''}: wait for it, or run again with --wait`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        signal?.throwIfAborted();
        continue;
      }
      throw new SyncError('destination', `cannot open duckdb:${path}: ${message.replace(/^[A-Za-z ]*Error: /, '')}`, { cause: error });
    }
  }
}

class DuckDBSession implements DestinationSession {
  /** Each table's physical columns mapped to the rows' (index in the row, or -1: null). */
  readonly #orders = new Map<string, AppendColumn[]>();
  /** The columns of each table ensured in this session, in row order. */
  readonly #columns = new Map<string, readonly Column[]>();

  constructor(
    private readonly driver: DuckDB,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly done: () => void,
    private readonly description: string,
  ) {}

  /**
   * Reads times without a zone as UTC (as this client does: `read_json` of a batch), and
   * creates the state table when missing. (DuckDB's default checkpoint threshold, 16 MB of
   * write-ahead log, measured as fast as larger ones for a sync, with less memory.)
   */
  async prepare(): Promise<void> {
    await this.connection.run(`SET TimeZone = 'UTC'`);
    await this.connection.run(
      `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (table_name VARCHAR PRIMARY KEY, operation VARCHAR, mode VARCHAR, high_water TIMESTAMP WITH TIME ZONE, position VARCHAR, rows BIGINT, updated_at TIMESTAMP WITH TIME ZONE, state JSON)`,
    );
  }

  async readState(table: string): Promise<SyncState | undefined> {
    const result = await this.connection.runAndReadAll(`SELECT state::VARCHAR AS state FROM ${STATE_TABLE} WHERE table_name = $1`, [table]);
    const row = result.getRowObjects()[0];
    return row ? (JSON.parse(String(row.state)) as SyncState) : undefined;
  }

  async listStates(): Promise<SyncState[]> {
    const result = await this.connection.runAndReadAll(`SELECT state::VARCHAR AS state FROM ${STATE_TABLE} ORDER BY table_name`);
    return result.getRowObjects().map((row) => JSON.parse(String(row.state)) as SyncState);
  }

  async reset(table: string): Promise<void> {
    this.#dropAppender(table);
    await this.#transaction(async () => {
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(stagingOf(table))}`);
      await this.connection.run(`DELETE FROM ${STATE_TABLE} WHERE table_name = $1 OR starts_with(table_name, $2)`, [table, `${table}#`]);
    });
  }

  async ensureTable(table: string, columns: readonly Column[], _key?: string): Promise<void> {
    const existing = await this.#tableColumns(table);
    if (existing.length === 0) {
      await this.connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${columns.map((c) => `${quoteIdentifier(c.name)} ${SQL_TYPES[c.type]}`).join(', ')})`);
    } else {
      for (const column of missingColumns(table, this.description, existing, columns, SQL_TYPES)) {
        await this.connection.run(`ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN ${quoteIdentifier(column.name)} ${SQL_TYPES[column.type]}`);
      }
    }
    this.#dropAppender(table);
    this.#columns.set(table, columns);
  }

  async append(table: string, batch: RecordBatch, state: SyncState): Promise<void> {
    await this.#withRowsFallback((asRows) =>
      this.#transaction(async () => {
        await this.#insert(table, table, batch, asRows);
        await this.#saveState(state);
      }),
    );
  }

  async beginStaging(table: string): Promise<void> {
    const staging = stagingOf(table);
    this.#dropAppender(staging);
    await this.connection.run(`CREATE OR REPLACE TABLE ${quoteIdentifier(staging)} AS SELECT * FROM ${quoteIdentifier(table)} LIMIT 0`);
  }

  async stage(table: string, batch: RecordBatch): Promise<void> {
    await this.#withRowsFallback((asRows) => this.#transaction(() => this.#insert(stagingOf(table), table, batch, asRows)));
  }

  async applyMerge(table: string, key: string, keepDeleted: boolean, state: SyncState): Promise<MergeCounts> {
    this.#dropAppender(stagingOf(table));
    let counts: MergeCounts = { inserted: 0, updated: 0, deleted: 0 };
    await this.#transaction(async () => {
      const { rows, ...merged } = await mergeStaged(this.connection, table, stagingOf(table), key, keepDeleted);
      await this.connection.run(`DROP TABLE ${quoteIdentifier(stagingOf(table))}`);
      await this.#saveState({ ...state, rows });
      counts = merged;
    });
    return counts;
  }

  async applyReplace(table: string, state: SyncState): Promise<void> {
    this.#dropAppender(table);
    this.#dropAppender(stagingOf(table));
    await this.#transaction(async () => {
      await this.connection.run(`DROP TABLE IF EXISTS ${quoteIdentifier(table)}`);
      await this.connection.run(`ALTER TABLE ${quoteIdentifier(stagingOf(table))} RENAME TO ${quoteIdentifier(table)}`);
      await this.#saveState(state);
    });
  }

  async close(): Promise<void> {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      this.done();
    }
  }

  /** Runs `body` in a transaction: committed when it resolves, rolled back when it throws. */
  async #transaction(body: () => Promise<void>): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await body();
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => {});
      throw error;
    }
    await this.connection.run('COMMIT');
  }

  /** The columns of a table (name and DuckDB type, in order); none when it does not exist. */
  async #tableColumns(table: string): Promise<{ name: string; type: string }[]> {
    const result = await this.connection.runAndReadAll(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
      [table],
    );
    return result.getRowObjects().map((r) => ({ name: String(r.name), type: String(r.type) }));
  }

  /**
   * Runs `write` (a transaction writing a batch) with the batch as JSON lines; when DuckDB's
   * `read_json` refuses them (rolled back), again with every record as a row.
   */
  async #withRowsFallback(write: (asRows: boolean) => Promise<void>): Promise<void> {
    try {
      await write(false);
    } catch (error) {
      if (!(error instanceof JsonLinesRefused)) throw error;
      await write(true);
    }
  }

  /** Inserts a batch of records into table `into`, whose columns (maybe ordered otherwise) are `of`'s ensured ones and maybe more. */
  async #insert(into: string, of: string, batch: RecordBatch, asRows: boolean): Promise<void> {
    const columns = this.#columns.get(of);
    if (!columns) throw new Error(`sync: ensureTable(${of}) was not called`);
    let order = this.#orders.get(into);
    if (!order) {
      const physical = await this.#tableColumns(into);
      order = physical.map((p) => {
        const from = columns.findIndex((c) => c.name === p.name);
        return { from, type: from < 0 ? ('text' as ColumnType) : columns[from]!.type };
      });
      this.#orders.set(into, order);
    }
    await insertBatch(this.driver, this.connection, into, order, columns, batch, asRows);
  }

  /** Forgets a table's column order (its columns changed, or it was dropped or renamed). */
  #dropAppender(table: string): void {
    this.#orders.delete(table);
  }

  async #saveState(state: SyncState): Promise<void> {
    await this.connection.run(
      `INSERT OR REPLACE INTO ${STATE_TABLE} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        stateKeyOf(state),
        state.operation,
        state.mode,
        state.highWater === undefined ? null : new Date(state.highWater).toISOString(),
        state.run?.cursor ?? null,
        BigInt(state.rows),
        state.updatedAt,
        JSON.stringify(state),
      ],
    );
  }
}
