// Reliability, hardening round 2 (issue #18): `files-stream export actionLogs --since --until
// --parallel` as a process, against a hand-written log server that does not play fair: times
// sent without a zone (the CLI under TZ=America/Los_Angeles and Asia/Tokyo), a second's records
// listed in another order (and one deleted) after a SIGKILL and before the resume, pages that
// repeat the records before them, and a page out of order past a slice's end. Every record
// exactly once, or a clear error with exit 1 and a checkpoint that resumes; never a silent loss.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBin } from '../helpers/child-process.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';
import { collect, sizeOf, waitFor } from './support/children.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { answer, tinyServer, type Seen, type TinyServer } from './support/tiny-server.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Log {
  created_at: string;
  path: string;
  action: string;
}

/** `n` logs, `perSecond` on each second from T0 (no id, as action logs). */
function logs(n: number, perSecond: number): Log[] {
  return Array.from({ length: n }, (_, i) => ({ created_at: iso(T0 + Math.floor(i / perSecond) * 1000), path: `/f${i}`, action: 'read' }));
}

/** How the server misbehaves. */
interface Behaviour {
  /** Send `created_at` without its zone (`2024-01-01T00:00:05`). */
  zoneless?: boolean;
  /** List each second's records in reverse. */
  reversed?: boolean;
  /** Records no longer there (deleted by retention). */
  deleted?: Set<string>;
  /** Each page after the first starts with this many records of the page before (overlapping pages). */
  repeat?: number;
  /** The first page of each listing that starts after T0 has its last two records swapped (out of order). */
  skew?: boolean;
  /** Milliseconds before each answer. */
  latencyMs?: number;
}

/**
 * A log server: `GET /api/rest/v1/action_logs` with `filter_gteq[created_at]`,
 * `filter_lt[created_at]`, `per_page` and an offset cursor, over `data`, as `behaviour` says.
 */
async function logServer(data: Log[], behaviour: Behaviour): Promise<TinyServer> {
  const list = (seen: Seen): { page: Log[]; next?: string } => {
    const from = Date.parse(seen.query.get('filter_gteq[created_at]') ?? iso(0));
    const to = Date.parse(seen.query.get('filter_lt[created_at]') ?? iso(8e15));
    const perPage = Number(seen.query.get('per_page') ?? 1000);
    const offset = Number(seen.query.get('cursor') ?? 0);
    let all = data.filter((r) => !behaviour.deleted?.has(r.path) && Date.parse(r.created_at) >= from && Date.parse(r.created_at) < to);
    if (behaviour.reversed) {
      const bySecond = new Map<string, Log[]>();
      for (const r of all) bySecond.set(r.created_at, [...(bySecond.get(r.created_at) ?? []), r]);
      all = [...bySecond.values()].flatMap((rs) => rs.reverse());
    }
    // Overlapping pages: each after the first starts `repeat` records back (and holds `per_page`).
    const start = behaviour.repeat && offset > 0 ? offset - behaviour.repeat : offset;
    let page = all.slice(start, start + perPage);
    if (behaviour.skew && offset === 0 && from > T0 && page.length >= 3) page = [...page.slice(0, -2), page.at(-1)!, page.at(-2)!];
    return { page, ...(start + perPage < all.length ? { next: String(start + perPage) } : {}) };
  };
  return tinyServer((_req, res, seen) => {
    if (!seen.rawPath.endsWith('/action_logs')) return answer(res, 404, '{"type":"not-found","http-code":404}');
    const { page, next } = list(seen);
    const body = `[${page.map((r) => JSON.stringify(behaviour.zoneless ? { ...r, created_at: r.created_at.replace('Z', '') } : r)).join(',')}]`;
    const send = () => answer(res, 200, body, next ? { 'x-files-cursor-next': next } : {});
    if (behaviour.latencyMs) setTimeout(send, behaviour.latencyMs);
    else send();
  });
}

/** The lines of an NDJSON output, each record's path. */
async function pathsIn(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as Log).path);
}

/** Every path of `expected` once (duplicates and missing ones shown, a few of each). */
function expectOnce(got: readonly string[], expected: readonly string[]): void {
  const counts = new Map<string, number>();
  for (const p of got) counts.set(p, (counts.get(p) ?? 0) + 1);
  const duplicates = [...counts].filter(([, n]) => n > 1).map(([p]) => p).slice(0, 5);
  const missing = expected.filter((p) => !counts.has(p)).slice(0, 5);
  expect({ duplicates, missing, count: got.length }).toEqual({ duplicates: [], missing: [], count: expected.length });
}

let temp: TempDir;
let server: TinyServer | undefined;
beforeAll(async () => {
  temp = await tempDir('reliability-hostile-partition-');
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await temp?.remove();
  expect(scan.leaks()).toEqual([]);
});

const exportArgs = (baseUrl: string, until: number, out: string, more: string[] = []) => [
  '--api-key',
  API_KEY,
  '--base-url',
  baseUrl,
  'export',
  'actionLogs',
  '--since',
  iso(T0),
  '--until',
  iso(until),
  '--per-page',
  '100',
  '--out',
  out,
  ...more,
];

describe(`hostile log servers, the CLI's parallel export (${FORM} form)`, () => {
  for (const tz of ['America/Los_Angeles', 'Asia/Tokyo']) {
    it(`created_at without a zone under TZ=${tz}: every record once, in order, exit 0`, async () => {
      const data = logs(2100, 3);
      server = await logServer(data, { zoneless: true });
      const out = join(temp.path, `zoneless-${tz.replace('/', '-')}.ndjson`);
      const child = startBin(exportArgs(server.baseUrl, T0 + 700_000, out, ['--parallel', '4']), { env: { TZ: tz } });
      const result = await child.done;
      collect(`zoneless ${tz}`, result);
      expect(result.code, result.stderr).toBe(0);
      expect(await pathsIn(out)).toEqual(data.map((r) => r.path));
    });
  }

  for (const ordered of [true, false]) {
    it(
      `SIGKILLed, then the server lists each second in reverse and deletes a delivered record: the resume gives every record once${ordered ? '' : ' (--unordered)'}`,
      async () => {
        // 37 a second: pages of 100 end inside a second, so positions name records within one.
        const data = logs(scaled(6000, 30_000), 37);
        const behaviour: Behaviour = { latencyMs: 15 };
        server = await logServer(data, behaviour);
        const out = join(temp.path, `reorder-${ordered}.ndjson`);
        const checkpoint = `${out}.ckpt`;
        const args = exportArgs(server.baseUrl, T0 + 3_600_000, out, ['--parallel', '4', '--checkpoint', checkpoint, ...(ordered ? [] : ['--unordered'])]);
        const first = startBin(args);
        // Killed once a few pages are in (the checkpoint covers some of them).
        const killed = await waitFor(first, async () => (await sizeOf(checkpoint)) > 0 && (await sizeOf(out)) > 40_000);
        expect(killed, 'the first run was still going').toBe(true);
        first.process.kill('SIGKILL');
        collect('reorder first run', await first.done);
        // The checkpoint covers the records up to its `bytes`: delete one of the last of those.
        const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { bytes: number };
        const covered = (await readFile(out)).subarray(0, saved.bytes).toString().split('\n').filter((l) => l !== '');
        expect(covered.length).toBeGreaterThan(0);
        const gone = (JSON.parse(covered.at(-2) ?? covered.at(-1)!) as Log).path;
        behaviour.reversed = true;
        behaviour.deleted = new Set([gone]);
        behaviour.latencyMs = 0;
        const second = startBin(args);
        const result = await second.done;
        collect('reorder second run', result);
        expect(result.code, result.stderr).toBe(0);
        const got = await pathsIn(out);
        expectOnce(got, data.map((r) => r.path));
        if (ordered) {
          // In ascending created_at order (a second's records in either order).
          const times = got.map((p) => Number(p.slice(2)));
          for (let i = 1; i < times.length; i++) expect(Math.floor(times[i]! / 37)).toBeGreaterThanOrEqual(Math.floor(times[i - 1]! / 37));
        }
      },
      timeoutMs(60_000),
    );
  }

  it('a checkpoint whose cursor had a position dropped or duplicated by hand: exit 2 naming it, nothing sent or written', async () => {
    const data = logs(6000, 5);
    server = await logServer(data, { latencyMs: 10 });
    const out = join(temp.path, 'edited.ndjson');
    const checkpoint = `${out}.ckpt`;
    const args = exportArgs(server.baseUrl, T0 + 1_200_000, out, ['--parallel', '4', '--unordered', '--checkpoint', checkpoint]);
    const first = startBin(args);
    expect(await waitFor(first, async () => (await sizeOf(checkpoint)) > 0 && (await sizeOf(out)) > 30_000)).toBe(true);
    first.process.kill('SIGKILL');
    collect('edited first run', await first.done);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { cursor: string };
    const token = JSON.parse(Buffer.from(saved.cursor.slice('fs-partition:'.length), 'base64url').toString()) as { r: unknown[] };
    expect(token.r.length, 'slices were running side by side').toBeGreaterThan(1);
    const before = await readFile(out);
    for (const r of [token.r.slice(1), [...token.r, token.r.at(-1)]]) {
      const edited = `fs-partition:${Buffer.from(JSON.stringify({ ...token, r })).toString('base64url')}`;
      await writeFile(checkpoint, JSON.stringify({ ...JSON.parse(await readFile(checkpoint, 'utf8')), cursor: edited }, null, 2));
      const requests = server.seen.length;
      const result = await startBin(args).done;
      collect('edited rerun', result);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/holds a cursor that cannot be resumed: the partition resume cursor is corrupt/);
      expect(server.seen.length, 'requests sent').toBe(requests);
      expect(await readFile(out)).toEqual(before);
    }
  });

  it('pages that repeat the last 37 records before them (bursts of 400 a second): every record once, exit 0', async () => {
    const data = logs(4000, 400);
    server = await logServer(data, { repeat: 37 });
    for (const ordered of [true, false]) {
      const out = join(temp.path, `repeat-${ordered}.ndjson`);
      const child = startBin(exportArgs(server.baseUrl, T0 + 20_000, out, ['--parallel', '4', ...(ordered ? [] : ['--unordered'])]));
      const result = await child.done;
      collect('repeat', result);
      expect(result.code, result.stderr).toBe(0);
      expectOnce(await pathsIn(out), data.map((r) => r.path));
    }
  });

  it('records out of order in a page: exit 1 naming the contradiction; what was written is every record up to there, in order', async () => {
    const data = logs(3000, 1);
    server = await logServer(data, { skew: true });
    const out = join(temp.path, 'skew.ndjson');
    const child = startBin(exportArgs(server.baseUrl, T0 + 3_000_000, out, ['--parallel', '4', '--checkpoint', `${out}.ckpt`]));
    const result = await child.done;
    collect('skew', result);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/not in ascending created_at order/);
    // What was written is a prefix of the records in order: nothing was skipped silently.
    const got = await pathsIn(out);
    expect(got).toEqual(data.slice(0, got.length).map((r) => r.path));
  });
});
