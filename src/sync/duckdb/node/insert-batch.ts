// Node-only: a batch of records into a DuckDB table (of the DuckDB file destination, or of the
// in-memory database the Parquet destination writes from).
import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Column, RecordBatch } from '../../columns.js';
import { appendRows, SQL_TYPES, type AppendColumn, type DuckDBDriver } from '../append-values.js';

/** DuckDB's `read_json` refused the batch's JSON: the caller rolls back and writes the batch as rows instead. */
export class JsonLinesRefused extends Error {
  override name = 'JsonLinesRefused';
}

/** A quoted identifier: the name exactly as given (`"subfolders_locked?"`). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Inserts `batch` into table `into` (columns `order`, in its physical order; `columns`, the
 * ensured ones). The records that fit their columns as sent are written, as the server sent
 * them, into a temporary file holding one JSON array that DuckDB's `read_json` reads (in C++,
 * on every core); the others are appended as rows (with `_extra`). With `asRows`, every record
 * is appended as a row.
 *
 * @throws JsonLinesRefused when `read_json` refuses the JSON (a value it reads otherwise than
 *   this client): the transaction is then to be rolled back and the batch written `asRows`.
 */
export async function insertBatch(
  driver: DuckDBDriver,
  connection: DuckDBConnection,
  into: string,
  order: readonly AppendColumn[],
  columns: readonly Column[],
  batch: RecordBatch,
  asRows = false,
): Promise<void> {
  if (batch.size === 0) return;
  const { json, count, rows } = asRows ? { json: [], count: 0, rows: batch.rows() } : batch.split();
  if (count > 0) await insertJson(connection, into, columns, json);
  if (rows.length > 0) {
    const appender = await connection.createAppender(into);
    try {
      appendRows(driver, appender, order, rows);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
}

/** Writes a JSON array (in pieces) to a temporary file and inserts its records with `read_json`. */
async function insertJson(connection: DuckDBConnection, into: string, columns: readonly Column[], pieces: readonly Uint8Array[]): Promise<void> {
  const file = join(tmpdir(), `files-stream-batch-${process.pid}-${randomBytes(6).toString('hex')}.json`);
  const handle = await open(file, 'wx', 0o600);
  try {
    try {
      for (let i = 0; i < pieces.length; i += 1024) await handle.writev(pieces.slice(i, i + 1024));
    } finally {
      await handle.close();
    }
    const named = columns.filter((c) => c.name !== '_extra');
    const list = named.map((c) => quoteIdentifier(c.name)).join(', ');
    const types = named.map((c) => `${sqlString(c.name)}: ${sqlString(SQL_TYPES[c.type])}`).join(', ');
    try {
      await connection.run(
        `INSERT INTO ${quoteIdentifier(into)} (${list}) SELECT ${list} FROM read_json(${sqlString(file)}, format = 'array', columns = {${types}}, maximum_object_size = 67108864)`,
      );
    } catch (error) {
      throw new JsonLinesRefused((error as Error).message, { cause: error });
    }
  } finally {
    await unlink(file).catch(() => {});
  }
}
