/**
 * The names of a Parquet destination's files. Under `<dir>`, each table is a folder:
 *
 * - an append table (logs): `<table>/part-000007-20240101T000005Z-20240106T185955Z.parquet`,
 *   sealed files named by their sequence and the `created_at` range of their rows (or the row
 *   numbers `000000001-000100000` when the rows have no `created_at`), and one tail file
 *   `<table>/part-000008.parquet` still growing (each batch rewrites it under the same name
 *   until it holds `rowsPerFile` rows, then it is renamed by its range);
 * - a merge or replace table: one file, `<table>/<table>.parquet`, replaced as a whole.
 *
 * Every file carries the table's sync state in its key-value metadata (`files_stream_state`);
 * the table's state is that of its newest file (the snapshot, or the highest sequence).
 * Files being written are hidden and do not end in `.parquet`
 * (`.part-000008.parquet.tmp-<pid>-<token>`): a reader of `<dir>/**\/*.parquet` never sees them.
 */

/** The key of the key-value metadata that holds the sync state (JSON of `SyncState`). */
export const STATE_KEY = 'files_stream_state';
/** The key of the key-value metadata that holds the range label of a file's rows (empty when it has none). */
export const RANGE_KEY = 'files_stream_range';

/** A part file of an append table, as named. */
export interface PartName {
  readonly seq: number;
  /** `<from>-<to>` of a sealed file; `undefined` for the growing tail. */
  readonly range: string | undefined;
}

const PART = /^part-(\d{6,})(?:-([0-9A-Za-z.]+-[0-9A-Za-z.]+))?\.parquet$/;

/** The name of part `seq` (the tail without `range`, sealed with it). */
export function partName(seq: number, range?: string): string {
  return `part-${String(seq).padStart(6, '0')}${range ? `-${range}` : ''}.parquet`;
}

/** A part file's sequence and range, or `undefined` for a name that is not a part's. */
export function parsePartName(name: string): PartName | undefined {
  const match = PART.exec(name);
  return match ? { seq: Number(match[1]), range: match[2] } : undefined;
}

/** The one file of a merge or replace table. */
export function snapshotName(table: string): string {
  return `${table}.parquet`;
}

/** The hidden name a file is written under before it is renamed to `final` (in the same folder). */
export function tempName(final: string, pid: number, token: string): string {
  return `.${final}.tmp-${pid}-${token}`;
}

/** The session token of a temporary file's name, or `undefined` when it is not one. */
export function tempToken(name: string): string | undefined {
  return /^\..+\.tmp-\d+-([0-9a-f]+)$/.exec(name)?.[1];
}

/** A compact UTC instant for a file name (no `:`, which Hadoop paths refuse): `20240101T000005Z` (with `.123` for milliseconds). */
export function instantLabel(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('.000Z', 'Z');
}

/** The range label of rows with `created_at` from `first` to `last` (epoch ms). */
export function timeRangeLabel(first: number, last: number): string {
  return `${instantLabel(first)}-${instantLabel(last)}`;
}

/** The range label of rows numbered `first` to `last` (from 1). */
export function rowRangeLabel(first: number, last: number): string {
  return `${String(first).padStart(9, '0')}-${String(last).padStart(9, '0')}`;
}
