// Time ranges of the emulator's logs: exact answers at the boundaries (records sharing a
// boundary second included), cursor paging inside a range, the bursty layout, the
// `maxConcurrent` rate limit, and proof that a range is found by binary search, not a scan.
// Plain `fetch`-style requests through `emulator.handle`: no client code involved.
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';
import { listable, listPage } from '../../src/testing/data/list-reply.js';
import { CursorCodec } from '../../src/testing/data/cursor.js';
import { TemplateSource } from '../../src/testing/data/template.js';
import { isoSeconds } from '../../src/testing/data/time.js';

type Row = Record<string, unknown>;

const BURST = { burst: { share: 0.9, width: 0.05 } } as const;

function request(emulator: Emulator, path: string): Request {
  return new Request(`${emulator.baseUrl}/api/rest/v1${path}`, { headers: { 'X-FilesAPI-Key': emulator.apiKey } });
}

async function get(emulator: Emulator, path: string): Promise<{ status: number; rows: Row[]; next: string | null; prev: string | null; body: unknown; headers: Headers }> {
  const res = await emulator.handle(request(emulator, path));
  const body: unknown = await res.json();
  return {
    status: res.status,
    rows: Array.isArray(body) ? (body as Row[]) : [],
    next: res.headers.get('x-files-cursor-next'),
    prev: res.headers.get('x-files-cursor-prev'),
    body,
    headers: res.headers,
  };
}

/** Follows `X-Files-Cursor-Next` from `path`; every record, and the number of pages. */
async function walk(emulator: Emulator, path: string, perPage: number): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(emulator, `${path}${sep}per_page=${perPage}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    rows.push(...page.rows);
    pages++;
    cursor = page.next;
  } while (cursor);
  return { rows, pages };
}

const ms = (row: Row, field = 'created_at') => Date.parse(String(row[field]));
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const q = (name: string, t: number) => `${name}=${encodeURIComponent(iso(t))}`;

/** The emulator's whole log (no filter), the ground truth every range answer is checked against. */
async function everything(emulator: Emulator, path: string): Promise<Row[]> {
  return (await walk(emulator, path, 1000)).rows;
}

/** Seconds that hold at least `n` records, in order. */
function crowdedSeconds(times: readonly number[], n: number): number[] {
  const counts = new Map<number, number>();
  for (const t of times) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].filter(([, c]) => c >= n).map(([t]) => t);
}

describe('uniform layout (the default)', () => {
  const emulator = createEmulator({ seed: 5, actionLogs: 1000, history: 300 });

  it('documents where records are: record i at 2024-01-01T00:00:00Z + i × 5 s (history: × 10 s)', async () => {
    const logs = await everything(emulator, '/action_logs');
    expect(logs).toHaveLength(1000);
    logs.forEach((row, i) => expect(ms(row)).toBe(Date.UTC(2024, 0, 1) + (i + 1) * 5000));
    const t = emulator.timeline('actionLogs');
    expect([iso(t.first), t.span, t.step, t.count]).toEqual(['2024-01-01T00:00:05Z', 5_000_000, 5000, 1000]);
    const history = emulator.timeline('history');
    expect([iso(history.first), history.span, history.timeOf(300)]).toEqual(['2024-01-01T00:00:10Z', 3_000_000, Date.UTC(2024, 0, 1) + 3_000_000]);
  });

  it('answers gt, gteq, lt, lteq exactly, a bound on a record being inside or outside as each says', async () => {
    const t = emulator.timeline('actionLogs');
    const at100 = t.timeOf(100);
    const count = async (query: string) => (await walk(emulator, `/action_logs?${query}`, 1000)).rows.length;
    expect(await count(q('filter_gteq[created_at]', at100))).toBe(901);
    expect(await count(q('filter_gt[created_at]', at100))).toBe(900);
    expect(await count(q('filter_lt[created_at]', at100))).toBe(99);
    expect(await count(q('filter_lteq[created_at]', at100))).toBe(100);
    // Half-open [record 10, record 20): records 10..19.
    const slice = (await walk(emulator, `/action_logs?${q('filter_gteq[created_at]', t.timeOf(10))}&${q('filter_lt[created_at]', t.timeOf(20))}`, 3)).rows;
    expect(slice.map((r) => ms(r))).toEqual(Array.from({ length: 10 }, (_, i) => t.timeOf(10 + i)));
    // Between two records (2.5 s after record 100), with milliseconds.
    expect(await count(`filter_gteq[created_at]=${new Date(at100 + 2500).toISOString()}`)).toBe(900);
    // Out of the span, empty, and contradictory ranges.
    expect(await count(q('filter_lt[created_at]', t.first))).toBe(0);
    expect(await count(q('filter_gteq[created_at]', t.first + t.span))).toBe(0);
    expect(await count(`${q('filter_gteq[created_at]', t.timeOf(50))}&${q('filter_lt[created_at]', t.timeOf(40))}`)).toBe(0);
    expect(await count(`${q('filter_gteq[created_at]', 0)}&${q('filter_lteq[created_at]', Date.UTC(2100, 0, 1))}`)).toBe(1000);
  });
});

describe('bursty layout', () => {
  const options: EmulatorOptions = { seed: 9, actionLogs: 20_000, history: 5_000, actionLogTimes: BURST, historyTimes: BURST, users: 20 };
  const emulator = createEmulator(options);
  let logs: Row[] | undefined;
  const allLogs = async () => (logs ??= await everything(emulator, '/action_logs'));

  it('puts 90% of the records in 5% of the span (centred), never decreasing, many on one second', async () => {
    const rows = await allLogs();
    const times = rows.map((r) => ms(r));
    expect(times).toHaveLength(20_000);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times.every((t) => t % 1000 === 0)).toBe(true);
    const t = emulator.timeline('actionLogs');
    expect(times[0]).toBe(t.first);
    expect(times.at(-1)!).toBeLessThan(t.first + t.span);
    // The window: [first + 0.475 span, first + 0.525 span).
    const from = t.first + 0.475 * t.span;
    const to = t.first + 0.525 * t.span;
    const inside = times.filter((x) => x >= from && x < to).length;
    expect(inside / times.length).toBeGreaterThanOrEqual(0.899);
    expect(inside / times.length).toBeLessThanOrEqual(0.901);
    expect(t.countBetween(from, to)).toBe(inside);
    // 18,000 records on 5,000 seconds: most seconds of the window hold several records.
    expect(crowdedSeconds(times, 3).length).toBeGreaterThan(500);
    // Outside the window: sparse (about one record every 47 s).
    const before = times.filter((x) => x < from);
    expect(new Set(before).size).toBe(before.length);
    // Deterministic, whatever the seed.
    const again = createEmulator({ ...options, seed: 'another' });
    const page = await get(again, '/action_logs?per_page=1000&cursor=' + (await get(again, '/action_logs?per_page=1000')).next);
    expect(page.rows.map((r) => ms(r))).toEqual(times.slice(1000, 2000));
  });

  it('counts exactly on boundary seconds that several records share (gt/gteq/lt/lteq)', async () => {
    const rows = await allLogs();
    const times = rows.map((r) => ms(r));
    const crowded = crowdedSeconds(times, 3);
    const boundaries = [crowded[0]!, crowded[Math.floor(crowded.length / 2)]!, crowded.at(-1)!];
    for (const b of boundaries) {
      const expected = {
        gt: times.filter((x) => x > b).length,
        gteq: times.filter((x) => x >= b).length,
        lt: times.filter((x) => x < b).length,
        lteq: times.filter((x) => x <= b).length,
      };
      expect(expected.gteq - expected.gt).toBeGreaterThanOrEqual(3);
      const got = {
        gt: (await walk(emulator, `/action_logs?${q('filter_gt[created_at]', b)}`, 1000)).rows.length,
        gteq: (await walk(emulator, `/action_logs?${q('filter_gteq[created_at]', b)}`, 1000)).rows.length,
        lt: (await walk(emulator, `/action_logs?${q('filter_lt[created_at]', b)}`, 1000)).rows.length,
        lteq: (await walk(emulator, `/action_logs?${q('filter_lteq[created_at]', b)}`, 1000)).rows.length,
      };
      expect(got, iso(b)).toEqual(expected);
      expect(emulator.timeline('actionLogs').countBetween(b, b + 1000)).toBe(expected.lteq - expected.lt);
    }
  });

  it('pages a range with cursors: each record once, in order, slices meeting at a shared second add up', async () => {
    const rows = await allLogs();
    const times = rows.map((r) => ms(r));
    const crowded = crowdedSeconds(times, 3);
    const [a, b, c] = [crowded[10]!, crowded[200]!, crowded[900]!];
    const range = (lo: number, hi: number) => `/action_logs?${q('filter_gteq[created_at]', lo)}&${q('filter_lt[created_at]', hi)}`;
    const first = await walk(emulator, range(a, b), 7);
    const second = await walk(emulator, range(b, c), 13);
    const whole = await walk(emulator, range(a, c), 1000);
    const start = times.findIndex((x) => x >= a);
    const middle = times.findIndex((x) => x >= b);
    const end = times.findIndex((x) => x >= c);
    expect(first.rows).toEqual(rows.slice(start, middle));
    expect(second.rows).toEqual(rows.slice(middle, end));
    expect([...first.rows, ...second.rows]).toEqual(whole.rows);
    expect(first.pages).toBe(Math.ceil((middle - start) / 7));
  });

  it('combines a range with the other filters, and follows the previous-page cursor inside it', async () => {
    const rows = await allLogs();
    const t = emulator.timeline('actionLogs');
    const [lo, hi] = [t.first + 0.4 * t.span, t.first + 0.5 * t.span];
    const user = String(rows[12_345]!['username']);
    const expected = rows.filter((r) => ms(r) >= lo && ms(r) <= hi && r['username'] === user);
    expect(expected.length).toBeGreaterThan(10);
    const filtered = await walk(emulator, `/action_logs?${q('filter_gteq[created_at]', lo)}&${q('filter_lteq[created_at]', hi)}&filter[username]=${user}`, 4);
    expect(filtered.rows).toEqual(expected);
    const path = `/action_logs?${q('filter_gt[created_at]', lo)}&${q('filter_lt[created_at]', hi)}&per_page=50`;
    const p1 = await get(emulator, path);
    expect(p1.prev).toBeNull();
    const p2 = await get(emulator, `${path}&cursor=${p1.next}`);
    const back = await get(emulator, `${path}&cursor=${p2.prev}`);
    expect(back.rows).toEqual(p1.rows);
    expect(back.prev).toBeNull();
    // A cursor from before the range, used with the range: the range's first records.
    const early = await get(emulator, '/action_logs?per_page=10');
    const resumed = await get(emulator, `${path}&cursor=${early.next}`);
    expect(resumed.rows).toEqual(p1.rows);
    // A previous-page cursor from after the range, used with the range: the range's last records.
    const later = await get(emulator, `/action_logs?per_page=10&${q('filter_gteq[created_at]', hi + 60_000)}`);
    const laterPrev = (await get(emulator, `/action_logs?per_page=10&${q('filter_gteq[created_at]', hi + 60_000)}&cursor=${later.next}`)).prev;
    const last = await get(emulator, `${path}&cursor=${laterPrev}`);
    expect(last.rows).toEqual(rows.filter((r) => ms(r) > lo && ms(r) < hi).slice(-50));
    expect(last.next).toBeNull();
  });

  it('answers history start_at/end_at inclusive at both ends, in either order, per user too', async () => {
    const history = await everything(emulator, '/history');
    const times = history.map((r) => ms(r, 'when'));
    expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
    const crowded = crowdedSeconds(times, 2);
    const [lo, hi] = [crowded[5]!, crowded[60]!];
    const expected = history.filter((r) => ms(r, 'when') >= lo && ms(r, 'when') <= hi);
    expect(expected.filter((r) => ms(r, 'when') === lo).length).toBeGreaterThanOrEqual(2);
    const window = `start_at=${iso(lo)}&end_at=${iso(hi)}`;
    expect((await walk(emulator, `/history?${window}`, 9)).rows).toEqual(expected);
    expect((await walk(emulator, `/history?${window}&sort_by[created_at]=desc`, 11)).rows).toEqual([...expected].reverse());
    const user = Number(expected[0]!['user_id']);
    expect((await walk(emulator, `/history/users/${user}?${window}`, 5)).rows).toEqual(expected.filter((r) => r['user_id'] === user));
    expect(emulator.timeline('history').countBetween(lo, hi + 1000)).toBe(expected.length);
    expect((await get(emulator, '/history?start_at=yesterday-ish')).status).toBe(400);
  });

  it('lays out the other lists that accept a created_at range too (their listSize records)', async () => {
    const other = createEmulator({ listSize: 3000, actionLogTimes: BURST });
    const all = await everything(other, '/sftp_action_logs');
    const times = all.map((r) => ms(r));
    expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
    const b = crowdedSeconds(times, 3)[40]!;
    const got = await walk(other, `/sftp_action_logs?${q('filter_gteq[created_at]', b)}&${q('filter_lteq[created_at]', b + 60_000)}`, 10);
    expect(got.rows).toEqual(all.filter((r) => ms(r) >= b && ms(r) <= b + 60_000));
    expect(other.timeline('sftpActionLogs').countBetween(b, b + 60_001)).toBe(got.rows.length);
    expect(() => other.timeline('groups')).toThrow(RangeError);
  });

  it('refuses malformed layouts', () => {
    expect(() => createEmulator({ actionLogTimes: { burst: { share: 1.5, width: 0.05 } } })).toThrow(RangeError);
    expect(() => createEmulator({ historyTimes: { burst: { share: 0.9, width: 0 } } })).toThrow(RangeError);
    expect(() => createEmulator({ actionLogTimes: { burst: { share: 0.9, width: 0.5, at: 0.6 } } })).toThrow(RangeError);
    const early = createEmulator({ actionLogs: 1000, actionLogTimes: { burst: { share: 0.5, width: 0.1, at: 0 } } }).timeline('actionLogs');
    expect(early.countBetween(early.first, early.first + 0.1 * early.span)).toBe(500);
  });
});

describe('maxConcurrent', () => {
  it('answers 429 with Retry-After to exactly the requests beyond the limit, and counts them', async () => {
    const emulator = createEmulator({ users: 10, maxConcurrent: 3, concurrencyRetryAfter: 2, faults: { latencyMs: 100 } });
    const answers = await Promise.all(Array.from({ length: 10 }, () => emulator.handle(request(emulator, '/users?per_page=5'))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const limited = answers.find((r) => r.status === 429)!;
    expect(limited.headers.get('retry-after')).toBe('2');
    const body = (await limited.json()) as Row;
    expect(Object.keys(body).sort()).toEqual(['error', 'http-code', 'instance', 'title', 'type']);
    expect(body).toMatchObject({ 'http-code': 429, type: 'rate-limited/too-many-concurrent-requests' });
    const { stats } = emulator;
    expect(stats.byFault.concurrencyLimited).toBe(7);
    expect(stats.byStatus['429']).toBe(7);
    expect(stats.peakInFlight).toBe(3);
    expect(emulator.requests.filter((r) => r.fault === 'concurrencyLimited')).toHaveLength(7);
    // Once answered, the slots are free again: requests one after another are never limited.
    for (let i = 0; i < 5; i++) expect((await emulator.handle(request(emulator, '/users?per_page=1'))).status).toBe(200);
  });

  it('limits API requests only: downloads and control paths pass while the slots are taken', async () => {
    const emulator = createEmulator({ files: 20, maxConcurrent: 2 });
    const folder = await get(emulator, '/folders?per_page=100');
    const file = folder.rows.find((r) => r['type'] === 'file') ?? (await get(emulator, `/folders/${folder.rows[0]!['path']}?per_page=100`)).rows.find((r) => r['type'] === 'file');
    const meta = await get(emulator, `/files/${String(file!['path'])}`);
    const download = String((meta.body as Row)['download_uri']);
    expect(download).toMatch(/^https:/);
    emulator.setFaults({ latencyMs: 200 });
    emulator.resetLog();
    const held = [emulator.handle(request(emulator, '/users')), emulator.handle(request(emulator, '/users'))];
    const extra = emulator.handle(request(emulator, '/users'));
    const [dl, stats] = await Promise.all([emulator.handle(new Request(download)), emulator.handle(new Request(`${emulator.baseUrl}/emulator/stats`))]);
    expect(dl.status).toBe(200);
    expect(stats.status).toBe(200);
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await extra).status).toBe(429);
    expect(emulator.stats.byKind).toMatchObject({ api: 3, download: 1, control: 1 });
  });

  it('sends no Retry-After when told so, and refuses a limit below 1', async () => {
    const emulator = createEmulator({ maxConcurrent: 1, concurrencyRetryAfter: null, faults: { latencyMs: 30 } });
    const [, second] = await Promise.all([emulator.handle(request(emulator, '/users')), emulator.handle(request(emulator, '/users'))]);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect(() => createEmulator({ maxConcurrent: 0 })).toThrow(RangeError);
  });
});

describe('a time range is found by binary search, not a scan', () => {
  it('looks at about per_page records for a page deep inside 2,000,000 action logs', async () => {
    const emulator = createEmulator({ actionLogs: 2_000_000, actionLogTimes: BURST });
    const t = emulator.timeline('actionLogs');
    const lo = t.timeOf(1_999_000);
    const page = await get(emulator, `/action_logs?per_page=100&${q('filter_gteq[created_at]', lo)}&${q('filter_lt[created_at]', t.first + t.span)}`);
    expect(page.rows).toHaveLength(100);
    expect(ms(page.rows[0]!)).toBe(lo);
    const entry = emulator.requests.at(-1)!;
    // The page and its look-ahead, plus two binary searches of about log2(2,000,000) = 21 probes.
    expect(entry.examined).toBeLessThanOrEqual(100 + 1 + 2 * 22);
    const next = await get(emulator, `/action_logs?per_page=100&${q('filter_gteq[created_at]', lo)}&cursor=${page.next}`);
    expect(next.rows).toHaveLength(100);
    expect(emulator.requests.at(-1)!.examined).toBeLessThanOrEqual(100 + 2 + 22);
  });

  it('reads the time field O(log n) times (counted), in any order, with or without a cursor', () => {
    const n = 2_000_000;
    let reads = 0;
    const step = 3_000;
    const source = new TemplateSource(n, { created_at: '', kind: 'x' }, {
      created_at: (id) => {
        reads++;
        return isoSeconds(Date.UTC(2024, 0, 1) + Math.floor(id / 4) * step);
      },
    });
    const logs = listable(source, { perPageMax: 1000, sortFields: ['created_at'], filterFields: { filter_gteq: ['created_at'], filter_lt: ['created_at'] } }, {}, ['created_at']);
    const codec = new CursorCodec(1);
    const at = (id: number) => isoSeconds(Date.UTC(2024, 0, 1) + Math.floor(id / 4) * step);
    const params = { filter_gteq: { created_at: at(1_500_000) }, filter_lt: { created_at: at(1_600_000) }, per_page: '100' };
    const page = listPage(logs, params, codec);
    expect(page.ids[0]).toBe(1_500_000);
    expect(page.ids).toHaveLength(100);
    expect(reads).toBeLessThanOrEqual(2 * 22);
    reads = 0;
    const desc = listPage(logs, { ...params, sort_by: { created_at: 'desc' } }, codec);
    expect(desc.ids[0]).toBe(1_599_999);
    const after = listPage(logs, { ...params, sort_by: { created_at: 'desc' }, cursor: codec.encode(desc.next!) }, codec);
    expect(after.ids[0]).toBe(1_599_899);
    // Each page: two binary searches, plus the cursor keys of the first and last record.
    expect(reads).toBeLessThanOrEqual(2 * (2 * 22 + 4));
  });
});
