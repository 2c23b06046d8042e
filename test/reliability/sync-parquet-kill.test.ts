// Reliability: `sync` into Parquet files, SIGKILLed at seeded random points and rerun. After
// every kill, a reader of `<dir>/**/*.parquet` sees each record at most once and exactly as
// many rows as the state in the files says are committed (rows and position appear
// together); after the last, complete run, every record exactly once and nothing left
// behind (no temporary file, no lock). Appends (logs, each batch rewriting a tail file of up
// to 1,500 rows, so that kills land in every step: writing, renaming, sealing) and merges
// (users changed between runs).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateOf } from '../helpers/sync.js';
import { parquet } from '../../src/sync/index.js';
import { queryDuckDB } from '../helpers/duckdb.js';
import { libraryBuild, libraryUrl, startScript, type ChildResult } from '../helpers/child-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { listTree, tempDir, type TempDir } from '../helpers/temp-dir.js';
import { randomInt, seededRandom } from './support/random.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';

const LOGS = scaled(4_000, 20_000);
const USERS = scaled(1_500, 6_000);
const KILLS = scaled(6, 40);
/** Records of the other lists (apps: replaced, its model has no id). */
const APPS = scaled(2_000, 6_000);

/** The child: one sync, as the CLI would run it; `START` once it is under way, `COMMIT <rows>` after each commit, `DONE <result>` at the end. */
const CHILD = `
import { createClient } from ${JSON.stringify(libraryUrl('index'))};
import { parquet, sync } from ${JSON.stringify(libraryUrl('sync/index'))};
const [operation, dir, optionsJson] = process.argv.slice(2);
const client = createClient({ apiKey: process.env.FILESCOM_API_KEY, baseUrl: process.env.FILESCOM_BASE_URL, retry: { limit: 2, backoffMs: 1 } });
process.stdout.write('START\\n');
const onProgress = (p) => process.stdout.write('COMMIT ' + p.rows + '\\n');
const result = await sync(client, operation, parquet(dir, { rowsPerFile: 1500 }), { ...JSON.parse(optionsJson), onProgress });
process.stdout.write('DONE ' + JSON.stringify(result) + '\\n');
`;

let temp: TempDir;
let script: string;
let e: TestEmulator;

beforeAll(async () => {
  temp = await tempDir('reliability-sync-parquet-');
  // Plain JavaScript over the test run's build (node alone), or over the sources (tsx).
  script = join(temp.path, libraryBuild ? 'sync-child.mjs' : 'sync-child.mts');
  await writeFile(script, CHILD);
  // Latency: a run takes long enough to be killed at many points.
  e = await startEmulator({ seed: 31, actionLogs: LOGS, users: USERS, listSize: APPS, actionLogTimes: { burst: { share: 0.5, width: 0.1 } }, faults: { latencyMs: [2, 12] } });
});

afterAll(async () => {
  await e?.close();
  await temp?.remove();
});

const query = (sql: string) => queryDuckDB(sql);

/** The keys of the rows a reader of `<dir>/**\/*.parquet` sees (duplicates kept), by `keySql`. */
async function keysIn(dir: string, keySql: string): Promise<string[]> {
  if (!(await listTree(dir)).some((p) => p.endsWith('.parquet'))) return [];
  const rows = await query(`SELECT ${keySql} AS k FROM read_parquet('${dir}/**/*.parquet', union_by_name = true)`);
  return rows.map((r) => String(r.k)).sort();
}


/** Where to kill a child: after `commits` commits (or at its start), then `delayMs` more. */
interface KillPoint {
  readonly commits: number;
  readonly delayMs: number;
}

/** How a child ran: its result, its commits, how long it synced and how long after its last commit it ended. */
interface ChildRun extends ChildResult {
  readonly commits: number;
  readonly syncMs: number;
  readonly afterLastCommitMs: number;
}

/** Runs the child; with `kill`, SIGKILLs it at that point (unless it ended first). */
async function runChild(operation: string, dir: string, options: Record<string, unknown>, kill?: KillPoint): Promise<ChildRun> {
  const child = startScript(script, [operation, dir, JSON.stringify(options)], { env: e.env });
  let ended = false;
  void child.done.then(() => (ended = true));
  const commits = () => child.stdout().match(/^COMMIT /gm)?.length ?? 0;
  let lastCommitAt = 0;
  let seen = 0;
  const reached = async (ready: () => boolean) => {
    for (;;) {
      if (commits() > seen) {
        seen = commits();
        lastCommitAt = performance.now();
      }
      if (ended || ready()) return !ended;
      await sleep(1);
    }
  };
  await reached(() => child.stdout().includes('START'));
  const started = performance.now();
  if (kill && (await reached(() => commits() >= kill.commits))) {
    await sleep(kill.delayMs);
    child.process.kill('SIGKILL');
  }
  await reached(() => false);
  const result = await child.done;
  const now = performance.now();
  return { ...result, commits: commits(), syncMs: now - started, afterLastCommitMs: now - (lastCommitAt || started) };
}

const LOG_KEY = `epoch_ms(created_at)::VARCHAR || '|' || coalesce(path, '') || '|' || coalesce(username, '') || '|' || coalesce(action, '') || '|' || coalesce(ip, '')`;

describe(`sync into Parquet files, killed and rerun (${FORM} form)`, () => {
  it(
    'append: after every SIGKILL each record at most once and as many as the state says; in the end every record once',
    async () => {
      const t = e.emulator.timeline('actionLogs');
      const end = t.first + t.span + 1000;
      const all = (await e.client.actionLogs.list({ per_page: 1000 }).toArray()) as Record<string, unknown>[];
      const expected = all.map((r) => [Date.parse(String(r.created_at)), r.path ?? '', r.username ?? '', r.action ?? '', r.ip ?? ''].join('|')).sort();
      expect(expected).toHaveLength(LOGS);
      const dir = join(temp.path, 'logs');
      const options = { since: t.first, until: end, parallel: 3, perPage: 50, batchRows: 100 };
      const random = seededRandom(1919);
      let killed = 0;
      for (let round = 0; round < KILLS; round++) {
        // After a few commits, at a random point of the next (writing, renaming, sealing).
        const result = await runChild('actionLogs', dir, options, { commits: randomInt(random, 0, 4), delayMs: randomInt(random, 0, 40) });
        if (result.signal === 'SIGKILL') killed++;
        else expect(result.code, result.stderr).toBe(0);
        const seen = await keysIn(dir, LOG_KEY);
        expect(new Set(seen).size, `round ${round}: a record seen twice`).toBe(seen.length);
        expect(seen.length, `round ${round}: rows visible vs the state's`).toBe((await stateOf(dir, 'action_logs'))?.rows ?? 0);
      }
      expect(killed).toBeGreaterThan(KILLS / 2);
      const last = await runChild('actionLogs', dir, options);
      expect(last.code, last.stderr).toBe(0);
      expect(await keysIn(dir, LOG_KEY)).toEqual(expected);
      expect((await listTree(dir)).filter((p) => !/^action_logs\/(part-\d{6}(-[0-9TZ.]+-[0-9TZ.]+)?\.parquet)?$/.test(p))).toEqual([]);
    },
    timeoutMs(180_000),
  );

  it(
    'replace: after every SIGKILL the table is the last snapshot or nothing, never a part or two; in the end the whole list',
    async () => {
      const dir = join(temp.path, 'apps');
      const options = { perPage: 100, batchRows: 300 };
      const random = seededRandom(3030);
      const first = await runChild('apps', dir, options);
      expect(first.code, first.stderr).toBe(0);
      const counts: number[] = [];
      for (let round = 0; round < KILLS; round++) {
        await runChild('apps', dir, options, { commits: 0, delayMs: randomInt(random, 0, Math.ceil(first.syncMs)) });
        counts.push(Number((await query(`SELECT count(*) AS n FROM read_parquet('${dir}/**/*.parquet', union_by_name = true)`))[0]!.n));
      }
      expect(counts.every((n) => n === APPS), JSON.stringify(counts)).toBe(true);
      const last = await runChild('apps', dir, options);
      expect(last.code, last.stderr).toBe(0);
      expect(await listTree(dir)).toEqual(['apps/', 'apps/apps.parquet']);
    },
    timeoutMs(180_000),
  );

  it(
    'merge: a killed merge leaves the table as it was or as the run made it, never both; in the end the users as listed',
    async () => {
      const dir = join(temp.path, 'users');
      const options = { perPage: 100, batchRows: 200 };
      const random = seededRandom(2020);
      const first = await runChild('users', dir, options);
      expect(first.code, first.stderr).toBe(0);
      let merged = 0;
      const users = await e.client.users.list({ per_page: 1000 }).toArray();
      for (let round = 0; round < KILLS; round++) {
        // The site changes between runs: a rename, a deletion, a new user.
        await e.client.users.update(users[round * 3]!.id!, { name: `Renamed ${round}` });
        await e.client.users.delete(users[round * 3 + 1]!.id!);
        await e.client.users.create({ username: `new-user-${round}` });
        // Half the kills anywhere in the run (listing, staging), half after the last batch is
        // staged: in the merge, writing its file, renaming it, or just after.
        const kill =
          round % 2 === 0
            ? { commits: 0, delayMs: randomInt(random, 0, Math.ceil(first.syncMs)) }
            : { commits: first.commits, delayMs: randomInt(random, 0, Math.ceil(first.afterLastCommitMs)) };
        const result = await runChild('users', dir, options, kill);
        if (result.signal !== 'SIGKILL') merged++;
        const ids = await keysIn(dir, 'id');
        expect(new Set(ids).size, `round ${round}: a user seen twice`).toBe(ids.length);
        expect(ids.length).toBe((await stateOf(dir, 'users'))?.rows);
      }
      // Some runs were killed before their merge was written, some ended (the shape of the test).
      expect(merged).toBeLessThan(KILLS);
      const last = await runChild('users', dir, options);
      expect(last.code, last.stderr).toBe(0);
      const now = await e.client.users.list({ per_page: 1000 }).toArray();
      const rows = await query(`SELECT id::BIGINT::VARCHAR AS id, name FROM read_parquet('${dir}/**/*.parquet') ORDER BY id`);
      expect(rows.map((r) => `${r.id} ${r.name}`).sort()).toEqual(now.map((u) => `${u.id} ${u.name}`).sort());
      expect(await listTree(dir)).toEqual(['users/', 'users/users.parquet']);
      expect((await readFile(join(dir, 'users', 'users.parquet'))).length).toBeGreaterThan(0);
    },
    timeoutMs(180_000),
  );
});
