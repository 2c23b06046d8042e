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
 * Afterwards (outside the timing) checks the row count. Prints wall time, peak RSS, CPU time.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
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
