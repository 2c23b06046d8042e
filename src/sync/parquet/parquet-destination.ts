/**
 * Parquet files (`parquet:<dir>`), for data lakes: each table a folder of Parquet files that
 * DuckDB, Spark, pandas or Athena read as `<dir>/<table>/*.parquet` (or `<dir>/**\/*.parquet`
 * for every table). DuckDB (`@duckdb/node-api`, the optional peer dependency of the DuckDB
 * destination) writes them. A file is visible under its name only when complete, and holds
 * the table's sync state in its key-value metadata, so a batch and its position appear
 * together in one rename: a killed run leaves no file a rerun would duplicate, and a reader
 * sees every record once. See ./layout.ts for the files' names and ./node/parquet-session.ts
 * for how they are written.
 *
 * New columns (a field Files.com added) appear in new files only: read with
 * `union_by_name = true` (DuckDB), `mergeSchema` (Spark), or your reader's equivalent.
 */
import type { Destination } from '../destination.js';
import { DEFAULT_ROWS_PER_FILE, openParquet, type ParquetOptions } from './node/parquet-session.js';

export type { ParquetOptions } from './node/parquet-session.js';

/**
 * A folder of Parquet files as a sync destination (created when missing). One sync writes it
 * at a time: another waits (`wait`) or is refused (`SyncError` `in-use`).
 *
 * @example
 * await sync(createClient(), 'actionLogs', parquet('lake'), { since: '2026-01-01' });
 * // duckdb: SELECT count(*) FROM read_parquet('lake/action_logs/*.parquet', union_by_name = true)
 * @throws RangeError when `rowsPerFile` is not an integer >= 1.
 */
export function parquet(dir: string, options: ParquetOptions = {}): Destination {
  const rowsPerFile = options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE;
  if (!(Number.isSafeInteger(rowsPerFile) && rowsPerFile >= 1)) throw new RangeError('parquet: rowsPerFile must be an integer >= 1');
  return {
    description: `parquet:${dir}`,
    open: (openOptions) => openParquet(dir, { rowsPerFile }, openOptions),
  };
}
