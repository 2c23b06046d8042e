import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach } from 'vitest';
import { startEmulator, type TestEmulator } from './emulator.js';

/**
 * Rows of a query (JSON-friendly values), in a DuckDB database opened for it and closed after:
 * a database file (after the sync that wrote it closed it), or `:memory:` (to read Parquet
 * files as any reader would).
 */
export async function queryDuckDB(sql: string, database = ':memory:'): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Emulators started over HTTP and closed after each test of the file that calls this (at its top level). */
export function useEmulators(): (options: Parameters<typeof startEmulator>[0]) => Promise<TestEmulator> {
  const started: TestEmulator[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()));
  });
  return async (options) => {
    const e = await startEmulator(options);
    started.push(e);
    return e;
  };
}
