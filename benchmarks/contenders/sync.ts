/**
 * `files-stream sync` as users run it: the built CLI (`dist/cli/main.js`) in a process of its
 * own (no TypeScript loader; `lib/exit-report.mjs` preloaded to report its peak RSS and CPU
 * time), against the emulator in its own process. BENCH_SYNC says what:
 * - `export`: `export actionLogs --since --until --parallel P --out <tmp>.ndjson` (the baseline);
 * - `duckdb`, `parquet`: `sync actionLogs --to <tmp> --since --until --parallel P`;
 * - `two-step`: the export, then DuckDB's `read_json` of the file into a table (what a user
 *   writes today), timed end to end;
 * - `merge`: `sync users --to <tmp>.duckdb` twice; the second run (1,000,000 users merged into
 *   an existing table) is the one timed.
 * PostgreSQL (the server runs on this machine; run.ts starts a throwaway cluster and gives each
 * run a fresh, empty database: BENCH_PG_URL, its libpq variables as JSON in BENCH_PG_ENV, and
 * BENCH_PSQL, the cluster's `psql`):
 * - `postgres`: `sync actionLogs --to postgres://... --since --until --parallel P`;
 * - `postgres-two-step`: the export, then one `psql -f` script (what a user writes today):
 *   `\copy` of the file into a jsonb staging table (each line one value, read verbatim: CSV
 *   with quote and delimiter bytes JSON never holds), then the typed table (the columns the sync
 *   makes) filled by `INSERT ... SELECT jsonb_populate_record(...)`, timed end to end. Peak RSS
 *   and CPU time are the export's process only: psql and the server are other processes;
 * - `postgres-merge`: `sync users --to postgres://...` twice, the second one timed (as `merge`).
 * Afterwards (outside the timing) checks the row count. Prints wall time, peak RSS, CPU time.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { columnsOf, syncSource } from 'files-stream/sync';
import pg from 'pg';
import { benchDir } from '../lib/child.js';
import { env } from './measure.js';

const what = process.env.BENCH_SYNC ?? 'duckdb';
const parallel = String(process.env.BENCH_PARALLEL ?? 8);
const since = process.env.BENCH_SINCE ?? '';
const until = process.env.BENCH_UNTIL ?? '';
const dir = await mkdtemp(join(tmpdir(), 'files-stream-bench-sync-'));
const report = join(dir, 'report.json');

/** Runs the built CLI; its wall time, peak RSS and CPU time. */
async function cli(args: string[]): Promise<{ ms: number; peakRssMB: number; cpuMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', join(benchDir, 'lib', 'exit-report.mjs'), join(benchDir, '..', 'dist', 'cli', 'main.js'), ...args, '--quiet'], {
    env: { ...process.env, FILESCOM_API_KEY: env.apiKey, FILESCOM_BASE_URL: env.baseUrl, BENCH_EXIT_REPORT: report },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`files-stream ${args[0]} exited with ${code}: ${stderr.trim()}`);
  const { peakRssMB, cpuMs } = JSON.parse(await readFile(report, 'utf8')) as { peakRssMB: number; cpuMs: number };
  return { ms, peakRssMB, cpuMs };
}

async function count(sql: string, database = ':memory:'): Promise<number> {
  const instance = await DuckDBInstance.create(database);
  const connection = await instance.connect();
  try {
    return Number((await connection.runAndReadAll(sql)).getRowObjects()[0]!.n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The rows of a table of the run's PostgreSQL database. */
async function pgCount(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: pgUrl() });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

function pgUrl(): string {
  const url = process.env.BENCH_PG_URL;
  if (!url) throw new Error(`BENCH_SYNC=${what} needs BENCH_PG_URL (a PostgreSQL database)`);
  return url;
}

/** PostgreSQL's type of each column type of the sync (as src/sync/postgres makes its tables). */
const PG_TYPES = { bigint: 'bigint', integer: 'integer', double: 'double precision', boolean: 'boolean', timestamptz: 'timestamptz', date: 'date', text: 'text', json: 'jsonb' } as const;

/**
 * The two-step's second step, as a user writes it: one psql script. `\copy` as CSV with a
 * quote and a delimiter (0x01, 0x02) that JSON text never holds raw: each line is one value,
 * read verbatim (backslashes included; the text format would unescape them).
 */
function twoStepScript(file: string): string {
  const table = columnsOf(syncSource('actionLogs').model)
    .map((c) => `  "${c.name}" ${PG_TYPES[c.type]}`)
    .join(',\n');
  return [
    'CREATE TABLE staging (doc jsonb);',
    `\\copy staging (doc) FROM '${file}' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')`,
    `CREATE TABLE action_logs (\n${table}\n);`,
    'INSERT INTO action_logs SELECT r.* FROM staging, jsonb_populate_record(null::action_logs, doc) AS r;',
    'DROP TABLE staging;',
    '',
  ].join('\n');
}

/** Runs the cluster's psql on a script file, with the run's database in the libpq variables; its wall time. */
async function psql(script: string): Promise<number> {
  const bin = process.env.BENCH_PSQL;
  if (!bin) throw new Error('BENCH_SYNC=postgres-two-step needs BENCH_PSQL (the path of psql)');
  const pgEnv = JSON.parse(process.env.BENCH_PG_ENV ?? '{}') as Record<string, string>;
  const t0 = performance.now();
  const child = spawn(bin, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script], { env: { ...process.env, ...pgEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`psql exited with ${code}: ${stderr.trim()}`);
  return performance.now() - t0;
}

const range = ['--since', since, '--until', until, '--parallel', parallel, '--per-page', String(env.perPage)];
let result: { ms: number; peakRssMB: number; cpuMs: number };
let rows: number;
try {
  if (what === 'export' || what === 'two-step') {
    const out = join(dir, 'logs.ndjson');
    result = await cli(['export', 'actionLogs', ...range, '--out', out]);
    if (what === 'two-step') {
      const t0 = performance.now();
      const db = join(dir, 'logs.duckdb');
      const instance = await DuckDBInstance.create(db);
      const connection = await instance.connect();
      await connection.run(`CREATE TABLE action_logs AS SELECT * FROM read_json('${out}', format = 'newline_delimited')`);
      connection.closeSync();
      instance.closeSync();
      result = { ...result, ms: result.ms + (performance.now() - t0) };
      rows = await count(`SELECT count(*) AS n FROM action_logs`, db);
    } else rows = await count(`SELECT count(*) AS n FROM read_json('${out}', format = 'newline_delimited')`);
  } else if (what === 'duckdb') {
    const db = join(dir, 'logs.duckdb');
    result = await cli(['sync', 'actionLogs', '--to', db, ...range]);
    rows = await count(`SELECT count(*) AS n FROM action_logs`, db);
  } else if (what === 'parquet') {
    const lake = join(dir, 'lake');
    result = await cli(['sync', 'actionLogs', '--to', `parquet:${lake}`, ...range]);
    rows = await count(`SELECT count(*) AS n FROM read_parquet('${lake}/**/*.parquet', union_by_name = true)`);
  } else if (what === 'postgres') {
    result = await cli(['sync', 'actionLogs', '--to', pgUrl(), ...range]);
    rows = await pgCount('action_logs');
  } else if (what === 'postgres-two-step') {
    const out = join(dir, 'logs.ndjson');
    const script = join(dir, 'load.sql');
    await writeFile(script, twoStepScript(out));
    result = await cli(['export', 'actionLogs', ...range, '--out', out]);
    result = { ...result, ms: result.ms + (await psql(script)) };
    rows = await pgCount('action_logs');
  } else if (what === 'postgres-merge') {
    await cli(['sync', 'users', '--to', pgUrl(), '--per-page', String(env.perPage)]);
    result = await cli(['sync', 'users', '--to', pgUrl(), '--per-page', String(env.perPage)]);
    rows = await pgCount('users');
  } else if (what === 'merge') {
    const db = join(dir, 'users.duckdb');
    await cli(['sync', 'users', '--to', db, '--per-page', String(env.perPage)]);
    result = await cli(['sync', 'users', '--to', db, '--per-page', String(env.perPage)]);
    rows = await count(`SELECT count(*) AS n FROM users`, db);
  } else throw new Error(`BENCH_SYNC=${what}?`);
} finally {
  await rm(dir, { recursive: true, force: true }).catch(() => {});
}
if (rows !== env.records) throw new Error(`expected ${env.records} rows, got ${rows}`);
console.log(JSON.stringify({ what, records: rows, ms: Math.round(result.ms), peakRssMB: result.peakRssMB, cpuMs: result.cpuMs }));
