// `files-stream/sync` into real DuckDB files (no mocks): append (incremental, exactly once
// across crashes between batches), merge by id (renames, deletions, new records; keepDeleted),
// replace, typed columns from the spec with `_extra`, a schema that gains a column, and the
// refusals (another sync's table, a column of another type, a destination in use or that
// cannot be opened: before any API request).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { SyncError } from '../../src/index.js';
import { parseJsonBytes } from '../../src/core/json-body.js';
import { keepRawJson } from '../../src/pagination/raw-json.js';
import { columnsOf, duckdb, RecordBatch, rowsOf, sync } from '../../src/sync/index.js';
import { crashingAfter } from '../helpers/sync.js';
import { queryDuckDB, useEmulators } from '../helpers/duckdb.js';
import { operationCount, type TestEmulator } from '../helpers/emulator.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const site = useEmulators();

/** Rows of a query on a DuckDB file (opened after the sync closed it). */
const query = (path: string, sql: string) => queryDuckDB(sql, path);

/** The emulator's action logs of `[since, until)`, as a plain listing returns them (JSON per record). */
async function logsBetween(e: TestEmulator, since: number, until: number): Promise<string[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const all = await e.client.actionLogs.list({ per_page: 1000, filter_gteq: { created_at: iso(since) }, filter_lt: { created_at: iso(until) } }).toArray();
  return all.map((r) => JSON.stringify(r));
}

const COUNT_AND_DISTINCT = `SELECT count(*)::INTEGER AS n, count(DISTINCT (created_at, path, username, action, ip))::INTEGER AS distinct_rows FROM action_logs`;

describe('sync into DuckDB: append (logs)', () => {
  it('two runs: every record of each range once, the second run listing only what is new; a third sends nothing', async () => {
    const e = await site({ seed: 3, actionLogs: 3000 });
    const t = e.emulator.timeline('actionLogs');
    const file = join((await tempDir()), 'logs.duckdb');
    const mid = t.first + Math.floor(t.span / 2000) * 1000;
    const end = t.first + t.span + 1000;
    const first = await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: mid, parallel: 4, batchRows: 500 });
    expect(first.appended).toBe(t.countBetween(t.first, mid));
    e.emulator.resetLog();
    const second = await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: end, parallel: 4, batchRows: 500 });
    expect(second.ranges).toEqual([{ since: mid, until: end, resumed: false }]);
    expect(second.appended).toBe(t.countBetween(mid, end));
    // The second run asked only for the new part of the range.
    const asked = e.emulator.requests.filter((r) => r.operation === 'actionLogs.list').map((r) => Date.parse(r.query['filter_gteq[created_at]']!));
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(mid);
    e.emulator.resetLog();
    const third = await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: end });
    expect({ appended: third.appended, ranges: third.ranges, requests: operationCount(e.emulator, 'actionLogs.list') }).toEqual({ appended: 0, ranges: [], requests: 0 });

    const expected = await logsBetween(e, t.first, end);
    const [counts] = await query(file, COUNT_AND_DISTINCT);
    expect(counts).toEqual({ n: expected.length, distinct_rows: expected.length });
    const state = await query(file, `SELECT table_name, operation, mode, high_water::VARCHAR AS hw, position FROM _files_stream_sync`);
    expect(state).toEqual([{ table_name: 'action_logs', operation: 'actionLogs.list', mode: 'append', hw: new Date(end).toISOString().replace('T', ' ').replace('.000Z', '+00'), position: null }]);
  });

  it('logs that keep arriving: each run adds what arrived up to now - lag, and only that (nothing twice, nothing missed)', async () => {
    let clock = Date.parse('2025-06-15T12:00:00Z');
    const e = await site({ seed: 12, actionLogs: 1000, logsUntil: 'now', logRate: 20, now: () => clock });
    const t = e.emulator.timeline('actionLogs');
    const file = join(await tempDir(), 'growing.duckdb');
    const options = { now: () => clock, lagMs: 5_000, parallel: 4, batchRows: 300 };
    const first = await sync(e.client, 'actionLogs', duckdb(file), options);
    const until1 = clock - 5_000;
    expect(first.appended).toBe(t.countBetween(0, until1));
    expect(first.highWater).toBe(until1);
    let previous = first.highWater!;
    for (const step of [30_000, 1_000, 45_500]) {
      clock += step;
      e.emulator.resetLog();
      const next = await sync(e.client, 'actionLogs', duckdb(file), options);
      const until = Math.floor((clock - 5_000) / 1000) * 1000;
      // Each run starts where the last one ended.
      expect(next.ranges.map((r) => [r.since, r.until])).toEqual([[previous, until]]);
      expect(next.appended).toBe(t.countBetween(previous, until));
      previous = until;
      // Only the new part of the range was asked for.
      const asked = e.emulator.requests.filter((r) => r.operation === 'actionLogs.list').map((r) => Date.parse(r.query['filter_gteq[created_at]']!));
      expect(Math.min(...asked)).toBeGreaterThanOrEqual(next.ranges[0]!.since);
    }
    const until = Math.floor((clock - 5_000) / 1000) * 1000;
    const [counts] = await query(file, COUNT_AND_DISTINCT);
    expect(counts).toEqual({ n: t.countBetween(0, until), distinct_rows: t.countBetween(0, until) });
    expect(t.count).toBeGreaterThan(1000 + 1500); // records did arrive
  });

  it('a crash after any batch, then a rerun of the same command: every record exactly once', async () => {
    const e = await site({ seed: 5, actionLogs: 2500, actionLogTimes: { burst: { share: 0.8, width: 0.05 } } });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const expected = await logsBetween(e, t.first, end);
    for (const crashAt of [0, 1, 3, 7]) {
      const file = join((await tempDir()), `crash-${crashAt}.duckdb`);
      const options = { since: t.first, until: end, parallel: 3, batchRows: 200, perPage: 100 };
      const error = await sync(e.client, 'actionLogs', crashingAfter(duckdb(file), 'append', crashAt), options).catch((err: unknown) => err);
      expect(error, JSON.stringify(error)).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/crash/);
      const rerun = await sync(e.client, 'actionLogs', duckdb(file), options);
      expect(rerun.ranges[0]).toMatchObject({ resumed: crashAt > 0 });
      const [counts] = await query(file, COUNT_AND_DISTINCT);
      expect(counts, `crash after ${crashAt} commits`).toEqual({ n: expected.length, distinct_rows: expected.length });
    }
  });

  it('typed columns named as Files.com spells them; fields the model lacks kept in _extra', async () => {
    const e = await site({ seed: 2, actionLogs: 50 });
    const t = e.emulator.timeline('actionLogs');
    const file = join((await tempDir()), 'typed.duckdb');
    await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: t.first + t.span + 1000 });
    const types = await query(file, `SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'action_logs' ORDER BY ordinal_position`);
    const byName = Object.fromEntries(types.map((r) => [r.c, r.t]));
    expect(byName).toMatchObject({ created_at: 'TIMESTAMP WITH TIME ZONE', user_id: 'BIGINT', path: 'VARCHAR', _extra: 'JSON' });
    expect(types.map((r) => r.c)).toEqual(columnsOf('ActionLog').map((c) => c.name));
    // rowsOf: a field the model lacks, and a value its column cannot hold, both go to _extra.
    const [row] = rowsOf([{ user_id: 'not a number', path: '/a', surprise: { x: 1 } }], columnsOf('ActionLog'));
    const columns = columnsOf('ActionLog').map((c) => c.name);
    expect(row![columns.indexOf('user_id')]).toBeNull();
    expect(row![columns.indexOf('path')]).toBe('/a');
    expect(JSON.parse(row![columns.indexOf('_extra')] as string)).toEqual({ user_id: 'not a number', surprise: { x: 1 } });
    expect(columnsOf('File').some((c) => c.name === 'subfolders_locked?')).toBe(true);
  });
});

describe('sync into DuckDB: shards', () => {
  it('shards of one range, run one after another (the file is locked) and together, each with its own state: every record once', async () => {
    // One record every 5 s over 1.2 days: two UTC days.
    const e = await site({ seed: 22, actionLogs: 20_000 });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const file = join(await tempDir(), 'shards.duckdb');
    const options = (index: number) => ({ since: t.first, until: end, perPage: 1000, batchRows: 5000, shard: { index, count: 2 } });
    const results = await Promise.all([1, 2].map((k) => sync(e.client, 'actionLogs', duckdb(file), options(k))));
    expect(results.map((r) => r.appended).every((n) => n > 0)).toBe(true);
    expect(results[0]!.appended + results[1]!.appended).toBe(t.countBetween(t.first, end));
    const [counts] = await query(file, COUNT_AND_DISTINCT);
    expect(counts).toEqual({ n: t.countBetween(t.first, end), distinct_rows: t.countBetween(t.first, end) });
    expect(await query(file, `SELECT table_name FROM _files_stream_sync ORDER BY 1`)).toEqual([{ table_name: 'action_logs#1/2' }, { table_name: 'action_logs#2/2' }]);
    const other = await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: end }).catch((err: unknown) => err);
    expect(other).toMatchObject({ name: 'SyncError', reason: 'state-mismatch' });
    expect((other as Error).message).toMatch(/is synced in 2 shards: use shard K\/2/);
  });
});

describe('sync into DuckDB: batches', () => {
  it('a page DuckDB\'s JSON reader refuses (bytes that are not UTF-8) is written as rows instead: the batch and its state still land', async () => {
    const bytes = new Uint8Array([...Buffer.from('[{"path":"a'), 0xff, ...Buffer.from('","created_at":"2024-01-01T00:00:05Z","user_id":7},{"path":"b","created_at":"2024-01-01T00:00:06Z","user_id":8}]')]);
    const parsed = parseJsonBytes(bytes);
    const items = keepRawJson(parsed.value as unknown[], parsed.records);
    const columns = columnsOf('ActionLog');
    const batch = new RecordBatch(columns);
    batch.add(items);
    expect(batch.split().count).toBe(2); // both fit their columns: the JSON text is tried first
    const file = join(await tempDir(), 'refused.duckdb');
    const session = await duckdb(file).open();
    try {
      await session.ensureTable('logs', columns);
      const state = { table: 'logs', operation: 'actionLogs.list', pathArgs: [], params: {}, mode: 'append' as const, rows: 2, updatedAt: new Date().toISOString() };
      await session.append('logs', batch, state);
      expect(await session.readState('logs')).toEqual(state);
    } finally {
      await session.close();
    }
    expect(await query(file, `SELECT path, user_id::INTEGER AS user_id FROM logs ORDER BY user_id`)).toEqual([
      { path: 'a\ufffd', user_id: 7 },
      { path: 'b', user_id: 8 },
    ]);
  });
});

describe('sync into DuckDB: merge (users) and replace', () => {
  it('merge: renames, deletions and new users applied, with exact counts; keepDeleted marks instead', async () => {
    const e = await site({ seed: 4, users: 120 });
    const file = join((await tempDir()), 'users.duckdb');
    const first = await sync(e.client, 'users', duckdb(file));
    expect({ mode: first.mode, inserted: first.inserted, updated: first.updated, deleted: first.deleted }).toEqual({ mode: 'merge', inserted: 120, updated: 0, deleted: 0 });
    const users = await e.client.users.list().toArray();
    await e.client.users.update(users[3]!.id!, { name: 'Renamed Person' });
    await e.client.users.delete(users[7]!.id!);
    const created = await e.client.users.create({ username: 'newcomer-1' });
    const second = await sync(e.client, 'users', duckdb(file));
    expect({ inserted: second.inserted, updated: second.updated, deleted: second.deleted }).toEqual({ inserted: 1, updated: 1, deleted: 1 });
    const rows = await query(file, `SELECT id::INTEGER AS id, name, username FROM users ORDER BY id`);
    expect(rows).toHaveLength(120);
    expect(rows.find((r) => r.id === users[3]!.id)?.name).toBe('Renamed Person');
    expect(rows.some((r) => r.id === users[7]!.id)).toBe(false);
    expect(rows.find((r) => r.id === created.id)?.username).toBe('newcomer-1');
    // Nothing changed: nothing inserted, updated or deleted.
    expect(await sync(e.client, 'users', duckdb(file))).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });

    const kept = join((await tempDir()), 'kept.duckdb');
    await sync(e.client, 'users', duckdb(kept), { keepDeleted: true });
    await e.client.users.delete(users[9]!.id!);
    expect(await sync(e.client, 'users', duckdb(kept), { keepDeleted: true })).toMatchObject({ deleted: 1 });
    const marked = await query(kept, `SELECT count(*)::INTEGER AS n, count(_deleted_at)::INTEGER AS deleted FROM users`);
    expect(marked).toEqual([{ n: 120, deleted: 1 }]);
  });

  it('a listing of your own (a filtered Paginated): merged by id, run after run; append refused for it', async () => {
    const e = await site({ seed: 4, users: 60 });
    const file = join(await tempDir(), 'admins.duckdb');
    const admins = () => ({ listing: e.client.users.list({ filter: { site_admin: true } }), model: 'User', name: 'admins' });
    const expected = await admins().listing.toArray();
    expect(expected.length).toBeGreaterThan(0);
    const first = await sync(e.client, admins(), duckdb(file));
    expect({ table: first.table, mode: first.mode, inserted: first.inserted }).toEqual({ table: 'admins', mode: 'merge', inserted: expected.length });
    await e.client.users.update(expected[0]!.id!, { site_admin: false });
    expect(await sync(e.client, admins(), duckdb(file))).toMatchObject({ inserted: 0, updated: 0, deleted: 1 });
    expect(await query(file, `SELECT count(*)::INTEGER AS n FROM admins`)).toEqual([{ n: expected.length - 1 }]);
    await expect(sync(e.client, admins(), duckdb(file), { mode: 'append' })).rejects.toThrow(/append needs an operation name/);
    await expect(sync(e.client, { ...admins(), model: 'Nope' }, duckdb(file))).rejects.toThrow(/no model "Nope"/);
  });

  it('replace: a list whose model has no id is swapped in whole, run after run', async () => {
    const e = await site({ seed: 6 });
    const file = join((await tempDir()), 'apps.duckdb');
    const expected = await e.client.apps.list().toArray();
    expect(expected.length).toBeGreaterThan(0);
    for (let run = 0; run < 2; run++) {
      const result = await sync(e.client, 'apps', duckdb(file));
      expect({ mode: result.mode, inserted: result.inserted }).toEqual({ mode: 'replace', inserted: expected.length });
    }
    expect(await query(file, `SELECT count(*)::INTEGER AS n FROM apps`)).toEqual([{ n: expected.length }]);
  });
});

describe('sync into DuckDB: refusals, before anything is written', () => {
  it('a table of another sync, a column of another type: SyncError, no request sent, nothing written', async () => {
    const e = await site({ seed: 8, users: 20, groups: 5 });
    const file = join((await tempDir()), 'mixed.duckdb');
    await sync(e.client, 'users', duckdb(file), { table: 'people' });
    e.emulator.resetLog();
    const mismatch = await sync(e.client, 'groups', duckdb(file), { table: 'people' }).catch((err: unknown) => err);
    expect(mismatch).toBeInstanceOf(SyncError);
    expect(mismatch).toMatchObject({ reason: 'state-mismatch' });
    expect((mismatch as Error).message).toMatch(/table people of duckdb:.* holds another sync \(operation users\.list, not groups\.list; mode merge, not merge\)|operation users\.list, not groups\.list/);
    expect(e.emulator.stats.total).toBe(0);

    const conflict = join((await tempDir()), 'conflict.duckdb');
    {
      const instance = await DuckDBInstance.create(conflict);
      const connection = await instance.connect();
      await connection.run(`CREATE TABLE users (id VARCHAR, username VARCHAR)`);
      connection.closeSync();
      instance.closeSync();
    }
    const error = await sync(e.client, 'users', duckdb(conflict)).catch((err: unknown) => err);
    expect(error).toMatchObject({ name: 'SyncError', reason: 'schema-conflict' });
    expect((error as Error).message).toMatch(/column "id" of type VARCHAR, not BIGINT/);
    expect(e.emulator.stats.total).toBe(0);
    expect(await query(conflict, `SELECT count(*)::INTEGER AS n FROM users`)).toEqual([{ n: 0 }]);
  });

  it('a table that lacks a column the spec has gains it', async () => {
    const e = await site({ seed: 8, users: 20 });
    const file = join((await tempDir()), 'gain.duckdb');
    await sync(e.client, 'users', duckdb(file));
    {
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await connection.run(`ALTER TABLE users DROP COLUMN email`);
      connection.closeSync();
      instance.closeSync();
    }
    const result = await sync(e.client, 'users', duckdb(file));
    expect(result.updated).toBe(20); // every row gets its email back
    expect(await query(file, `SELECT count(email)::INTEGER AS n FROM users`)).toEqual([{ n: 20 }]);
  });

  it('a destination in use, or that cannot be opened: SyncError before any request', async () => {
    const e = await site({ seed: 8, users: 20 });
    const file = join((await tempDir()), 'busy.duckdb');
    const held = await duckdb(file).open();
    let waiting: Promise<unknown> | undefined;
    try {
      e.emulator.resetLog();
      const busy = await sync(e.client, 'users', duckdb(file), { wait: false }).catch((err: unknown) => err);
      expect(busy).toMatchObject({ name: 'SyncError', reason: 'in-use' });
      // With wait, the second sync waits (sending nothing) and runs once the first lets go.
      waiting = sync(e.client, 'users', duckdb(file), { wait: true });
      await new Promise((r) => setTimeout(r, 150));
      expect(e.emulator.stats.total).toBe(0);
    } finally {
      await held.close();
    }
    expect(await waiting).toMatchObject({ inserted: 20 });
    const missing = await sync(e.client, 'users', duckdb(join((await tempDir()), 'no', 'such', 'folder', 'x.duckdb'))).catch((err: unknown) => err);
    expect(missing).toMatchObject({ name: 'SyncError', reason: 'destination' });
  });

  it('the API key is written nowhere in the database', async () => {
    const e = await site({ seed: 9, users: 10, actionLogs: 100 });
    const t = e.emulator.timeline('actionLogs');
    const file = join((await tempDir()), 'secret.duckdb');
    await sync(e.client, 'users', duckdb(file));
    await sync(e.client, 'actionLogs', duckdb(file), { since: t.first, until: t.first + t.span + 1000 });
    const bytes = await readFile(file);
    expect(bytes.includes(Buffer.from(e.apiKey))).toBe(false);
  });
});
