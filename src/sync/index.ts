/**
 * `files-stream/sync` (Node only): any list operation straight into a database table or
 * Parquet files, exactly once and incrementally. Nothing of it is loaded by `files-stream`.
 *
 * @example
 * import { createClient } from 'files-stream';
 * import { duckdb, sync } from 'files-stream/sync';
 * await sync(createClient(), 'actionLogs', duckdb('logs.duckdb'), { since: '2026-01-01', parallel: 8 });
 * @packageDocumentation
 */
export { sync, syncSource, defaultTable, defaultMode } from './sync.js';
export type { SyncListing, SyncOptions, SyncProgress, SyncResult, SyncSourceInfo } from './sync.js';
export { duckdb } from './duckdb/duckdb-destination.js';
export { parquet } from './parquet/parquet-destination.js';
export { postgres } from './postgres/postgres-destination.js';
export type { PostgresOptions } from './postgres/postgres-destination.js';
export type { ParquetOptions } from './parquet/parquet-destination.js';
export { columnsOf, columnTypeOf, rowsOf, RecordBatch, EXTRA_COLUMN } from './columns.js';
export type { Column, ColumnType } from './columns.js';
export { STATE_TABLE, DELETED_AT_COLUMN, stateKeyOf } from './destination.js';
export type { Destination, DestinationSession, MergeCounts, RunPosition, Shard, SyncMode, SyncState } from './destination.js';
export { SyncError } from '../errors/client-errors.js';
export type { SyncErrorReason } from '../errors/client-errors.js';
