// Reliability of `files-stream sync` into PostgreSQL as a process (a real, throwaway server):
// SIGKILLed at seeded random points (by the requests the emulator has served), with latency
// and faults, then rerun: every record exactly once (append), the table exactly the list
// (merge, with users changed between the kills), the last snapshot or nothing (replace). The
// server crashing mid-run, the sync's connection terminated, two runs of one table at once
// (the second waits, or with --no-wait is refused naming the first), shards side by side (one
// of them killed), and SIGINT. The cluster's password never shows in any output.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBin, type ChildResult, type RunningChild } from '../helpers/child-process.js';
import { describePostgres, usePostgres } from '../helpers/postgres.js';
import { collect, killAndFinish as runKillAndFinish, waitFor } from './support/children.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';

const DAY = 86_400_000;
/** Days the action logs span (one every 5 s on average): the shards case needs at least 6 UTC days. */
const LOG_DAYS = scaled(6, 30);
const LOGS = (LOG_DAYS * DAY) / 5_000;
/** Records of one append case: a slice of the logs' range, across the burst's edge. */
const APPEND = scaled(6_000, 100_000);
const USERS = scaled(1_500, 20_000);
const KILLS = scaled(3, 10);
/** Records of the other lists (apps: replaced, its model has no id). */
const APPS = scaled(1_500, 10_000);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** The emulator's faults while the syncs run. */
const FAULTS = { latencyMs: [3, 15], unavailable: 0.01, connectionReset: 0.01, retryAfter: 0 } as const;

describePostgres(`sync into PostgreSQL, SIGKILL, crashes and rerun (${FORM} form)`, () => {
  const cluster = usePostgres();
  let site: Site;
  beforeAll(async () => {
    site = await startSite({
      seed: 43,
      users: USERS,
      actionLogs: LOGS,
      listSize: APPS,
      actionLogTimes: { burst: { share: 0.5, width: 0.1 } },
      faults: FAULTS,
    });
  });
  afterAll(async () => {
    await site?.close();
    expect(scan.size, 'outputs scanned').toBeGreaterThan(0);
    expect(scan.leaks()).toEqual([]);
  });

  /** A fresh database of the cluster: its URL (`--to`) and a query function on it. */
  async function database(): Promise<{ name: string; to: string; query: (sql: string, params?: unknown[]) => Promise<any[]> }> {
    const c = cluster();
    const name = await c.createDatabase();
    return { name, to: c.url(name), query: (sql, params) => c.query(sql, params, name) };
  }

  /** What the destination is called in messages: the URL without the password. */
  const described = (db: string) => `postgres://postgres@127.0.0.1:${cluster().port}/${db}`;

  /** Adds a child's output to the secret scan, and checks it holds no part of the cluster's password. */
  function collectPg(label: string, result: ChildResult): void {
    collect(label, result);
    const { password } = cluster();
    const output = result.stdout + result.stderr;
    expect(output, `${label}: the cluster's password`).not.toContain(password);
    expect(output, `${label}: half of the cluster's password`).not.toContain(password.slice(0, password.length / 2));
    expect(output, `${label}: half of the cluster's password`).not.toContain(password.slice(password.length / 2));
  }

  const start = (args: string[]): RunningChild => startBin(args, { env: site.env });

  /** Runs `body` with the emulator's faults replaced by `faults` (the test's own changes to users are not retried: a PATCH that may have been applied). */
  async function withFaults<T>(faults: Parameters<Site['emulator']['setFaults']>[0], body: () => Promise<T>): Promise<T> {
    site.emulator.setFaults(faults);
    try {
      return await body();
    } finally {
      site.emulator.setFaults(FAULTS);
    }
  }

  async function run(label: string, args: string[]): Promise<ChildResult> {
    const result = await start(args).done;
    collectPg(label, result);
    return result;
  }

  /** Runs `args` KILLS times, each SIGKILLed after 3 to `maxRequests` more requests; then once to the end (see {@link runKillAndFinish}). */
  const killAndFinish = (args: string[], seed: number, maxRequests: number, between?: (k: number) => Promise<void>) =>
    runKillAndFinish(args, { emulator: site.emulator, kills: KILLS, seed, maxRequests, start, collect: collectPg, ...(between ? { between } : {}) });

  /** `APPEND` records of the logs from `at` (a share of the ids where they can start): their range, and how many records it holds. */
  function slice(at: number): { since: number; until: number; expected: number } {
    const t = site.emulator.timeline('actionLogs');
    const firstId = 1 + Math.floor((LOGS - APPEND - 1) * at);
    const since = t.timeOf(firstId);
    const until = t.timeOf(firstId + APPEND);
    return { since, until, expected: t.countBetween(since, until) };
  }

  const appendArgs = (to: string, since: number, until: number, ...more: string[]) => [
    'sync',
    'actionLogs',
    '--to',
    to,
    '--since',
    iso(since),
    '--until',
    iso(until),
    '--parallel',
    '4',
    '--per-page',
    '100',
    '--batch-rows',
    '500',
    ...more,
  ];

  const COUNTS = `SELECT count(*)::int AS n, count(DISTINCT (created_at, path, username, action, ip))::int AS d FROM action_logs`;

  /** Whether a run of `key` (`action_logs`, `action_logs#2/3`) has committed rows with its position: it is under way, and its rerun resumes. */
  const committedMidRun = (query: (sql: string, params?: unknown[]) => Promise<any[]>, key = 'action_logs') => async () =>
    (await query(`SELECT 1 FROM _files_stream_sync WHERE table_name = $1 AND position IS NOT NULL`, [key]).catch(() => [])).length > 0;

  /** After a failed run: the rows committed are those the state says, with a position to resume from. */
  async function expectCommittedWithPosition(query: (sql: string) => Promise<any[]>): Promise<void> {
    const [{ n }] = await query(`SELECT count(*)::int AS n FROM action_logs`);
    const [state] = await query(`SELECT rows::int AS rows, position IS NOT NULL AS resumable FROM _files_stream_sync`);
    expect(n).toBeGreaterThan(0);
    expect(state).toEqual({ rows: n, resumable: true });
  }

  /** The users of the emulator now, as [id, name] by id. */
  async function usersNow(): Promise<[unknown, unknown][]> {
    const { client } = site.client();
    return (await client.users.list({ per_page: 1000 }).toArray()).map((u) => [u.id, u.name ?? null]);
  }

  async function usersIn(query: (sql: string) => Promise<any[]>): Promise<[unknown, unknown][]> {
    return (await query(`SELECT id::int AS id, name FROM users ORDER BY id`)).map((r) => [r.id, r.name]);
  }

  it(
    `append: SIGKILLed ${KILLS} times at seeded random points, rerun: every record exactly once`,
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.4);
      const { kills } = await killAndFinish(appendArgs(db.to, since, until), 4242, 40);
      expect(kills, 'kills that landed before the end').toBeGreaterThanOrEqual(2);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
      const state = await db.query(`SELECT table_name, high_water = $1::timestamptz AS done, position FROM _files_stream_sync`, [new Date(until).toISOString()]);
      expect(state).toEqual([{ table_name: 'action_logs', done: true, position: null }]);
    },
    timeoutMs(60_000, 900_000),
  );

  it(
    'merge: SIGKILLed while staging, users changed between the kills: the table is exactly the list after the final run',
    async () => {
      const db = await database();
      const args = ['sync', 'users', '--to', db.to, '--per-page', '100', '--batch-rows', '300'];
      const first = await run('sync users first run', args);
      expect(first.code, first.stderr).toBe(0);
      const { client } = site.client();
      // Killed before the listing's last page (USERS / 100 requests): no killed run gets to apply its merge.
      const { finalStderr } = await killAndFinish(args, 777, Math.floor(USERS / 100) - 5, (k) =>
        withFaults({}, async () => {
          const users = await client.users.list({ per_page: 5 }).take(5).toArray();
          await client.users.update(users[k % 5]!.id!, { name: `renamed ${k}` });
          if (k === 0) await client.users.delete(users[4]!.id!);
        }),
      );
      expect(finalStderr).toMatch(/merge into postgres:.* table users: 0 inserted, [1-9]\d* updated, 1 deleted/);
      expect(await usersIn(db.query)).toEqual(await usersNow());
    },
    timeoutMs(60_000, 900_000),
  );

  it(
    'replace: SIGKILLed while staging: the table is the last complete snapshot or nothing, never a part; in the end the whole list',
    async () => {
      const db = await database();
      const args = ['sync', 'apps', '--to', db.to, '--per-page', '100', '--batch-rows', '300'];
      const counts: number[] = [];
      await killAndFinish(args, 99, Math.floor(APPS / 100) - 5, async () => {
        const [row] = await db.query(`SELECT count(*)::int AS n FROM apps`).catch(() => [{ n: 0 }]);
        counts.push(Number(row!.n));
      });
      expect(counts.every((n) => n === 0 || n === APPS), JSON.stringify(counts)).toBe(true);
      expect(await db.query(`SELECT count(*)::int AS n FROM apps`)).toEqual([{ n: APPS }]);
    },
    timeoutMs(60_000, 900_000),
  );

  /**
   * Starts `args`, runs `fault` once the emulator has served `requests` more requests (and
   * `ready()`, when given), and waits for the child: it must exit 1 with an error naming the
   * destination `db`.
   */
  async function failMidRun(label: string, args: string[], db: string, requests: number, fault: () => Promise<void>, ready?: () => Promise<boolean>): Promise<ChildResult> {
    const child = start(args);
    const first = site.emulator.stats.total;
    expect(await waitFor(child, async () => site.emulator.stats.total >= first + requests && (await (ready?.() ?? true))), 'the child got that far').toBe(true);
    await fault();
    const result = await child.done;
    collectPg(label, result);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/^error: /m);
    expect(result.stderr).toContain(described(db));
    return result;
  }

  it(
    'the server crashes mid-run (append): exit 1 naming the destination, no password; restarted, the rerun finishes: every record once',
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.2);
      const args = appendArgs(db.to, since, until);
      try {
        await failMidRun('sync server stopped', args, db.name, 10, () => cluster().stop('immediate'), committedMidRun(db.query));
      } finally {
        await cluster().start(); // the next tests need it, whatever happened
      }
      await expectCommittedWithPosition(db.query);
      const rerun = await run('sync after restart', args);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\(resumed\)/);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
    },
    timeoutMs(60_000, 300_000),
  );

  it(
    'the server crashes mid-run (merge, while staging): exit 1, nothing applied; restarted, the rerun makes the table exactly the list',
    async () => {
      const db = await database();
      const args = ['sync', 'users', '--to', db.to, '--per-page', '100', '--batch-rows', '300'];
      // Stopped before the listing's last page: batches staged, the merge not applied.
      try {
        await failMidRun('sync users server stopped', args, db.name, Math.floor(USERS / 200), () => cluster().stop('immediate'));
      } finally {
        await cluster().start();
      }
      const [after] = await db.query(`SELECT count(*)::int AS n FROM users`).catch(() => [{ n: 0 }]);
      expect(after, 'the table after the crash: no part of the run').toEqual({ n: 0 });
      const rerun = await run('sync users after restart', args);
      expect(rerun.code, rerun.stderr).toBe(0);
      const expected = await usersNow();
      expect(rerun.stderr).toMatch(new RegExp(`merge into postgres:.* table users: ${expected.length} inserted, 0 updated, 0 deleted`));
      expect(await usersIn(db.query)).toEqual(expected);
    },
    timeoutMs(60_000, 300_000),
  );

  it(
    "the sync's connection terminated mid-run (pg_terminate_backend): exit 1, the rerun finishes: every record once",
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.6);
      const args = appendArgs(db.to, since, until);
      await failMidRun(
        'sync backend terminated',
        args,
        db.name,
        10,
        async () => {
          const killed = await cluster().query(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name LIKE 'files-stream sync%' AND datname = $1`, [db.name]);
          expect(killed).toEqual([{ ok: true }]);
        },
        committedMidRun(db.query),
      );
      await expectCommittedWithPosition(db.query);
      const rerun = await run('sync after terminate', args);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\(resumed\)/);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
    },
    timeoutMs(60_000, 300_000),
  );

  it(
    'two runs of one table at once: the second waits for the first, both exit 0, every record once',
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.1);
      const args = appendArgs(db.to, since, until);
      const results = await Promise.all([start(args).done, start(args).done]);
      results.forEach((r, i) => collectPg(`sync concurrent ${i + 1}`, r));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      const appended = results.map((r) => Number(/: (\d+) rows appended to /.exec(r.stderr)?.[1]));
      expect(appended.sort((a, b) => a - b)).toEqual([0, expected]);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
    },
    timeoutMs(60_000, 300_000),
  );

  it(
    'two runs of one table at once with --no-wait: the second exits 1 naming the first (its pid); the first finishes',
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.7);
      const args = appendArgs(db.to, since, until);
      const first = start(args);
      const served = site.emulator.stats.total;
      expect(await waitFor(first, () => site.emulator.stats.total >= served + 10), 'the first run is under way').toBe(true);
      // The first one's pages slowed down meanwhile: it holds the table while the second starts.
      const second = await withFaults({ latencyMs: 1_000 }, () => run('sync --no-wait', [...args, '--no-wait']));
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toMatch(/being synced by another run/);
      expect(second.stderr).toContain(`files-stream sync action_logs (pid ${first.process.pid} `);
      expect(second.stderr).toContain(described(db.name));
      const result = await first.done;
      collectPg('sync holding the lock', result);
      expect(result.code, result.stderr).toBe(0);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
    },
    timeoutMs(60_000, 300_000),
  );

  it(
    'shards side by side (--shard K/3), one SIGKILLed mid-run and rerun: every record once, three states; --shard 1/2 then refused',
    async () => {
      const db = await database();
      const t = site.emulator.timeline('actionLogs');
      const since = Math.floor(t.first / DAY) * DAY;
      const until = t.first + t.span;
      expect(until - since, 'the range spans at least 6 UTC days').toBeGreaterThanOrEqual(6 * DAY);
      const expected = t.countBetween(since, until);
      expect(expected).toBe(LOGS);
      const args = (shard: string) => ['sync', 'actionLogs', '--to', db.to, '--since', iso(since), '--until', iso(until), '--shard', shard, '--parallel', '2', '--per-page', '1000', '--batch-rows', '3000'];
      const served = site.emulator.stats.total;
      const children = ['1/3', '2/3', '3/3'].map((shard) => start(args(shard)));
      const victim = children[1]!;
      const victimCommitted = committedMidRun(db.query, 'action_logs#2/3');
      const reached = await waitFor(victim, async () => site.emulator.stats.total >= served + 30 && (await victimCommitted()));
      expect(reached, 'shard 2/3 still running when killed').toBe(true);
      victim.process.kill('SIGKILL');
      const results = await Promise.all(children.map((c) => c.done));
      results.forEach((r, i) => collectPg(`sync shard ${i + 1}/3`, r));
      expect(results[1]!.signal).toBe('SIGKILL');
      for (const i of [0, 2]) expect(results[i]!.code, results[i]!.stderr).toBe(0);
      // Killed within a day's range (almost always: it had committed a batch of it just before), the rerun finishes that range first.
      const interrupted = await committedMidRun(db.query, 'action_logs#2/3')();
      const rerun = await run('sync shard 2/3 rerun', args('2/3'));
      expect(rerun.code, rerun.stderr).toBe(0);
      if (interrupted) expect(rerun.stderr).toMatch(/\(resumed\)/);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
      const [{ days }] = await db.query(`SELECT count(DISTINCT (created_at AT TIME ZONE 'UTC')::date)::int AS days FROM action_logs`);
      expect(days, 'UTC days of the records').toBeGreaterThanOrEqual(6);
      // A shard's high-water mark: the end of its last day in the range (`until`, for the shard of the last day).
      const highWaterOf = (index: number) => {
        let day = Math.floor((until - 1) / DAY);
        while (day % 3 !== index - 1) day--;
        return Math.min(until, (day + 1) * DAY);
      };
      const states = await db.query(`SELECT table_name, high_water, position FROM _files_stream_sync ORDER BY table_name`);
      expect(states.map((s) => ({ ...s, high_water: iso(s.high_water.getTime()) }))).toEqual(
        [1, 2, 3].map((k) => ({ table_name: `action_logs#${k}/3`, high_water: iso(highWaterOf(k)), position: null })),
      );
      const other = await run('sync --shard 1/2', args('1/2'));
      expect(other.code, other.stderr).toBe(2);
      expect(other.stderr).toMatch(/synced in 3 shards/);
    },
    timeoutMs(60_000, 600_000),
  );

  it(
    'SIGINT mid-run: exit 130, the rows in hand committed with their position; the rerun finishes, every record once',
    async () => {
      const db = await database();
      const { since, until, expected } = slice(0.3);
      const args = ['sync', 'actionLogs', '--to', db.to, '--since', iso(since), '--until', iso(until), '--parallel', '2', '--per-page', '100', '--batch-rows', '100000'];
      const child = start(args);
      const first = site.emulator.stats.total;
      expect(await waitFor(child, () => site.emulator.stats.total >= first + 30)).toBe(true);
      child.process.kill('SIGINT');
      const result = await child.done;
      collectPg('sync SIGINT', result);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/^error: sync interrupted by SIGINT: \d+ rows committed with their position, no request sent after it$/m);
      const committed = Number(/SIGINT: (\d+) rows committed/.exec(result.stderr)![1]);
      expect(committed).toBeGreaterThan(0);
      expect(await db.query(`SELECT count(*)::int AS n FROM action_logs`)).toEqual([{ n: committed }]);
      const rerun = await run('sync SIGINT rerun', args);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\(resumed\)/);
      expect(await db.query(COUNTS)).toEqual([{ n: expected, d: expected }]);
    },
    timeoutMs(60_000, 300_000),
  );
});
