// `files-stream sync`: usage errors (exit 2, nothing sent or written), a sync into DuckDB and
// into PostgreSQL (a real server) and its summary, an incremental rerun, `--status`, and the
// refusals and failures of the destination, with the database password in no output.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { operationCount, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { describePostgres, usePostgres } from '../helpers/postgres.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

let site: TestEmulator;
let dir: TempDir;
beforeAll(async () => {
  site = await startEmulator({ seed: 11, users: 40, groups: 4, actionLogs: 1200 });
  dir = await tempDir('files-stream-cli-sync-');
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const cli = (args: string[]) => runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, ...args]);

describe('files-stream sync: usage', () => {
  it.each([
    ['no --to', ['sync', 'users'], /^error: sync needs --to <destination>/],
    ['a --to that is no destination', ['sync', 'users', '--to', 'out.txt'], /^error: --to "out.txt" is not a destination: use duckdb:<file>/],
    ['no operation', ['sync', '--to', 'x.duckdb'], /^error: sync needs an operation/],
    ['an unknown operation', ['sync', 'userz', '--to', 'x.duckdb'], /^error: unknown operation "userz"; did you mean users/],
    ['append for a list without a created_at range', ['sync', 'users', '--to', 'x.duckdb', '--mode', 'append'], /append needs a list with a created_at range/],
    ['a bad --lag', ['sync', 'actionLogs', '--to', 'x.duckdb', '--lag', 'soon'], /expected a duration such as 60s/],
    ['a bad --table', ['sync', 'users', '--to', 'x.duckdb', '--table', 'drop table;'], /must be letters, digits and _/],
    ['a postgres URL with an unknown sslmode', ['sync', 'users', '--to', 'postgres://etl:s3cret-pw@db.example/files?sslmode=sometimes'], /^error: --to postgres:\/\/etl:\[redacted\]@db\.example\/files\?sslmode=sometimes: sslmode "sometimes" is not one of disable, allow, prefer, require, verify-ca, verify-full$/],
    ['a postgres URL with a bad port', ['sync', 'users', '--to', 'postgresql://etl:s3cret-pw@db.example:99999/files'], /^error: --to postgresql:\/\/etl:\[redacted\]@db\.example:99999\/files: not a URL: postgres:\/\/user\[:password\]@host\[:port\]\/database, or postgres: alone/],
    ['an unknown URL parameter', ['sync', 'users', '--to', 'postgres://db.example/files?passwd=s3cret-pw'], /^error: --to postgres:\/\/db\.example\/files\?passwd=\[redacted\]: unknown parameter "passwd"/],
    ['a bad --schema', ['sync', 'users', '--to', 'postgres://db.example/files', '--schema', 'my schema'], /schema "my schema": must be letters, digits/],
    ['--schema for DuckDB', ['sync', 'users', '--to', 'x.duckdb', '--schema', 'files'], /--schema applies to postgres destinations only/],
    ['a bad --shard', ['sync', 'actionLogs', '--to', 'x.duckdb', '--shard', '4/3'], /expected K\/N with 1 <= K <= N/],
    ['--shard without --since', ['sync', 'actionLogs', '--to', 'x.duckdb', '--shard', '1/3'], /shard.*needs since/],
    ['--shard of a merged list', ['sync', 'users', '--to', 'x.duckdb', '--shard', '1/3', '--since', '2024-01-01'], /applies to append/],
    ['--shard into Parquet', ['sync', 'actionLogs', '--to', `parquet:nowhere`, '--shard', '1/3', '--since', '2024-01-01'], /shards need a database/],
  ])('%s: exit 2, nothing sent or written', async (_name, args, message) => {
    site.emulator.resetLog();
    const before = await readdir(dir.path);
    const run = await runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, ...args.map((a) => (a.endsWith('.duckdb') ? join(dir.path, a) : a))]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(site.emulator.stats.total).toBe(0);
    expect(await readdir(dir.path)).toEqual(before);
    expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
  });
});

describe('files-stream sync into DuckDB', () => {
  it('appends action logs, reruns incrementally, merges users, and --status lists both', async () => {
    const file = join(dir.path, 'files.duckdb');
    const t = site.emulator.timeline('actionLogs');
    const mid = t.first + 600_000;
    const end = t.first + t.span + 1000;
    const first = await cli(['sync', 'actionLogs', '--to', file, '--since', iso(t.first), '--until', iso(mid), '--parallel', '3']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(new RegExp(`actionLogs\\.list created ${iso(t.first)}\\.\\.${iso(mid)}: ${t.countBetween(t.first, mid)} rows appended to duckdb:.*files\\.duckdb table action_logs; complete up to ${iso(mid)}`));
    site.emulator.resetLog();
    const second = await cli(['sync', 'actionLogs', '--to', file, '--since', iso(t.first), '--until', iso(end)]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`created ${iso(mid)}\\.\\.${iso(end)}: ${t.countBetween(mid, end)} rows appended`));
    site.emulator.resetLog();
    const third = await cli(['sync', 'actionLogs', '--to', file, '--since', iso(t.first), '--until', iso(end)]);
    expect(third.stderr).toMatch(/actionLogs\.list: nothing new: 0 rows appended/);
    expect(operationCount(site.emulator, 'actionLogs.list')).toBe(0);

    const users = await cli(['sync', 'users', '--to', `duckdb:${file}`]);
    expect(users.code, users.stderr).toBe(0);
    expect(users.stderr).toMatch(/users\.list: merge into duckdb:.* table users: 40 inserted, 0 updated, 0 deleted/);

    const status = await cli(['sync', '--status', '--to', file]);
    expect(status.code, status.stderr).toBe(0);
    const lines = status.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l.slice(0, 4))).toEqual([
      ['action_logs', 'append', 'actionLogs.list', `${t.countBetween(t.first, end)} rows`],
      ['users', 'merge', 'users.list', '40 rows'],
    ]);
    expect(lines[0]![4]).toBe(`complete up to ${iso(end)}`);
  });

  it('another sync in the table: exit 2 naming it; a destination that cannot be opened: exit 1 before any request', async () => {
    const file = join(dir.path, 'mismatch.duckdb');
    expect((await cli(['sync', 'users', '--to', file, '--table', 'things'])).code).toBe(0);
    site.emulator.resetLog();
    const other = await cli(['sync', 'groups', '--to', file, '--table', 'things']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/^error: table things of duckdb:.* holds another sync \(operation users\.list, not groups\.list\)/);
    expect(site.emulator.stats.total).toBe(0);
    const nowhere = await cli(['sync', 'users', '--to', join(dir.path, 'missing', 'folder', 'x.duckdb')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^error: cannot open duckdb:/);
    expect(nowhere.stderr).toMatch(/^hint: check --to/m);
    expect(site.emulator.stats.total).toBe(0);
  });
});

describePostgres('files-stream sync into PostgreSQL', () => {
  const cluster = usePostgres();

  it('appends and merges, reruns incrementally, --status lists them; the password appears nowhere in the output', async () => {
    const c = cluster();
    const db = await c.createDatabase();
    const url = c.url(db);
    const t = site.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const logs = await cli(['sync', 'actionLogs', '--to', url, '--since', iso(t.first), '--until', iso(end), '--parallel', '3', '--schema', 'files_com']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stderr).toMatch(new RegExp(`: ${t.countBetween(t.first, end)} rows appended to postgres://postgres@127\\.0\\.0\\.1:${c.port}/${db} schema files_com table action_logs; complete up to ${iso(end)}`));
    site.emulator.resetLog();
    const again = await cli(['sync', 'actionLogs', '--to', url, '--since', iso(t.first), '--until', iso(end), '--schema', 'files_com']);
    expect(again.stderr).toMatch(/nothing new: 0 rows appended/);
    expect(site.emulator.stats.total).toBe(0);
    // postgres: alone, with the libpq variables.
    const users = await runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, 'sync', 'users', '--to', 'postgres:', '--schema', 'files_com'], c.env(db));
    expect(users.code, users.stderr).toBe(0);
    expect(users.stderr).toMatch(/users\.list: merge into postgres:\/\/postgres@127\.0\.0\.1:\d+\/\S+ schema files_com table users: 40 inserted, 0 updated, 0 deleted/);
    const status = await cli(['sync', '--status', '--to', url, '--schema', 'files_com']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 4))).toEqual([
      ['action_logs', 'append', 'actionLogs.list', `${t.countBetween(t.first, end)} rows`],
      ['users', 'merge', 'users.list', '40 rows'],
    ]);
    for (const run of [logs, again, users, status]) expect(run.stdout + run.stderr).not.toContain(c.password);
  });

  it('a server that refuses (wrong password, no database, nothing listening): exit 1 before any request, naming the server, never the password', async () => {
    const c = cluster();
    site.emulator.resetLog();
    const cases = [
      [`postgres://postgres:${c.password}x@127.0.0.1:${c.port}/postgres`, /^error: cannot connect to postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres: password authentication failed for user "postgres"$/m],
      [c.url('no_such_db'), /database "no_such_db" does not exist/],
      [`postgres://postgres:${c.password}@127.0.0.1:1/postgres`, /ECONNREFUSED/],
    ] as const;
    for (const [to, message] of cases) {
      const run = await cli(['sync', 'users', '--to', to]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/^hint: check --to/m);
      expect(run.stdout + run.stderr).not.toContain(c.password);
    }
    // PGPASSWORD is a secret too.
    const env = { ...c.env('no_such_db') };
    const fromEnv = await runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, 'sync', 'users', '--to', 'postgres:'], env);
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain(c.password);
    expect(site.emulator.stats.total).toBe(0);
  });

  it('--no-wait while another run holds the table: exit 1 naming it', async () => {
    const c = cluster();
    const db = await c.createDatabase();
    const { postgres } = await import('../../src/sync/index.js');
    const held = await postgres(c.url(db)).open();
    try {
      await held.lockTable!('users');
      const run = await cli(['sync', 'users', '--to', c.url(db), '--no-wait']);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/^error: table users of postgres:\/\/\S+ is being synced by another run \("files-stream sync users \(pid \d+ on [^)]+\)", server pid \d+ from 127\.0\.0\.1, connected since \S+\): wait for it \(run without --no-wait\)$/m);
      expect(run.stderr).toMatch(/^hint: rerun when the other sync is done, or without --no-wait/m);
    } finally {
      await held.close();
    }
  });
});
