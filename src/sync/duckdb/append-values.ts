/**
 * Rows into DuckDB through its appender, shared by the destinations DuckDB writes for (the
 * DuckDB file, and the Parquet files it writes from an in-memory database): each
 * {@link ColumnType}'s DuckDB type, and how a row's JS value (see src/sync/columns.ts) is
 * appended as it.
 */
import type { DuckDBAppender } from '@duckdb/node-api';
import type { ColumnType } from '../columns.js';

/** The `@duckdb/node-api` module, loaded on first use (an optional peer dependency). */
export type DuckDBDriver = typeof import('@duckdb/node-api');

/** DuckDB's name of each column type (as `information_schema` and `DESCRIBE` spell it). */
export const SQL_TYPES: Readonly<Record<ColumnType, string>> = {
  bigint: 'BIGINT',
  integer: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamptz: 'TIMESTAMP WITH TIME ZONE',
  date: 'DATE',
  text: 'VARCHAR',
  json: 'JSON',
};

/** Where a table's column takes its value from: the index in the row (-1: always null), and its type. */
export interface AppendColumn {
  readonly from: number;
  readonly type: ColumnType;
}

/** Appends one non-null value of a column of `type` (the JS value a row holds for it). */
export function appendValue(driver: DuckDBDriver, appender: DuckDBAppender, type: ColumnType, value: unknown): void {
  switch (type) {
    case 'bigint':
      return appender.appendBigInt(value as bigint);
    case 'integer':
      return appender.appendInteger(value as number);
    case 'double':
      return appender.appendDouble(value as number);
    case 'boolean':
      return appender.appendBoolean(value as boolean);
    case 'timestamptz':
      return appender.appendTimestampTZ(new driver.DuckDBTimestampTZValue(BigInt(Math.round(value as number)) * 1000n));
    case 'date': {
      const [year, month, day] = (value as string).split('-').map(Number) as [number, number, number];
      return appender.appendDate(driver.DuckDBDateValue.fromParts({ year, month, day }));
    }
    default:
      return appender.appendVarchar(value as string);
  }
}

/**
 * Appends `rows` to the appender's table, whose columns are `order` (each taking its value from
 * a row's index, `null` and `undefined` appended as NULL). Does not flush.
 */
export function appendRows(driver: DuckDBDriver, appender: DuckDBAppender, order: readonly AppendColumn[], rows: readonly unknown[][]): void {
  for (const row of rows) {
    for (const { from, type } of order) {
      const value = from < 0 ? null : row[from];
      if (value === null || value === undefined) appender.appendNull();
      else appendValue(driver, appender, type, value);
    }
    appender.endRow();
  }
}
