/**
 * The merge of a staged listing into a table, in DuckDB SQL, shared by the destinations DuckDB
 * works for (the DuckDB file, and the in-memory database the Parquet files are merged in).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { DELETED_AT_COLUMN, type MergeCounts } from '../destination.js';
import { quoteIdentifier } from './node/insert-batch.js';

/**
 * Merges staging table `staging` into `table` by `key` (in the caller's transaction, if any):
 * staged rows replace those of the same key, new ones are inserted, and rows the staging lacks
 * are deleted (with `keepDeleted`, marked `_deleted_at` instead). Counts what it did: inserted
 * (new keys), updated (staged rows that differ from the table's), deleted (or newly marked).
 * Returns them with the table's rows after it.
 */
export async function mergeStaged(connection: DuckDBConnection, table: string, staging: string, key: string, keepDeleted: boolean): Promise<MergeCounts & { readonly rows: number }> {
  const t = quoteIdentifier(table);
  const s = quoteIdentifier(staging);
  const k = quoteIdentifier(key);
  const count = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowObjects()[0]!.n);
  const gone = `${k} NOT IN (SELECT ${k} FROM ${s} WHERE ${k} IS NOT NULL)`;
  const live = keepDeleted ? ` AND ${quoteIdentifier(DELETED_AT_COLUMN)} IS NULL` : '';
  const inserted = await count(`SELECT count(*) AS n FROM ${s} WHERE ${k} NOT IN (SELECT ${k} FROM ${t} WHERE ${k} IS NOT NULL)`);
  const changed = await count(`SELECT count(*) AS n FROM (SELECT * FROM ${s} EXCEPT SELECT * FROM ${t})`);
  const deleted = await count(`SELECT count(*) AS n FROM ${t} WHERE ${gone}${live}`);
  if (keepDeleted) await connection.run(`UPDATE ${t} SET ${quoteIdentifier(DELETED_AT_COLUMN)} = now() WHERE ${gone}${live}`);
  else await connection.run(`DELETE FROM ${t} WHERE ${gone}`);
  await connection.run(`DELETE FROM ${t} WHERE ${k} IN (SELECT ${k} FROM ${s})`);
  await connection.run(`INSERT INTO ${t} SELECT * FROM ${s}`);
  return { inserted, updated: changed - inserted, deleted, rows: await count(`SELECT count(*) AS n FROM ${t}`) };
}
