// Issue #21, item 10: history and action logs follow writes. Uploads, downloads, moves, copies,
// deletions and folder creations made through the API add records (the acting user, path,
// destination, action, interface, the emulator's clock) after the derived ones: an ETL test
// that writes and then syncs sees what it wrote.
//
// What the docs say the records are (node_modules/files.com/docs/models/History.md, Action.md):
// "`when` (date-time): Action occurrence date/time", "`destination` (string): The destination
// path for this action, if applicable", "`source` (string): The source path for this action,
// if applicable", "`user_id` (int64): User ID", "`action` (string): Type of action",
// "`interface` (string): Interface on which this action occurred." The action and interface
// values are HistoryExport.md's lists: "`query_action` ... Valid values: `create`, `read`,
// `update`, `destroy`, `move`, `login`, `failedlogin`, `copy`, ..." and "`query_interface` ...
// Valid values: `web`, `ftp`, ..., `restapi`, ...". Files.com's History page
// (https://www.files.com/docs/logging/history): "History Logs record key events related to
// files, including creation, reading, updating, deletion, movement, and copying."
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type FilesClient } from 'files-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdb, sync } from '../../src/sync/index.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { useTempDirs } from '../helpers/temp-dir.js';

type Rec = Record<string, unknown>;

const tempDir = useTempDirs();
const SECOND = 1000;
const enc = encodeURIComponent;
/** An instant as Files.com writes it: whole seconds, rounded down. */
const iso = (ms: number) => new Date(Math.floor(ms / SECOND) * SECOND).toISOString().replace('.000Z', 'Z');
const json = async <T = Rec[]>(res: Response | Promise<Response>): Promise<T> => {
  const r = await res;
  if (r.status !== 200) throw new Error(`${r.status} ${await r.text()}`);
  return (await r.json()) as T;
};
const bytes = (text: string) => new TextEncoder().encode(text);
/** The fields of an action log a written record sets (the others are the spec example's). */
const logShape = (r: Rec) => ({ action: r['action'], path: r['path'], src: r['src'], destination: r['destination'], folder: r['folder'], user_id: r['user_id'], username: r['username'], interface: r['interface'], created_at: r['created_at'] });
const historyShape = (r: Rec) => ({ action: r['action'], path: r['path'], source: r['source'], destination: r['destination'], user_id: r['user_id'], username: r['username'], interface: r['interface'], when: r['when'] });

describe('the docs name the action and interface values used', () => {
  it('HistoryExport.md lists create, read, update, destroy, move, copy and restapi', () => {
    const docs = readFileSync(join(process.cwd(), 'node_modules', 'files.com', 'docs', 'models', 'HistoryExport.md'), 'utf8');
    expect(docs).toContain('Valid values: `create`, `read`, `update`, `destroy`, `move`, `login`, `failedlogin`, `copy`');
    expect(docs).toMatch(/query_interface` \(string\): Filter results by this this interface type\. Valid values: [^\n]*`restapi`/);
  });
});

describe('"History Logs record key events related to files, including creation, reading, updating, deletion, movement, and copying" (files.com/docs/logging/history)', () => {
  let h: TestEmulator;
  let clock = Date.UTC(2025, 6, 1, 12, 0, 0, 250);
  const start = clock;
  let admin: { id: number; username: string };
  beforeAll(async () => {
    h = await startEmulator({ seed: 21, users: 20, files: 40, folderFanout: 2, filesPerFolder: 5, actionLogs: 300, history: 120, now: () => clock });
    const user = await json<Rec>(h.api('/users/1'));
    admin = { id: 1, username: String(user['username']) };
  });
  afterAll(() => h.close());

  it('uploads, a folder, a download, copies, a move and a deletion appear in /action_logs and /history, after the derived records', async () => {
    const { client, emulator } = h;
    expect(emulator.timeline('actionLogs').count).toBe(300);
    expect(emulator.timeline('history').count).toBe(120);
    const at: number[] = [];
    const step = async (what: () => Promise<unknown>) => {
      clock += 1_700; // a clock off the whole second: created_at rounds it down
      at.push(clock);
      await what();
    };
    await step(() => client.folders.create('etl/in', { mkdir_parents: true }));
    await step(() => client.files.upload('etl/in/a.csv', bytes('id,n\n1,2\n')));
    await step(() => client.files.upload('etl/in/a.csv', bytes('id,n\n1,3\n')));
    await step(() => client.files.download('etl/in/a.csv'));
    await step(async () => client.fileMigrations.wait(await client.files.copy('etl/in/a.csv', { destination: 'etl/out/a.csv' })));
    // A folder's copy completes migrationMs (1 s) later: the record is dated then.
    let copyDone = 0;
    await step(async () => {
      const action = await client.files.copy('etl/in', { destination: 'etl/backup' });
      await client.fileMigrations.wait(action, {
        intervalMs: 1,
        // The clock of the poll that found it complete: the emulator completed it then.
        onProgress: (m) => void (m.status === 'complete' ? (copyDone = clock) : (clock += 400)),
      });
    });
    await step(async () => client.fileMigrations.wait(await client.files.move('etl/out/a.csv', { destination: 'etl/out/b.csv' })));
    await step(() => client.files.delete('etl/out/b.csv'));
    const end = clock;

    const who = { user_id: admin.id, username: admin.username, interface: 'restapi' };
    const expected = [
      { action: 'create', path: 'etl/in', src: null, destination: null, folder: 'etl', ...who, created_at: iso(at[0]!) },
      { action: 'create', path: 'etl/in/a.csv', src: null, destination: null, folder: 'etl/in', ...who, created_at: iso(at[1]!) },
      { action: 'update', path: 'etl/in/a.csv', src: null, destination: null, folder: 'etl/in', ...who, created_at: iso(at[2]!) },
      { action: 'read', path: 'etl/in/a.csv', src: null, destination: null, folder: 'etl/in', ...who, created_at: iso(at[3]!) },
      { action: 'copy', path: 'etl/in/a.csv', src: 'etl/in/a.csv', destination: 'etl/out/a.csv', folder: 'etl/in', ...who, created_at: iso(at[4]!) },
      { action: 'copy', path: 'etl/in', src: 'etl/in', destination: 'etl/backup', folder: 'etl', ...who, created_at: iso(copyDone) },
      { action: 'move', path: 'etl/out/a.csv', src: 'etl/out/a.csv', destination: 'etl/out/b.csv', folder: 'etl/out', ...who, created_at: iso(at[6]!) },
      { action: 'destroy', path: 'etl/out/b.csv', src: null, destination: null, folder: 'etl/out', ...who, created_at: iso(at[7]!) },
    ];
    const range = `filter_gteq[created_at]=${enc(iso(start))}&filter_lteq[created_at]=${enc(iso(end))}`;
    const logs = (await h.walk(`/action_logs?${range}`, 3)).records;
    expect(logs.map(logShape)).toEqual(expected);

    // After every derived record: the listing's last records, and counted by the timeline.
    const all = (await h.walk('/action_logs', 1000)).records;
    expect(all).toHaveLength(300 + expected.length);
    expect(all.slice(300).map(logShape)).toEqual(expected);
    const t = emulator.timeline('actionLogs');
    expect(t.count).toBe(308);
    expect(t.initialCount).toBe(300);
    expect(t.countBetween(start, end + SECOND)).toBe(8);
    expect(iso(t.timeOf(308))).toBe(iso(at[7]!));
    const times = all.map((r) => Date.parse(String(r['created_at'])));
    expect(times.every((ms, i) => i === 0 || ms >= times[i - 1]!)).toBe(true);

    // History: the same events as Action records, ids after the derived 120.
    const toHistory = (e: (typeof expected)[number]) => ({ action: e.action, path: e.path, source: e.src, destination: e.destination, user_id: e.user_id, username: e.username, interface: e.interface, when: e.created_at });
    const history = (await h.walk(`/history?start_at=${enc(iso(start))}&end_at=${enc(iso(end))}`, 2)).records;
    expect(history.map(historyShape)).toEqual(expected.map(toHistory));
    expect(history.map((r) => r['id'])).toEqual([121, 122, 123, 124, 125, 126, 127, 128]);
    expect(history.every((r) => r['created_at'] === undefined && r['failure_type'] === 'none' && typeof r['display'] === 'string')).toBe(true);
    expect(emulator.timeline('history').count).toBe(128);

    // A file's history: the records whose path is that file.
    const file = (await h.walk(`/history/files/${enc('etl/in/a.csv')}`, 1000)).records;
    expect(file.map((r) => r['action'])).toEqual(['create', 'update', 'read', 'copy']);
    expect(file.map(historyShape)).toEqual(expected.filter((e) => e.path === 'etl/in/a.csv').map(toHistory));
    // A folder's history: everything below it; a user's: what that user did, last.
    const folder = (await h.walk(`/history/folders/${enc('etl/out')}`, 1000)).records;
    expect(folder.map((r) => r['action'])).toEqual(['move', 'destroy']);
    const etl = (await h.walk('/history/folders/etl', 1000)).records;
    expect(etl.map((r) => r['id'])).toEqual([121, 122, 123, 124, 125, 126, 127, 128]);
    const mine = (await h.walk(`/history/users/${admin.id}`, 1000)).records;
    expect(mine.slice(-8).map((r) => r['id'])).toEqual([121, 122, 123, 124, 125, 126, 127, 128]);
    // Sorted descending by created_at, newest first.
    const newest = await json(h.api(`/history/files/${enc('etl/in/a.csv')}?sort_by[created_at]=desc&per_page=1`));
    expect(newest.map((r) => r['action'])).toEqual(['copy']);
  });

  it('reads that are not downloads add nothing; a failed write adds nothing', async () => {
    const { client, emulator } = h;
    const before = [emulator.timeline('actionLogs').count, emulator.timeline('history').count];
    clock += SECOND;
    await client.files.find('etl/in/a.csv');
    await client.folders.listFor('etl/in').toArray();
    expect((await h.api(`/files/${enc('etl/in/a.csv')}?action=stat`)).status).toBe(200);
    expect((await h.api('/folders/etl%2Fin', { method: 'POST' })).status).toBe(422);
    expect((await h.api('/files/nope.txt', { method: 'DELETE' })).status).toBe(404);
    expect([emulator.timeline('actionLogs').count, emulator.timeline('history').count]).toEqual(before);
    await client.files.download('etl/in/a.csv');
    expect([emulator.timeline('actionLogs').count, emulator.timeline('history').count]).toEqual([before[0]! + 1, before[1]! + 1]);
  });
});

describe('the acting user: the API key\'s user, or the session\'s', () => {
  let h: TestEmulator;
  let clock = Date.UTC(2025, 7, 1);
  beforeAll(async () => {
    h = await startEmulator({ seed: 5, users: 30, files: 20, actionLogs: 50, history: 50, now: () => clock });
  });
  afterAll(() => h.close());

  async function clientAs(headers: Record<string, string>): Promise<FilesClient> {
    return createClient({ ...headers, baseUrl: h.baseUrl, retry: { limit: 2, backoffMs: 1 } });
  }

  it('a session\'s writes carry its user; a key made with POST /api_keys carries its owner', async () => {
    const users = (await h.walk('/users', 1000)).records;
    const regular = users.find((u) => u['site_admin'] !== true && u['disabled'] !== true)!;
    const login = await h.api('/sessions', { method: 'POST', headers: { 'x-no-auth': '1' }, json: { username: regular['username'], password: 'pw' } });
    const session = await clientAs({ sessionId: ((await login.json()) as { id: string }).id });
    clock += 5 * SECOND;
    await session.folders.create('mine');
    await session.files.upload('mine/x.txt', bytes('x'));

    const owner = users.find((u) => u['id'] !== regular['id'] && u['id'] !== 1)!;
    const made = await h.api('/api_keys', { method: 'POST', json: { name: 'etl', user_id: owner['id'] } });
    const keyed = await clientAs({ apiKey: ((await made.json()) as { key: string }).key });
    clock += 5 * SECOND;
    await keyed.files.download('mine/x.txt');

    const logs = (await h.walk(`/action_logs?filter_gteq[created_at]=${enc(iso(Date.UTC(2025, 7, 1)))}`, 1000)).records;
    expect(logs.map((r) => [r['action'], r['path'], r['user_id'], r['username']])).toEqual([
      ['create', 'mine', regular['id'], regular['username']],
      ['create', 'mine/x.txt', regular['id'], regular['username']],
      ['read', 'mine/x.txt', owner['id'], owner['username']],
    ]);
    // The session's user may read its own history (sessions.ts); it holds its two writes, last.
    const own = (await h.walk(`/history/users/${String(regular['id'])}`, 1000)).records;
    expect(own.slice(-2).map((r) => [r['action'], r['path']])).toEqual([
      ['create', 'mine'],
      ['create', 'mine/x.txt'],
    ]);
  });
});

describe('written records merge with logs that keep arriving (logsUntil: now, logRate)', () => {
  const T0 = Date.UTC(2025, 8, 1, 8, 0, 0, 600);
  const options = (now: () => number) => ({ seed: 77, users: 10, files: 30, actionLogs: 100, history: 60, logsUntil: 'now' as const, logRate: 2, now });

  /** Runs the same writes and clock moves; returns the emulator, its client and the times written at. */
  async function scenario(): Promise<{ h: TestEmulator; at: number[]; cursor: string; seenBefore: Rec[] }> {
    let clock = T0;
    const h = await startEmulator(options(() => clock));
    const { client } = h;
    // A consumer follows the action logs with a cursor, up to the end as it is now.
    const first = await h.api('/action_logs?per_page=1000');
    const seenBefore = await json(first.clone());
    const cursorKey = first.headers.get('x-files-cursor-next');
    expect(cursorKey).toBeNull();
    const lastPage = await h.api('/action_logs?per_page=99');
    const cursor = lastPage.headers.get('x-files-cursor-next')!;
    const at: number[] = [];
    clock += 3 * SECOND; // 6 arrivals (2 a second) at T0+1 s, +2 s, +3 s
    at.push(clock);
    await client.folders.create('drop');
    await client.files.upload('drop/one.csv', bytes('1'));
    clock += 2 * SECOND; // 4 more arrivals
    at.push(clock);
    await client.files.download('drop/one.csv');
    clock += SECOND; // 2 more (at +6 s)
    return { h, at, cursor, seenBefore };
  }

  it('lists stay time-ordered, ids increase, each record once; a cursor taken before the writes sees them and the arrivals after it', async () => {
    const { h, at, cursor, seenBefore } = await scenario();
    try {
      expect(seenBefore).toHaveLength(100);
      const all = (await h.walk('/action_logs', 1000)).records;
      const t = h.emulator.timeline('actionLogs');
      // 100 initial + 12 arrivals + 3 written.
      expect(all).toHaveLength(115);
      expect(t.count).toBe(115);
      const times = all.map((r) => Date.parse(String(r['created_at'])));
      expect(times.every((ms, i) => i === 0 || ms >= times[i - 1]!)).toBe(true);
      const written = all.filter((r) => r['interface'] === 'restapi' && r['ip'] === '127.0.0.1');
      expect(written.map((r) => [r['action'], r['path'], r['created_at']])).toEqual([
        ['create', 'drop', iso(at[0]!)],
        ['create', 'drop/one.csv', iso(at[0]!)],
        ['read', 'drop/one.csv', iso(at[1]!)],
      ]);
      // The written ones sit between the arrivals of their second and the later ones.
      const index = all.indexOf(written[0]!);
      expect(index).toBe(100 + 6);
      expect(all.indexOf(written[2]!)).toBe(100 + 6 + 2 + 4);
      // The timeline answers as the listing does, written records included.
      expect(all.map((r) => r['created_at'])).toEqual(Array.from({ length: 115 }, (_, i) => iso(t.timeOf(i + 1))));
      // The second written at: its 2 arrivals, then the 2 records written.
      expect(t.countBetween(Math.floor(at[0]! / SECOND) * SECOND, Math.floor(at[0]! / SECOND) * SECOND + SECOND)).toBe(2 + 2);
      const ranged = await json(h.api(`/action_logs?per_page=1000&filter_gteq[created_at]=${enc(iso(at[0]!))}&filter_lt[created_at]=${enc(iso(at[1]! + SECOND))}`));
      expect(ranged).toHaveLength(t.countBetween(Math.floor(at[0]! / SECOND) * SECOND, Math.floor(at[1]! / SECOND) * SECOND + SECOND));
      expect(ranged.filter((r) => r['ip'] === '127.0.0.1')).toHaveLength(3);

      // The cursor of the page that ended at record 99: record 100, the arrivals and the
      // written records, in the listing's order.
      const rest = await json(h.api(`/action_logs?per_page=1000&cursor=${enc(cursor)}`));
      expect(rest).toEqual(all.slice(99));

      // History: ids follow the listing order, and the written records are among them.
      const history = (await h.walk('/history', 7)).records;
      expect(history.map((r) => r['id'])).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
      expect(history).toHaveLength(h.emulator.timeline('history').count);
      expect(history.filter((r) => r['ip'] === '127.0.0.1').map((r) => [r['action'], r['path'], r['when']])).toEqual([
        ['create', 'drop', iso(at[0]!)],
        ['create', 'drop/one.csv', iso(at[0]!)],
        ['read', 'drop/one.csv', iso(at[1]!)],
      ]);
      const whens = history.map((r) => Date.parse(String(r['when'])));
      expect(whens.every((ms, i) => i === 0 || ms >= whens[i - 1]!)).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('is deterministic for a seed and a sequence of writes', async () => {
    const a = await scenario();
    const b = await scenario();
    try {
      const [x, y] = await Promise.all([a.h.walk('/action_logs', 1000), b.h.walk('/action_logs', 1000)]);
      expect(x.records.filter((r) => r['ip'] === '127.0.0.1')).toHaveLength(3);
      expect(JSON.stringify(x.records)).toBe(JSON.stringify(y.records));
      const [hx, hy] = await Promise.all([a.h.walk('/history', 1000), b.h.walk('/history', 1000)]);
      expect(JSON.stringify(hx.records)).toBe(JSON.stringify(hy.records));
    } finally {
      await Promise.all([a.h.close(), b.h.close()]);
    }
  });

  it('a partitioned listing after the writes sees each record exactly once', async () => {
    const { h, at } = await scenario();
    try {
      const t = h.emulator.timeline('actionLogs');
      const since = t.first;
      const until = t.first + t.span + SECOND;
      const rows = (await h.client.actionLogs.list({ per_page: 7 }, { partition: { since, until, concurrency: 4 } }).toArray()) as Rec[];
      expect(rows).toHaveLength(115);
      expect(rows.map((r) => JSON.stringify(r))).toEqual((await h.walk('/action_logs', 1000)).records.map((r) => JSON.stringify(r)));
      expect(rows.filter((r) => r['ip'] === '127.0.0.1').map((r) => r['created_at'])).toEqual([iso(at[0]!), iso(at[0]!), iso(at[1]!)]);
    } finally {
      await h.close();
    }
  });
});

describe('derived logs that end after the clock (logsUntil in the future)', () => {
  it('a write is dated at the latest record, not before it: the list stays in time order, the write last', async () => {
    const clock = Date.UTC(2025, 10, 1, 9, 0, 0, 400);
    const until = clock + 3_600 * SECOND;
    const h = await startEmulator({ seed: 6, users: 5, files: 20, actionLogs: 40, history: 20, logsUntil: until, now: () => clock });
    try {
      await h.client.folders.create('later');
      const all = (await h.walk('/action_logs', 1000)).records;
      expect(all).toHaveLength(41);
      expect(logShape(all[40]!)).toMatchObject({ action: 'create', path: 'later', created_at: iso(until) });
      const times = all.map((r) => Date.parse(String(r['created_at'])));
      expect(times.every((ms, i) => i === 0 || ms >= times[i - 1]!)).toBe(true);
      const history = (await h.walk(`/history?start_at=${enc(iso(until))}`, 1000)).records;
      expect(history.map((r) => [r['id'], r['action'], r['when']])).toEqual([
        [20, expect.any(String), iso(until)],
        [21, 'create', iso(until)],
      ]);
    } finally {
      await h.close();
    }
  });

  it('a migration that fails records nothing', async () => {
    let clock = Date.UTC(2025, 10, 2);
    const h = await startEmulator({ seed: 6, users: 5, files: 20, actionLogs: 10, history: 10, now: () => clock });
    try {
      await h.client.folders.create('src/inner', { mkdir_parents: true });
      await h.client.files.upload('src/inner/f.txt', bytes('f'));
      const action = await h.client.files.copy('src', { destination: 'dst' });
      await h.client.folders.create('dst'); // the destination appears meanwhile: the copy fails
      clock += 2 * SECOND;
      await expect(h.client.fileMigrations.wait(action, { intervalMs: 1 })).rejects.toThrow();
      const logs = (await h.walk(`/action_logs?filter_gteq[created_at]=${enc(iso(Date.UTC(2025, 10, 2)))}`, 1000)).records;
      expect(logs.map((r) => [r['action'], r['path']])).toEqual([
        ['create', 'src/inner'],
        ['create', 'src/inner/f.txt'],
        ['create', 'dst'],
      ]);
    } finally {
      await h.close();
    }
  });
});

describe('an ETL test: write, then sync the action logs into DuckDB', () => {
  it('the second run appends exactly the records of the writes made since the first', async () => {
    let clock = Date.UTC(2025, 9, 1, 6, 0, 0);
    const h = await startEmulator({ seed: 4, users: 10, files: 30, actionLogs: 500, now: () => clock });
    try {
      const file = join(await tempDir(), 'logs.duckdb');
      const t = h.emulator.timeline('actionLogs');
      const since = t.first;
      const first = await sync(h.client, 'actionLogs', duckdb(file), { since, until: clock, parallel: 4, batchRows: 100 });
      expect(first.appended).toBe(500);
      clock += 10 * SECOND;
      await h.client.files.upload('landing/batch-1.csv', bytes('a,b\n'), { mkdir_parents: true });
      await h.client.files.upload('landing/batch-2.csv', bytes('c,d\n'));
      await h.client.files.delete('landing/batch-1.csv');
      clock += 10 * SECOND;
      const second = await sync(h.client, 'actionLogs', duckdb(file), { since, until: clock, parallel: 4, batchRows: 100 });
      expect(second.appended).toBe(3);
      const third = await sync(h.client, 'actionLogs', duckdb(file), { since, until: clock + 60 * SECOND });
      expect(third.appended).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('nothing written: the derived records are as before', () => {
  it('counts, ids and times of the timeline and the listings are unchanged', async () => {
    const h = await startEmulator({ seed: 12, actionLogs: 2_000, history: 900, actionLogTimes: { burst: { share: 0.8, width: 0.1 } } });
    try {
      const t = h.emulator.timeline('actionLogs');
      expect(t.count).toBe(2_000);
      const logs = (await h.walk('/action_logs', 1000)).records;
      expect(logs.map((r) => r['created_at'])).toEqual(Array.from({ length: 2_000 }, (_, i) => iso(t.timeOf(i + 1))));
      const history = (await h.walk('/history', 10_000)).records;
      expect(history.map((r) => r['id'])).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
      expect(h.emulator.timeline('history').count).toBe(900);
      expect(logs.some((r) => r['ip'] === '127.0.0.1')).toBe(false);
    } finally {
      await h.close();
    }
  });
});
