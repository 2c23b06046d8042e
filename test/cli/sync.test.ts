// `files-stream sync`: usage errors (exit 2, nothing sent or written), a sync into DuckDB and
// its summary, an incremental rerun, `--status`, and the refusals of the destination.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { operationCount, startEmulator, type TestEmulator } from '../helpers/emulator.js';
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
  ])('%s: exit 2, nothing sent or written', async (_name, args, message) => {
    site.emulator.resetLog();
    const before = await readdir(dir.path);
    const run = await runInProcess(['--api-key', site.apiKey, '--base-url', site.baseUrl, ...args.map((a) => (a.endsWith('.duckdb') ? join(dir.path, a) : a))]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(site.emulator.stats.total).toBe(0);
    expect(await readdir(dir.path)).toEqual(before);
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
