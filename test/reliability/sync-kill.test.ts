// Reliability of `files-stream sync` into DuckDB as a process: SIGKILLed at seeded random
// points (by the requests the emulator has served), with latency and faults, then rerun:
// every record exactly once (append), the table exactly the list (merge, with users changed
// between the kills); SIGINT commits the rows in hand and exits 130, and the rerun finishes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBin } from '../helpers/child-process.js';
import { queryDuckDB } from '../helpers/duckdb.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { collect, killAndFinish as runKillAndFinish, waitFor } from './support/children.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';

const LOGS = scaled(12_000, 100_000);
const USERS = scaled(3_000, 20_000);
const KILLS = scaled(4, 10);
/** Records of the other lists (apps: replaced, its model has no id). */
const APPS = scaled(3_000, 10_000);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** The emulator's faults while the syncs run. */
const FAULTS = { latencyMs: [3, 15], unavailable: 0.01, connectionReset: 0.01, retryAfter: 0 } as const;

let temp: TempDir;
let site: Site;
beforeAll(async () => {
  temp = await tempDir('reliability-sync-');
  site = await startSite({
    seed: 41,
    users: USERS,
    actionLogs: LOGS,
    listSize: APPS,
    actionLogTimes: { burst: { share: 0.5, width: 0.1 } },
    faults: FAULTS,
  });
});
afterAll(async () => {
  await site?.close();
  await temp?.remove();
  expect(scan.leaks()).toEqual([]);
});

const query = (path: string, sql: string) => queryDuckDB(sql, path);

/** Runs `args` KILLS times, each SIGKILLed after 3 to `maxRequests` more requests; then once to the end (see {@link runKillAndFinish}). */
const killAndFinish = (args: string[], seed: number, maxRequests: number, between?: (k: number) => Promise<void>) =>
  runKillAndFinish(args, { emulator: site.emulator, kills: KILLS, seed, maxRequests, start: (a) => startBin(a, { env: site.env }), collect, ...(between ? { between } : {}) });

describe(`sync into DuckDB, SIGKILL and rerun (${FORM} form)`, () => {
  it(
    `append: SIGKILLed ${KILLS} times at seeded random points, rerun: every record exactly once`,
    async () => {
      const file = join(temp.path, 'logs.duckdb');
      const t = site.emulator.timeline('actionLogs');
      const since = t.timeOf(Math.floor(LOGS / 50));
      const until = t.first + t.span;
      const args = ['sync', 'actionLogs', '--to', file, '--since', iso(since), '--until', iso(until), '--parallel', '4', '--per-page', '100', '--batch-rows', '500'];
      const { kills } = await killAndFinish(args, 4242, 40);
      expect(kills, 'kills that landed before the end').toBeGreaterThanOrEqual(2);
      const expected = t.countBetween(since, until);
      const [counts] = await query(file, `SELECT count(*)::INTEGER AS n, count(DISTINCT (created_at, path, username, action, ip))::INTEGER AS d FROM action_logs`);
      expect(counts).toEqual({ n: expected, d: expected });
      const [state] = await query(file, `SELECT high_water = '${new Date(until).toISOString()}'::TIMESTAMPTZ AS done, position FROM _files_stream_sync`);
      expect(state).toEqual({ done: true, position: null });
    },
    timeoutMs(120_000, 900_000),
  );

  it(
    'merge: SIGKILLed while staging, users changed between the kills: the table is exactly the list after the final run',
    async () => {
      const file = join(temp.path, 'users.duckdb');
      const args = ['sync', 'users', '--to', file, '--per-page', '100', '--batch-rows', '300'];
      const first = await startBin(args, { env: site.env }).done;
      expect(first.code, first.stderr).toBe(0);
      const { client } = site.client();
      // Killed before the listing's last page (USERS / 100 requests): no killed run gets to apply its merge.
      // The test's own changes run without faults: a reset connection under a PATCH is rightly not retried.
      const { finalStderr } = await killAndFinish(args, 777, Math.floor(USERS / 100) - 5, async (k) => {
        site.emulator.setFaults({});
        try {
          const users = await client.users.list({ per_page: 5 }).take(5).toArray();
          await client.users.update(users[k % 5]!.id!, { name: `renamed ${k}` });
          if (k === 0) await client.users.delete(users[4]!.id!);
        } finally {
          site.emulator.setFaults(FAULTS);
        }
      });
      expect(finalStderr).toMatch(/merge into duckdb:.* table users: 0 inserted, [1-9]\d* updated, 1 deleted/);
      const expected = (await client.users.list({ per_page: 1000 }).toArray()).map((u) => [u.id, u.name ?? null]);
      const rows = await query(file, `SELECT id::INTEGER AS id, name FROM users ORDER BY id`);
      expect(rows.map((r) => [r.id, r.name])).toEqual(expected);
    },
    timeoutMs(120_000, 900_000),
  );

  it(
    'replace: SIGKILLed while staging: the table is the last complete snapshot or nothing, never a part; in the end the whole list',
    async () => {
      const file = join(temp.path, 'apps.duckdb');
      const args = ['sync', 'apps', '--to', file, '--per-page', '100', '--batch-rows', '300'];
      const counts: number[] = [];
      await killAndFinish(args, 99, Math.floor(APPS / 100) - 5, async () => {
        const [row] = await query(file, `SELECT count(*)::INTEGER AS n FROM apps`).catch(() => [{ n: 0 }]);
        counts.push(Number(row!.n));
      });
      expect(counts.every((n) => n === 0 || n === APPS), JSON.stringify(counts)).toBe(true);
      expect(await query(file, `SELECT count(*)::INTEGER AS n FROM apps`)).toEqual([{ n: APPS }]);
    },
    timeoutMs(120_000, 900_000),
  );

  it(
    'SIGINT mid-run: exit 130, the rows in hand committed with their position; the rerun finishes, every record once',
    async () => {
      const file = join(temp.path, 'sigint.duckdb');
      const t = site.emulator.timeline('actionLogs');
      const until = t.first + t.span;
      const args = ['sync', 'actionLogs', '--to', file, '--since', iso(t.first), '--until', iso(until), '--parallel', '2', '--per-page', '100', '--batch-rows', '100000'];
      const child = startBin(args, { env: site.env });
      const start = site.emulator.stats.total;
      expect(await waitFor(child, () => site.emulator.stats.total >= start + 30)).toBe(true);
      child.process.kill('SIGINT');
      const result = await child.done;
      collect('sync SIGINT', result);
      expect(result.code, result.stderr).toBe(130);
      expect(result.stderr).toMatch(/^error: sync interrupted by SIGINT: \d+ rows committed with their position, no request sent after it$/m);
      const committed = Number(/SIGINT: (\d+) rows committed/.exec(result.stderr)![1]);
      expect(committed).toBeGreaterThan(0);
      const [partial] = await query(file, `SELECT count(*)::INTEGER AS n FROM action_logs`);
      expect(partial).toEqual({ n: committed });
      const rerun = await startBin(args, { env: site.env }).done;
      collect('sync SIGINT rerun', rerun);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stderr).toMatch(/\(resumed\)/);
      const expected = t.countBetween(t.first, until);
      const [counts] = await query(file, `SELECT count(*)::INTEGER AS n, count(DISTINCT (created_at, path, username, action, ip))::INTEGER AS d FROM action_logs`);
      expect(counts).toEqual({ n: expected, d: expected });
    },
    timeoutMs(60_000, 300_000),
  );
});
