// `files-stream/sync` into a real PostgreSQL server (a throwaway cluster, no mocks): append
// (incremental, exactly once across crashes between batches), merge by id, replace, types in
// PostgreSQL's names, a schema of one's own, runs of one table one at a time (the second waits,
// or is refused naming the holder), shards of one table side by side, the connection forms
// (URL, libpq variables, sslmode), and the refusals and failures before any API request, with
// the password in no message and no row.
import { expect, it } from 'vitest';
import { SyncError } from '../../src/index.js';
import { parseJsonBytes } from '../../src/core/json-body.js';
import { keepRawJson } from '../../src/pagination/raw-json.js';
import { columnsOf, postgres, RecordBatch, sync, type DestinationSession } from '../../src/sync/index.js';
import { resolvePostgresTarget } from '../../src/sync/postgres/node/connection.js';
import { crashingAfter } from '../helpers/sync.js';
import { useEmulators } from '../helpers/duckdb.js';
import { operationCount, type TestEmulator } from '../helpers/emulator.js';
import { describePostgres, usePostgres } from '../helpers/postgres.js';

const site = useEmulators();

/** The emulator's action logs of `[since, until)`, as a plain listing returns them. */
async function logsBetween(e: TestEmulator, since: number, until: number): Promise<unknown[]> {
  const iso = (ms: number) => new Date(ms).toISOString();
  return e.client.actionLogs.list({ per_page: 1000, filter_gteq: { created_at: iso(since) }, filter_lt: { created_at: iso(until) } }).toArray();
}

const COUNT_AND_DISTINCT = `SELECT count(*)::int AS n, count(DISTINCT (created_at, path, username, action, ip))::int AS d FROM action_logs`;

describePostgres('sync into PostgreSQL', () => {
  const cluster = usePostgres();
  /** A fresh database: its URL. */
  const database = async () => {
    const name = await cluster().createDatabase();
    return { name, url: cluster().url(name), query: (sql: string, params?: unknown[]) => cluster().query(sql, params, name) };
  };

  it('append: two runs, each record of each range once, the second asking only for the new range; a third sends nothing; the state row beside', async () => {
    const e = await site({ seed: 3, actionLogs: 3000 });
    const t = e.emulator.timeline('actionLogs');
    const db = await database();
    const mid = t.first + Math.floor(t.span / 2000) * 1000;
    const end = t.first + t.span + 1000;
    const first = await sync(e.client, 'actionLogs', postgres(db.url), { since: t.first, until: mid, parallel: 4, batchRows: 500 });
    expect(first.appended).toBe(t.countBetween(t.first, mid));
    e.emulator.resetLog();
    const second = await sync(e.client, 'actionLogs', postgres(db.url), { since: t.first, until: end, parallel: 4, batchRows: 500 });
    expect(second.ranges).toEqual([{ since: mid, until: end, resumed: false }]);
    expect(second.appended).toBe(t.countBetween(mid, end));
    const asked = e.emulator.requests.filter((r) => r.operation === 'actionLogs.list').map((r) => Date.parse(r.query['filter_gteq[created_at]']!));
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(mid);
    e.emulator.resetLog();
    const third = await sync(e.client, 'actionLogs', postgres(db.url), { since: t.first, until: end });
    expect({ appended: third.appended, requests: operationCount(e.emulator, 'actionLogs.list') }).toEqual({ appended: 0, requests: 0 });

    const expected = await logsBetween(e, t.first, end);
    expect(await db.query(COUNT_AND_DISTINCT)).toEqual([{ n: expected.length, d: expected.length }]);
    const state = await db.query(`SELECT table_name, operation, mode, high_water, position, rows::int AS rows FROM _files_stream_sync`);
    expect(state).toEqual([{ table_name: 'action_logs', operation: 'actionLogs.list', mode: 'append', high_water: new Date(end), position: null, rows: expected.length }]);
    // The rows are the records as listed: times to the microsecond as sent, JSON as JSON.
    const sample = expected[17] as Record<string, unknown>;
    const [row] = await db.query(`SELECT path, username, created_at FROM action_logs WHERE created_at = $1 AND path = $2 AND username = $3 LIMIT 1`, [sample.created_at, sample.path, sample.username]);
    expect(row).toMatchObject({ path: sample.path, username: sample.username, created_at: new Date(sample.created_at as string) });
  });

  it('a crash after any batch, then a rerun of the same command: every record exactly once', async () => {
    const e = await site({ seed: 5, actionLogs: 2500, actionLogTimes: { burst: { share: 0.8, width: 0.05 } } });
    const t = e.emulator.timeline('actionLogs');
    const end = t.first + t.span + 1000;
    const expected = (await logsBetween(e, t.first, end)).length;
    for (const crashAt of [0, 1, 4]) {
      const db = await database();
      const options = { since: t.first, until: end, parallel: 3, batchRows: 200, perPage: 100 };
      const error = await sync(e.client, 'actionLogs', crashingAfter(postgres(db.url), 'append', crashAt), options).catch((err: unknown) => err);
      expect((error as Error).message).toMatch(/crash/);
      const [partial] = await db.query(`SELECT count(*)::int AS n FROM action_logs`);
      expect(partial!.n).toBeGreaterThanOrEqual(crashAt * 200);
      const rerun = await sync(e.client, 'actionLogs', postgres(db.url), options);
      expect(rerun.ranges[0]).toMatchObject({ resumed: crashAt > 0 });
      expect(await db.query(COUNT_AND_DISTINCT), `crash after ${crashAt} commits`).toEqual([{ n: expected, d: expected }]);
    }
  });

  it("types in PostgreSQL's names, columns named as Files.com spells them (quoted), in a schema of one's own", async () => {
    const e = await site({ seed: 2, actionLogs: 50, users: 5 });
    const t = e.emulator.timeline('actionLogs');
    const db = await database();
    await sync(e.client, 'actionLogs', postgres(db.url, { schema: 'files_com' }), { since: t.first, until: t.first + t.span + 1000 });
    await sync(e.client, 'users', postgres(db.url, { schema: 'files_com' }));
    const types = await db.query(`SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema = 'files_com' ORDER BY ordinal_position`);
    const of = (table: string) => Object.fromEntries(types.filter((r) => r.t === table).map((r) => [r.c, r.type]));
    expect(of('action_logs')).toMatchObject({ created_at: 'timestamp with time zone', user_id: 'bigint', path: 'text', _extra: 'jsonb' });
    expect(of('users')).toMatchObject({ id: 'bigint', site_admin: 'boolean', created_at: 'timestamp with time zone', _extra: 'jsonb' });
    expect(of('_files_stream_sync')).toMatchObject({ table_name: 'text', state: 'jsonb' });
    // Nothing in public.
    expect(await db.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).toEqual([{ n: 0 }]);
    const [row] = await db.query(`SELECT count(*)::int AS n FROM files_com.users`);
    expect(row).toEqual({ n: 5 });
  });

  it('merge: renames, deletions and new users applied with exact counts; keepDeleted marks instead; replace swaps a snapshot in', async () => {
    const e = await site({ seed: 4, users: 120 });
    const db = await database();
    const first = await sync(e.client, 'users', postgres(db.url));
    expect({ mode: first.mode, inserted: first.inserted, updated: first.updated, deleted: first.deleted }).toEqual({ mode: 'merge', inserted: 120, updated: 0, deleted: 0 });
    const users = await e.client.users.list().toArray();
    await e.client.users.update(users[3]!.id!, { name: 'Renamed Person' });
    await e.client.users.delete(users[7]!.id!);
    const created = await e.client.users.create({ username: 'newcomer-1' });
    const second = await sync(e.client, 'users', postgres(db.url));
    expect({ inserted: second.inserted, updated: second.updated, deleted: second.deleted }).toEqual({ inserted: 1, updated: 1, deleted: 1 });
    const rows = await db.query(`SELECT id::int AS id, name, username FROM users ORDER BY id`);
    expect(rows).toHaveLength(120);
    expect(rows.find((r) => r.id === users[3]!.id)?.name).toBe('Renamed Person');
    expect(rows.some((r) => r.id === users[7]!.id)).toBe(false);
    expect(rows.find((r) => r.id === created.id)?.username).toBe('newcomer-1');
    expect(await sync(e.client, 'users', postgres(db.url))).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
    // No staging left behind; the state holds the table's rows.
    expect(await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).toEqual([{ table_name: '_files_stream_sync' }, { table_name: 'users' }]);
    expect(await db.query(`SELECT rows::int AS rows FROM _files_stream_sync WHERE table_name = 'users'`)).toEqual([{ rows: 120 }]);

    await sync(e.client, 'users', postgres(db.url), { keepDeleted: true, table: 'kept' });
    await e.client.users.delete(users[9]!.id!);
    expect(await sync(e.client, 'users', postgres(db.url), { keepDeleted: true, table: 'kept' })).toMatchObject({ deleted: 1 });
    expect(await db.query(`SELECT count(*)::int AS n, count(_deleted_at)::int AS deleted FROM kept`)).toEqual([{ n: 120, deleted: 1 }]);

    const apps = await e.client.apps.list().toArray();
    for (let run = 0; run < 2; run++) {
      expect(await sync(e.client, 'apps', postgres(db.url))).toMatchObject({ mode: 'replace', inserted: apps.length });
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM apps`)).toEqual([{ n: apps.length }]);
  });

  it('records go in as the server sent them (escapes, line breaks, microseconds, JSON); a page PostgreSQL refuses so is written as rows, in the same transaction as its state', async () => {
    const db = await database();
    const page = (text: string) => {
      const parsed = parseJsonBytes(new TextEncoder().encode(text));
      return keepRawJson(parsed.value as unknown[], parsed.records);
    };
    const columns = columnsOf('ActionLog');
    const session = await postgres(db.url).open();
    const state = (rows: number) => ({ table: 'logs', operation: 'actionLogs.list', pathArgs: [], params: {}, mode: 'append' as const, rows, updatedAt: new Date().toISOString() });
    try {
      await session.ensureTable('logs', columns);
      const sent = new RecordBatch(columns);
      // Pretty-printed, with escapes a COPY line would break on, a zoneless time (UTC), microseconds.
      sent.add(page('[\n  {"path": "a\\"b\\\\c\\nd\\te", "created_at": "2024-01-01T00:00:05.123456Z", "user_id": 7, "username": "\\u00e9\\u2603"},\n  {"path": "x,y;z", "created_at": "2024-01-01 00:00:06", "user_id": 8}\n]'));
      expect(sent.runs().count).toBe(2);
      await session.append('logs', sent, state(2));
      // 1.0 fits a bigint column for JS, but PostgreSQL reads "1.0" as no bigint: the batch goes as rows.
      const refused = new RecordBatch(columns);
      refused.add(page('[{"path":"p","created_at":"2024-01-01T00:00:07Z","user_id":9.0}]'));
      expect(refused.runs().count).toBe(1);
      await session.append('logs', refused, state(3));
      expect(await session.readState('logs')).toMatchObject({ rows: 3 });
    } finally {
      await session.close();
    }
    const rows = await db.query(`SELECT path, user_id::int AS user_id, username, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS t, _extra FROM logs ORDER BY user_id`);
    expect(rows).toEqual([
      { path: 'a"b\\c\nd\te', user_id: 7, username: 'é☃', t: '2024-01-01 00:00:05.123456', _extra: null },
      { path: 'x,y;z', user_id: 8, username: null, t: '2024-01-01 00:00:06.000000', _extra: null },
      { path: 'p', user_id: 9, username: null, t: '2024-01-01 00:00:07.000000', _extra: null },
    ]);
  });

  it('a table of another sync, a column of another type: SyncError before any request, nothing written; a missing column is added', async () => {
    const e = await site({ seed: 8, users: 20, groups: 5 });
    const db = await database();
    await sync(e.client, 'users', postgres(db.url), { table: 'people' });
    e.emulator.resetLog();
    const mismatch = await sync(e.client, 'groups', postgres(db.url), { table: 'people' }).catch((err: unknown) => err);
    expect(mismatch).toMatchObject({ name: 'SyncError', reason: 'state-mismatch' });
    expect((mismatch as Error).message).toMatch(/operation users\.list, not groups\.list/);
    await db.query(`CREATE TABLE users (id text, username text)`);
    const conflict = await sync(e.client, 'users', postgres(db.url)).catch((err: unknown) => err);
    expect(conflict).toMatchObject({ name: 'SyncError', reason: 'schema-conflict' });
    expect((conflict as Error).message).toMatch(/column "id" of type text, not bigint/);
    expect(e.emulator.stats.total).toBe(0);
    expect(await db.query(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 0 }]);

    await db.query(`ALTER TABLE people DROP COLUMN email`);
    const result = await sync(e.client, 'users', postgres(db.url), { table: 'people' });
    expect(result.updated).toBe(20);
    expect(await db.query(`SELECT count(email)::int AS n FROM people`)).toEqual([{ n: 20 }]);
  });

  it('two runs of one table: the second waits for the first (sending nothing meanwhile), or is refused naming the holder; other tables run beside', async () => {
    const e = await site({ seed: 8, users: 30, groups: 4 });
    const db = await database();
    const held = await postgres(db.url).open();
    let waiting: Promise<unknown> | undefined;
    try {
      await held.lockTable!('users');
      const busy = await sync(e.client, 'users', postgres(db.url), { wait: false }).catch((err: unknown) => err);
      expect(busy).toMatchObject({ name: 'SyncError', reason: 'in-use' });
      expect((busy as Error).message).toMatch(new RegExp(`table users of postgres://postgres@127\\.0\\.0\\.1:\\d+/${db.name} is being synced by another run \\("files-stream sync users \\(pid ${process.pid} on [^)]+\\)", server pid \\d+ from 127\\.0\\.0\\.1, connected since 20`));
      // Another table is free.
      expect(await sync(e.client, 'groups', postgres(db.url), { wait: false })).toMatchObject({ inserted: 4 });
      e.emulator.resetLog();
      waiting = sync(e.client, 'users', postgres(db.url));
      await new Promise((r) => setTimeout(r, 600));
      expect(e.emulator.stats.total).toBe(0);
    } finally {
      await held.close();
    }
    expect(await waiting).toMatchObject({ inserted: 30 });
  });

  it('shards of one range side by side, each with its own state: every record once; another shard count, or a whole-table run, refused', async () => {
    // One record every 5 s over 2.3 days: three UTC days, one a shard.
    const e = await site({ seed: 21, actionLogs: 40_000 });
    const t = e.emulator.timeline('actionLogs');
    expect(t.span).toBeGreaterThan(2 * 86_400_000);
    const db = await database();
    const end = t.first + t.span + 1000;
    const options = (index: number) => ({ since: t.first, until: end, parallel: 2, batchRows: 5000, perPage: 1000, shard: { index, count: 3 } });
    const results = await Promise.all([1, 2, 3].map((k) => sync(e.client, 'actionLogs', postgres(db.url), options(k))));
    const expected = (await logsBetween(e, t.first, end)).length;
    expect(results.reduce((n, r) => n + r.appended, 0)).toBe(expected);
    expect(results.every((r) => r.appended > 0)).toBe(true);
    expect(await db.query(COUNT_AND_DISTINCT)).toEqual([{ n: expected, d: expected }]);
    // Shard 2 holds the days whose number modulo 3 is 1.
    const [days] = await db.query(`SELECT count(*)::int AS n FROM action_logs WHERE (floor(extract(epoch FROM created_at) / 86400)::bigint % 3) = 1`);
    expect(days!.n).toBe(results[1]!.appended);
    expect((await db.query(`SELECT table_name FROM _files_stream_sync ORDER BY 1`)).map((r) => r.table_name)).toEqual(['action_logs#1/3', 'action_logs#2/3', 'action_logs#3/3']);
    e.emulator.resetLog();
    expect((await sync(e.client, 'actionLogs', postgres(db.url), options(2))).appended).toBe(0);
    expect(e.emulator.stats.total).toBe(0);
    const other = await sync(e.client, 'actionLogs', postgres(db.url), { ...options(1), shard: { index: 1, count: 2 } }).catch((err: unknown) => err);
    expect(other).toMatchObject({ name: 'SyncError', reason: 'state-mismatch' });
    expect((other as Error).message).toMatch(/synced in 3 shards/);
    const whole = await sync(e.client, 'actionLogs', postgres(db.url), { since: t.first, until: end }).catch((err: unknown) => err);
    expect(whole).toMatchObject({ name: 'SyncError', reason: 'state-mismatch' });
    expect(e.emulator.stats.total).toBe(0);
    await expect(sync(e.client, 'actionLogs', postgres(db.url), { until: end, shard: { index: 1, count: 3 } })).rejects.toThrow(/needs since/);
    await expect(sync(e.client, 'users', postgres(db.url), { shard: { index: 1, count: 3 } })).rejects.toThrow(/applies to append/);
  });

  it('the server unreachable, a wrong password, a missing database: SyncError destination before any request, the password in no message', async () => {
    const e = await site({ seed: 9, users: 5 });
    const c = cluster();
    const failures = [
      { to: `postgres://postgres:${c.password}@127.0.0.1:1/postgres`, message: /cannot connect to postgres:\/\/postgres@127\.0\.0\.1:1\/postgres: .*ECONNREFUSED/ },
      { to: `postgres://postgres:wrong-${c.password}@127.0.0.1:${c.port}/postgres`, message: /password authentication failed for user "postgres"/ },
      { to: `postgresql://postgres:${c.password}@127.0.0.1:${c.port}/no_such_db`, message: /database "no_such_db" does not exist/ },
    ];
    for (const { to, message } of failures) {
      const error = await sync(e.client, 'users', postgres(to)).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(SyncError);
      expect(error).toMatchObject({ reason: 'destination' });
      expect((error as Error).message).toMatch(message);
      expect(JSON.stringify(error) + String((error as Error).message) + String((error as Error).stack)).not.toContain(c.password);
    }
    expect(e.emulator.stats.total).toBe(0);
    // The password is in no row either.
    const db = await database();
    await sync(e.client, 'users', postgres(db.url));
    const [dump] = await db.query(`SELECT string_agg(s::text, '') AS text FROM _files_stream_sync s`);
    expect(String(dump!.text)).not.toContain(c.password);
    expect(postgres(db.url).description).toBe(`postgres://postgres@127.0.0.1:${c.port}/${db.name}`);
  });

  it('postgres: alone reads the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as psql does', async () => {
    const e = await site({ seed: 9, users: 7 });
    const db = await database();
    const result = await sync(e.client, 'users', postgres('postgres:', { env: cluster().env(db.name) }));
    expect(result.inserted).toBe(7);
    expect(await db.query(`SELECT count(*)::int AS n FROM users`)).toEqual([{ n: 7 }]);
    // The URL's parts win; the variables fill what it leaves out.
    const target = resolvePostgresTarget('postgres://alice@db.example:6543', { PGDATABASE: 'files', PGPASSWORD: 'pw', PGSSLMODE: 'verify-full' });
    expect(target).toMatchObject({ host: 'db.example', port: 6543, user: 'alice', database: 'files', password: 'pw', sslmode: 'verify-full', description: 'postgres://alice@db.example:6543/files' });
    expect(resolvePostgresTarget('postgres://h/db?application_name=nightly&connect_timeout=5', {})).toMatchObject({ applicationName: 'nightly', connectTimeoutMs: 5000 });
    expect(resolvePostgresTarget('postgres:', { PGAPPNAME: 'etl', PGCONNECT_TIMEOUT: '1' })).toMatchObject({ applicationName: 'etl', connectTimeoutMs: 2000 });
    expect(resolvePostgresTarget('postgres://h/db', {})).toMatchObject({ applicationName: 'files-stream sync', connectTimeoutMs: undefined });
    for (const bad of ['postgres://u:p@h/db?sslmode=sometimes', 'postgres://u:p@h:99999/db', 'postgres://u:p@h/db?nonsense=1', 'postgres:/nohost', 'postgres://u:p@h/db?connect_timeout=soon']) {
      const error = (() => {
        try {
          resolvePostgresTarget(bad, {});
        } catch (err) {
          return err;
        }
      })();
      expect(error, bad).toMatchObject({ name: 'SyncError', reason: 'destination' });
      expect((error as Error).message).not.toMatch(/:p@/);
    }
  });
});

describePostgres('sync into PostgreSQL over TLS (sslmode)', () => {
  const cluster = usePostgres({ ssl: true });

  /** Whether the connection a destination opens is encrypted (as the server sees it), or the error of opening it. */
  async function encrypted(to: string): Promise<boolean | unknown> {
    let session: DestinationSession;
    try {
      session = await postgres(to).open();
    } catch (error) {
      return error;
    }
    try {
      const rows = await cluster().query(`SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'files-stream sync'`);
      expect(rows).toHaveLength(1);
      return rows[0]!.ssl as boolean;
    } finally {
      await session.close();
    }
  }

  it('require and prefer encrypt; verify-full and verify-ca check the certificate against sslrootcert; disable does not encrypt', async () => {
    const c = cluster();
    const url = (host: string, query: string) => `postgres://postgres:${encodeURIComponent(c.password)}@${host}:${c.port}/postgres?${query}`;
    const ca = `sslrootcert=${encodeURIComponent(c.caFile!)}`;
    expect(await encrypted(url('localhost', 'sslmode=require'))).toBe(true);
    expect(await encrypted(url('localhost', 'sslmode=prefer'))).toBe(true);
    expect(await encrypted(url('localhost', 'sslmode=disable'))).toBe(false);
    expect(await encrypted(url('localhost', `sslmode=verify-full&${ca}`))).toBe(true);
    expect(await encrypted(url('localhost', `sslmode=verify-ca&${ca}`))).toBe(true);
    // A certificate no root given vouches for.
    const unverified = await encrypted(url('localhost', 'sslmode=verify-full'));
    expect(unverified).toMatchObject({ name: 'SyncError', reason: 'destination' });
    expect((unverified as Error).message).toMatch(/self[- ]signed certificate/);
    expect(String((unverified as Error).message)).not.toContain(c.password);
  });
});

describePostgres('sync into PostgreSQL, a server without TLS', () => {
  const cluster = usePostgres();

  it('sslmode=require fails clearly; prefer (libpq\'s default) falls back to a plain connection', async () => {
    const e = await site({ seed: 9, users: 3 });
    const c = cluster();
    const url = (query: string) => `postgres://postgres:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/postgres?${query}`;
    const refused = await sync(e.client, 'users', postgres(url('sslmode=require'))).catch((err: unknown) => err);
    expect(refused).toMatchObject({ name: 'SyncError', reason: 'destination' });
    expect((refused as Error).message).toMatch(/does not support SSL/);
    expect(await sync(e.client, 'users', postgres(url('sslmode=prefer')))).toMatchObject({ inserted: 3 });
    expect(e.emulator.stats.total).toBe(1);
  });
});
