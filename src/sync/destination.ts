/**
 * What a sync writes into: one small interface, so DuckDB, Parquet files and PostgreSQL (and
 * others) plug in side by side. A destination keeps the sync's state (what it syncs, and up to
 * where) itself, and commits each batch of rows together with the state after it: a crash at
 * any moment leaves either both or neither, so a rerun gives every record once.
 */
import { SyncError } from '../errors/client-errors.js';
import type { Column, ColumnType, RecordBatch } from './columns.js';

/** How a table is kept up to date (see the README's "Loading into a database" guide). */
export type SyncMode = 'append' | 'merge' | 'replace';

/** An append run in progress: its range, and where its listing goes on after the rows committed. */
export interface RunPosition {
  /** Start of the run's range (epoch ms): records with `created_at >= since`. */
  readonly since: number;
  /** End of the run's range (epoch ms, exclusive). */
  readonly until: number;
  /** The listing's resume cursor after the rows committed (`fs-partition:...`); `null` before the first batch. */
  readonly cursor: string | null;
}

/** The state of a synced table, kept in the destination beside its rows. */
export interface SyncState {
  /** The table. */
  readonly table: string;
  /** The operation synced, e.g. `actionLogs.list`. */
  readonly operation: string;
  /** Its path arguments (a folder path, a user id). */
  readonly pathArgs: readonly unknown[];
  /** Its list parameters (without the created_at range, `cursor` or `per_page`). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly mode: SyncMode;
  /**
   * Append with `--shard K/N`: this state is of shard `index` (1 to `count`), which lists the
   * UTC days whose number (days since 1970-01-01) modulo `count` is `index - 1`.
   */
  readonly shard?: Shard;
  /** Append: every record created before this instant (epoch ms) is in the table (of its shard's days, for a shard). */
  readonly highWater?: number;
  /** Append: the run that was interrupted, to be finished first. */
  readonly run?: RunPosition;
  /** Rows written by runs so far (appended, or the table's size after a merge or replace). */
  readonly rows: number;
  /** When a run last committed (ISO 8601). */
  readonly updatedAt: string;
}

/** One of `count` parts of an append sync's range (see {@link SyncState.shard}). */
export interface Shard {
  /** 1 to `count`. */
  readonly index: number;
  readonly count: number;
}

/** The key of a state in its destination: the table, and `#K/N` for a shard's (`action_logs#2/4`). */
export function stateKeyOf(state: { readonly table: string; readonly shard?: Shard | undefined }): string {
  return state.shard ? `${state.table}#${state.shard.index}/${state.shard.count}` : state.table;
}

/** What a merge did to the table. */
export interface MergeCounts {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}

/** A destination, opened for one sync run. */
export interface DestinationSession {
  /**
   * Takes the lock of a run of `key` (see {@link stateKeyOf}) until the session closes, where
   * the destination locks by table rather than as a whole: another run of it waits (the
   * `wait` of `open`) or is refused with a `SyncError` (`in-use`).
   */
  lockTable?(key: string): Promise<void>;
  /** The state under `key` (see {@link stateKeyOf}), or `undefined` when it was never synced here. */
  readState(key: string): Promise<SyncState | undefined>;
  /** Every table's state (for `sync --status`). */
  listStates(): Promise<SyncState[]>;
  /** Removes `table`, its staging and its states (its shards' too) (`--full-refresh`). */
  reset(table: string): Promise<void>;
  /**
   * Creates `table` with `columns` (`key`: the column rows are merged by), or checks an
   * existing one: a column it lacks is added; a column of another type is a `SyncError`
   * (`schema-conflict`) before anything is written. `shards`: the runs of the table are of
   * this many shards (0: whole); a destination that runs shards side by side refuses another
   * count (`state-mismatch`).
   */
  ensureTable(table: string, columns: readonly Column[], key?: string, shards?: number): Promise<void>;
  /** Appends a batch of records to `table` and saves `state`, in one transaction. */
  append(table: string, batch: RecordBatch, state: SyncState): Promise<void>;
  /** Starts staging a full listing of `table` for a merge or replace (an earlier run's staging is dropped). */
  beginStaging(table: string): Promise<void>;
  /** Adds a batch of records to the staging of `table` (invisible to readers of the table). */
  stage(table: string, batch: RecordBatch): Promise<void>;
  /**
   * Merges the staging into `table` by `key`, and saves `state`, in one transaction: staged
   * rows replace those of the same key, new ones are inserted, and rows the staging lacks are
   * deleted (with `keepDeleted`, kept with `_deleted_at` set instead).
   */
  applyMerge(table: string, key: string, keepDeleted: boolean, state: SyncState): Promise<MergeCounts>;
  /** Swaps the staging in as `table` and saves `state`, in one transaction. */
  applyReplace(table: string, state: SyncState): Promise<void>;
  /** Closes the connection (releasing its locks). */
  close(): Promise<void>;
}

/** Where a sync writes: opened once per run. */
export interface Destination {
  /** What it is, for messages (never a password). */
  readonly description: string;
  /** Whether it keeps a state per shard (`--shard K/N`). */
  readonly shards?: boolean;
  /**
   * Opens it, taking its lock: another sync of the same destination waits (`wait`) or is
   * refused with a `SyncError` (`in-use`).
   *
   * @throws SyncError `driver-missing` (the message names the package to install) or
   *   `destination` (cannot be opened), before any API request.
   */
  open(options?: { readonly wait?: boolean; readonly signal?: AbortSignal }): Promise<DestinationSession>;
}

/** The name of the table that holds every synced table's state, in each destination. */
export const STATE_TABLE = '_files_stream_sync';

/** The column a merge with `keepDeleted` sets on rows the source no longer returns. */
export const DELETED_AT_COLUMN = '_deleted_at';

/**
 * Checks a table's columns (`existing`: name and the destination's type name) against those a
 * sync writes (`wanted`, typed by `typeNames`): returns the wanted columns the table lacks (to
 * add).
 *
 * @throws SyncError `schema-conflict` for a column of another type, naming each.
 */
export function missingColumns(
  table: string,
  description: string,
  existing: readonly { readonly name: string; readonly type: string }[],
  wanted: readonly Column[],
  typeNames: Readonly<Record<ColumnType, string>>,
): Column[] {
  const types = new Map(existing.map((c) => [c.name, c.type]));
  const conflicts = wanted.filter((c) => types.has(c.name) && types.get(c.name) !== typeNames[c.type]);
  if (conflicts.length > 0) {
    throw new SyncError(
      'schema-conflict',
      `table ${table} of ${description} has ${conflicts.map((c) => `column ${JSON.stringify(c.name)} of type ${types.get(c.name)}, not ${typeNames[c.type]}`).join('; ')}: sync into another --table, or rerun with --full-refresh to make it again`,
    );
  }
  return wanted.filter((c) => !types.has(c.name));
}
