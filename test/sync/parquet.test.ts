// `files-stream/sync` into real Parquet files, read back with DuckDB (no mocks): append in
// runs (files cut by size, named by their range, every record once through a reader's
// `<dir>/**/*.parquet`), crashes and aborts between batches, leftovers of killed runs (a
// temporary file, a lock) never read and cleaned up, merge by id (renames, deletions, new
// users; keepDeleted), replace, a column that appears, and the refusals (a column of another
// type, a folder in use or that cannot be opened: before any API request).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../src/index.js';
import { parquet, sync } from '../../src/sync/index.js';
import { crashingAfter, stateOf } from '../helpers/sync.js';
import { queryDuckDB, useEmulators } from '../helpers/duckdb.js';
import { operationCount, type TestEmulator } from '../helpers/emulator.js';
import { listTree, useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const site = useEmulators();

/** Rows of a query in a fresh in-memory DuckDB (as any reader of the files would run it). */
const query = (sql: string) => queryDuckDB(sql);

/** What a data-lake reader sees: every `.parquet` file under `dir`, columns by name. */
const everything = (dir: string) => `read_parquet('${dir}/**/*.parquet', union_by_name = true, filename = true)`;

/** A log record's identity, the same from the API and from the files. */
const LOG_KEY = `epoch_ms(created_at)::VARCHAR || '|' || coalesce(path, '') || '|' || coalesce(username, '') || '|' || coalesce(action, '') || '|' || coalesce(ip, '')`;

/** The emulator's action logs of `[since, until)` as keys (sorted). */
async function logKeysBetween(e: TestEmulator, since: number, until: number): Promise<string[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const all = (await e.client.actionLogs.list({ per_page: 1000, filter_gteq: { created_at: iso(since) }, filter_lt: { created_at: iso(until) } }).toArray()) as Record<string, unknown>[];
  return all.map((r) => [Date.parse(String(r.created_at)), r.path ?? '', r.username ?? '', r.action ?? '', r.ip ?? ''].join('|')).sort();
}

/** The keys of every log row a reader of `<dir>/**\/*.parquet` sees (sorted, duplicates kept). */
async function logKeysIn(dir: string): Promise<string[]> {
  if (!(await listTree(dir)).some((p) => p.endsWith('.parquet'))) return [];
  const rows = await query(`SELECT ${LOG_KEY} AS k FROM ${everything(dir)} ORDER BY k`);
  return rows.map((r) => String(r.k)).sort();
}

/** Every file and folder under `dir` but the table files (temporary files, locks, leftovers). */
async function otherThanParquet(dir: string): Promise<string[]> {
  return (await listTree(dir)).filter((p) => !p.endsWith('/') && !/^[a-z_]+\/[a-z_0-9-]+\.parquet$/i.test(p));
}


/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('sync into Parquet files: append (logs)', () => {
  it('two runs: every record once through <dir>/**/*.parquet, files cut at rowsPerFile and named by their created_at range', async () => {
    const e = await site({ seed: 3, actionLogs: 3000 });
    const t = e.emulator.timeline('actionLogs');
    const dir = await tempDir();
    const mid = t.first + Math.floor(t.span / 2000) * 1000;
    const end = t.first + t.span + 1000;
    const options = { since: t.first, parallel: 4, batchRows: 200, perPage: 100 };
    const first = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 700 }), { ...options, until: mid });
    expect(first.appended).toBe(t.countBetween(t.first, mid));
    expect(await logKeysIn(dir)).toEqual(await logKeysBetween(e, t.first, mid));
    e.emulator.resetLog();
    const second = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 700 }), { ...options, until: end });
    expect(second.ranges).toEqual([{ since: mid, until: end, resumed: false }]);
    expect(second.appended).toBe(t.countBetween(mid, end));
    const asked = e.emulator.requests.filter((r) => r.operation === 'actionLogs.list').map((r) => Date.parse(r.query['filter_gteq[created_at]']!));
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(mid);
    e.emulator.resetLog();
    const third = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 700 }), { ...options, until: end });
    expect({ appended: third.appended, ranges: third.ranges, requests: operationCount(e.emulator, 'actionLogs.list') }).toEqual({ appended: 0, ranges: [], requests: 0 });

    const expected = await logKeysBetween(e, t.first, end);
    expect(expected).toHaveLength(3000);
    expect(await logKeysIn(dir)).toEqual(expected);
    // Nothing but the table's files (no temporary file, no lock: the sessions let go).
    expect(await otherThanParquet(dir)).toEqual([]);

    // Parts 1..n: every one but the tail sealed, named by the range of its rows, sealed once
    // it holds rowsPerFile rows (batches of about 200: a batch is never split over files).
    const files = await query(
      `SELECT parse_filename(filename) AS name, count(*)::INTEGER AS n, strftime(min(created_at), '%Y%m%dT%H%M%SZ') AS a, strftime(max(created_at), '%Y%m%dT%H%M%SZ') AS b FROM ${everything(dir)} GROUP BY ALL ORDER BY name`,
    );
    expect(files.length).toBeGreaterThanOrEqual(3);
    files.forEach((f, i) => {
      const seq = String(i + 1).padStart(6, '0');
      // The last may still be growing: not yet named by its range, and under 700 rows.
      const growing = i === files.length - 1 && (f.n as number) < 700;
      expect(f.name).toBe(growing ? `part-${seq}.parquet` : `part-${seq}-${f.a}-${f.b}.parquet`);
      if (!growing) expect([f.n as number >= 700, f.n as number < 700 + 300]).toEqual([true, true]);
    });
    // The state is in the newest file: complete up to the end, nothing to finish.
    const state = await stateOf(dir, 'action_logs');
    expect(state).toMatchObject({ table: 'action_logs', operation: 'actionLogs.list', mode: 'append', highWater: end, rows: 3000 });
    expect(state?.run).toBeUndefined();
    const kv = await query(`SELECT decode(key) AS k FROM parquet_kv_metadata('${dir}/action_logs/${files.at(-1)!.name}') ORDER BY k`);
    expect(kv.map((r) => r.k)).toContain('files_stream_state');
  });

  it('a crash after any batch, then a rerun: every record once, no file left that duplicates', async () => {
    const e = await site({ seed: 5, actionLogs: 2500, actionLogTimes: { burst: { share: 0.8, width: 0.05 } } });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const expected = await logKeysBetween(e, t.first, end);
    for (const crashAt of [0, 1, 3, 7]) {
      const dir = await tempDir();
      const options = { since: t.first, until: end, parallel: 3, batchRows: 200, perPage: 100 };
      const error = await sync(e.client, 'actionLogs', crashingAfter(parquet(dir, { rowsPerFile: 500 }), 'append', crashAt), options).catch((err: unknown) => err);
      expect((error as Error).message).toMatch(/crash/);
      // What a reader sees after the crash: each record at most once.
      const seen = await logKeysIn(dir);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe((await stateOf(dir, 'action_logs'))?.rows ?? 0);
      const rerun = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 500 }), options);
      expect(rerun.ranges[0]).toMatchObject({ resumed: crashAt > 0 });
      expect(await logKeysIn(dir), `crash after ${crashAt} commits`).toEqual(expected);
      expect(await otherThanParquet(dir)).toEqual([]);
    }
  });

  it('a run aborted by its signal commits what it read with its position; the rerun finishes it, every record once', async () => {
    const e = await site({ seed: 7, actionLogs: 2000 });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const dir = await tempDir();
    const controller = new AbortController();
    const options = { since: t.first, until: end, parallel: 2, batchRows: 150, perPage: 50 };
    const error = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 400 }), {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows >= 450) controller.abort(new Error('stop'));
      },
    }).catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/stop/);
    const state = await stateOf(dir, 'action_logs');
    expect(state?.run).toBeDefined();
    const partial = await logKeysIn(dir);
    expect(partial.length).toBe(state!.rows);
    expect(partial.length).toBeGreaterThanOrEqual(450);
    expect(partial.length).toBeLessThan(2000);
    const rerun = await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 400 }), options);
    expect(rerun.ranges[0]).toMatchObject({ resumed: true });
    expect(rerun.appended).toBe(2000 - partial.length);
    expect(await logKeysIn(dir)).toEqual(await logKeysBetween(e, t.first, end));
  });

  it('leftovers of a killed run: its temporary file is never read and is removed, its lock is taken over', async () => {
    const e = await site({ seed: 9, actionLogs: 1200 });
    const t = e.emulator.timeline('actionLogs');
    const mid = t.first + Math.floor(t.span / 2000) * 1000;
    const end = t.first + t.span + 1000;
    const dir = await tempDir();
    await sync(e.client, 'actionLogs', parquet(dir), { since: t.first, until: mid });
    const [tail] = (await readdir(join(dir, 'action_logs'))).filter((n) => n.endsWith('.parquet'));
    // A complete Parquet file a killed run wrote but did not rename (same rows as the tail:
    // read, it would duplicate them), and the lock the run held.
    const pid = deadPid();
    const temp = join(dir, 'action_logs', `.part-000002.parquet.tmp-${pid}-0123456789ab`);
    await copyFile(join(dir, 'action_logs', tail!), temp);
    await writeFile(join(dir, '.files-stream.lock'), JSON.stringify({ pid, hostname: hostname(), startedAt: new Date().toISOString(), token: 'killed-run' }));
    expect(await logKeysIn(dir)).toEqual(await logKeysBetween(e, t.first, mid));

    const result = await sync(e.client, 'actionLogs', parquet(dir), { since: t.first, until: end });
    expect(result.appended).toBe(t.countBetween(mid, end));
    await expect(stat(temp)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await otherThanParquet(dir)).toEqual([]);
    expect(await logKeysIn(dir)).toEqual(await logKeysBetween(e, t.first, end));
  });

  it('a column the files lack appears in new files; a reader with union_by_name sees it', async () => {
    const e = await site({ seed: 10, actionLogs: 1000 });
    const t = e.emulator.timeline('actionLogs');
    const mid = t.first + Math.floor(t.span / 2000) * 1000;
    const end = t.first + t.span + 1000;
    const dir = await tempDir();
    await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 300 }), { since: t.first, until: mid, batchRows: 300, perPage: 100 });
    // An older version of the spec had no `ip`: the files written then lack it (their state kept).
    const folder = join(dir, 'action_logs');
    const names = (await readdir(folder)).filter((n) => n.endsWith('.parquet'));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const name of names) {
      const path = join(folder, name);
      const [kv] = (await connection.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata('${path}') WHERE decode(key) = 'files_stream_state'`)).getRowObjects();
      await connection.run(`COPY (SELECT * EXCLUDE (ip) FROM read_parquet('${path}')) TO '${path}.x' (FORMAT parquet, KV_METADATA {files_stream_state: '${String(kv!.v).replace(/'/g, "''")}'})`);
      await rename(`${path}.x`, path);
    }
    connection.closeSync();
    instance.closeSync();
    expect(await query(`SELECT count(*)::INTEGER AS n FROM (DESCRIBE SELECT * FROM ${everything(dir)}) WHERE column_name = 'ip'`)).toEqual([{ n: 0 }]);

    await sync(e.client, 'actionLogs', parquet(dir, { rowsPerFile: 300 }), { since: t.first, until: end, batchRows: 300, perPage: 100 });
    // The old rows have no ip (the tail the new run grew included), the new ones all have theirs.
    const counts = await query(`SELECT created_at >= epoch_ms(${mid}) AS new, count(*)::INTEGER AS n, count(ip)::INTEGER AS ip FROM ${everything(dir)} GROUP BY ALL ORDER BY new`);
    expect(counts).toEqual([
      { new: false, n: t.countBetween(t.first, mid), ip: 0 },
      { new: true, n: t.countBetween(mid, end), ip: t.countBetween(mid, end) },
    ]);
  });
});

describe('sync into Parquet files: merge (users) and replace', () => {
  it('merge: renames, deletions and new users, exact counts, one file replaced whole; keepDeleted marks instead', async () => {
    const e = await site({ seed: 4, users: 120 });
    const dir = await tempDir();
    const first = await sync(e.client, 'users', parquet(dir));
    expect({ mode: first.mode, inserted: first.inserted, updated: first.updated, deleted: first.deleted }).toEqual({ mode: 'merge', inserted: 120, updated: 0, deleted: 0 });
    const users = await e.client.users.list().toArray();
    await e.client.users.update(users[3]!.id!, { name: 'Renamed Person' });
    await e.client.users.update(users[5]!.id!, { name: 'Another Name' });
    await e.client.users.delete(users[7]!.id!);
    const created = await e.client.users.create({ username: 'newcomer-1' });
    const second = await sync(e.client, 'users', parquet(dir));
    expect({ inserted: second.inserted, updated: second.updated, deleted: second.deleted }).toEqual({ inserted: 1, updated: 2, deleted: 1 });
    const rows = await query(`SELECT id::INTEGER AS id, name, username FROM ${everything(dir)} ORDER BY id`);
    expect(rows).toHaveLength(120);
    expect(new Set(rows.map((r) => r.id)).size).toBe(120);
    expect(rows.find((r) => r.id === users[3]!.id)?.name).toBe('Renamed Person');
    expect(rows.some((r) => r.id === users[7]!.id)).toBe(false);
    expect(rows.find((r) => r.id === created.id)?.username).toBe('newcomer-1');
    expect(await listTree(dir)).toEqual(['users/', 'users/users.parquet']);
    expect(await stateOf(dir, 'users')).toMatchObject({ mode: 'merge', rows: 120 });
    expect(await sync(e.client, 'users', parquet(dir))).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });

    const kept = await tempDir();
    await sync(e.client, 'users', parquet(kept), { keepDeleted: true });
    await e.client.users.delete(users[9]!.id!);
    await e.client.users.delete(users[11]!.id!);
    expect(await sync(e.client, 'users', parquet(kept), { keepDeleted: true })).toMatchObject({ inserted: 0, updated: 0, deleted: 2 });
    // Marked once: a later run does not count (or re-mark) them again.
    const before = await query(`SELECT id::INTEGER AS id, _deleted_at::VARCHAR AS at FROM ${everything(kept)} WHERE _deleted_at IS NOT NULL ORDER BY id`);
    expect(await sync(e.client, 'users', parquet(kept), { keepDeleted: true })).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    expect(await query(`SELECT id::INTEGER AS id, _deleted_at::VARCHAR AS at FROM ${everything(kept)} WHERE _deleted_at IS NOT NULL ORDER BY id`)).toEqual(before);
    expect(before.map((r) => r.id)).toEqual([users[9]!.id, users[11]!.id]);
    expect(await query(`SELECT count(*)::INTEGER AS n FROM ${everything(kept)}`)).toEqual([{ n: 120 }]);
  });

  it('a merge that fails while staging leaves the table as it was; the rerun applies everything', async () => {
    const e = await site({ seed: 14, users: 300 });
    const dir = await tempDir();
    await sync(e.client, 'users', parquet(dir), { perPage: 50, batchRows: 50 });
    const users = await e.client.users.list().toArray();
    await e.client.users.delete(users[0]!.id!);
    await e.client.users.update(users[1]!.id!, { name: 'Changed' });
    const before = await readFile(join(dir, 'users', 'users.parquet'));
    const error = await sync(e.client, 'users', crashingAfter(parquet(dir), 'stage', 2), { perPage: 50, batchRows: 50 }).catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/crash/);
    expect((await readFile(join(dir, 'users', 'users.parquet'))).equals(before)).toBe(true);
    expect(await otherThanParquet(dir)).toEqual([]);
    expect(await sync(e.client, 'users', parquet(dir), { perPage: 50, batchRows: 50 })).toMatchObject({ inserted: 0, updated: 1, deleted: 1 });
    expect(await query(`SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM ${everything(dir)}`)).toEqual([{ n: 299, d: 299 }]);
  });

  it('replace: a list whose model has no id is swapped in whole, run after run', async () => {
    const e = await site({ seed: 6 });
    const dir = await tempDir();
    const expected = await e.client.apps.list().toArray();
    expect(expected.length).toBeGreaterThan(0);
    for (let run = 0; run < 2; run++) {
      const result = await sync(e.client, 'apps', parquet(dir));
      expect({ mode: result.mode, inserted: result.inserted }).toEqual({ mode: 'replace', inserted: expected.length });
    }
    expect(await query(`SELECT count(*)::INTEGER AS n FROM ${everything(dir)}`)).toEqual([{ n: expected.length }]);
    expect(await listTree(dir)).toEqual(['apps/', 'apps/apps.parquet']);
  });

  it('listStates for --status; a full refresh starts a table again', async () => {
    const e = await site({ seed: 15, users: 30, actionLogs: 500 });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const dir = await tempDir();
    await sync(e.client, 'users', parquet(dir));
    await sync(e.client, 'actionLogs', parquet(dir), { since: t.first, until: end });
    const session = await parquet(dir).open();
    try {
      expect((await session.listStates()).map((s) => [s.table, s.mode, s.rows])).toEqual([
        ['action_logs', 'append', 500],
        ['users', 'merge', 30],
      ]);
    } finally {
      await session.close();
    }
    const again = await sync(e.client, 'actionLogs', parquet(dir), { since: t.first, until: end, fullRefresh: true });
    expect(again.appended).toBe(500);
    expect(await query(`SELECT count(*)::INTEGER AS n FROM read_parquet('${dir}/action_logs/*.parquet')`)).toEqual([{ n: 500 }]);
    expect(await otherThanParquet(dir)).toEqual([]);
  });
});

describe('sync into Parquet files: refusals, before anything is written', () => {
  it('a column of another type in the files: SyncError schema-conflict, no request sent, nothing written', async () => {
    const e = await site({ seed: 8, users: 20 });
    const dir = await tempDir();
    const file = join(dir, 'users', 'users.parquet');
    await mkdir(join(dir, 'users'));
    await query(`COPY (SELECT 'abc' AS id, 'someone' AS username) TO '${file}' (FORMAT parquet)`);
    const before = await readFile(file);
    const error = await sync(e.client, 'users', parquet(dir)).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ reason: 'schema-conflict' });
    expect((error as Error).message).toMatch(/column "id" of type VARCHAR, not BIGINT/);
    expect(e.emulator.stats.total).toBe(0);
    expect((await readFile(file)).equals(before)).toBe(true);
    expect(await listTree(dir)).toEqual(['users/', 'users/users.parquet']);
  });

  it('a folder in use: SyncError in-use naming the holder, or a wait; a folder that cannot be made: SyncError destination', async () => {
    const e = await site({ seed: 8, users: 20 });
    const dir = await tempDir();
    const held = await parquet(dir).open();
    let waiting: Promise<unknown> | undefined;
    try {
      const busy = await sync(e.client, 'users', parquet(dir), { wait: false }).catch((err: unknown) => err);
      expect(busy).toMatchObject({ name: 'SyncError', reason: 'in-use' });
      expect((busy as Error).message).toContain(`pid ${process.pid}`);
      waiting = sync(e.client, 'users', parquet(dir), { wait: true });
      await new Promise((r) => setTimeout(r, 300));
      expect(e.emulator.stats.total).toBe(0);
    } finally {
      await held.close();
    }
    expect(await waiting).toMatchObject({ inserted: 20 });
    const file = join(await tempDir(), 'a-file');
    await writeFile(file, 'not a folder');
    for (const bad of [file, join(file, 'below')]) {
      const error = await sync(e.client, 'users', parquet(bad)).catch((err: unknown) => err);
      expect(error).toMatchObject({ name: 'SyncError', reason: 'destination' });
    }
    expect(e.emulator.stats.total).toBe(1); // the waiting sync's single page
  });

  it('a sync whose lock is taken from it (deleted by hand, or taken over) stops before writing more', async () => {
    const e = await site({ seed: 16, actionLogs: 1000 });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const dir = await tempDir();
    const lock = join(dir, '.files-stream.lock');
    let taken = 0;
    const error = await sync(e.client, 'actionLogs', parquet(dir), {
      since: t.first,
      until: end,
      batchRows: 100,
      perPage: 50,
      parallel: 1,
      onProgress: (p) => {
        if (taken) return;
        taken = p.rows;
        writeFileSync(lock, JSON.stringify({ pid: process.pid, hostname: 'another-host', startedAt: new Date().toISOString(), token: 'another-sync' }));
      },
    }).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'SyncError', reason: 'in-use' });
    expect((error as Error).message).toMatch(/no longer holds parquet:.*taken by pid \d+ on another-host/);
    // The first batch stays, with its position; the other sync's lock is left alone.
    expect(taken).toBeGreaterThanOrEqual(100);
    expect(await logKeysIn(dir)).toHaveLength(taken);
    expect((await stateOf(dir, 'action_logs').catch((err: unknown) => err))).toMatchObject({ reason: 'in-use' });
    expect(JSON.parse(await readFile(lock, 'utf8'))).toMatchObject({ token: 'another-sync' });
  });

  it('the API key is written nowhere in the files', async () => {
    const e = await site({ seed: 9, users: 10, actionLogs: 100 });
    const t = e.emulator.timeline('actionLogs');
    const dir = await tempDir();
    await sync(e.client, 'users', parquet(dir));
    await sync(e.client, 'actionLogs', parquet(dir), { since: t.first, until: t.first + t.span + 1000 });
    for (const path of (await listTree(dir)).filter((p) => !p.endsWith('/'))) {
      expect((await readFile(join(dir, path))).includes(Buffer.from(e.apiKey))).toBe(false);
    }
  });
});
