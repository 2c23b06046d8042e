// Issue #19 point 10: logs and history that end at the emulator's clock (`logsUntil`) and that
// keep arriving while it runs (`logRate`), deterministic for a seed and a clock, so that "the
// last 7 days" is not empty and "run again tomorrow" can be tested. The clock is the `now`
// option, moved by the tests.
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/testing/index.js';

type Row = Record<string, unknown>;

const SECOND = 1000;
const DAY = 86_400 * SECOND;
/** The clock of these tests: not on a whole second, as a real clock rarely is. */
const NOW = Date.parse('2025-06-15T12:34:56.789Z');
/** `NOW` as Files.com writes it (whole seconds, rounded down). */
const NOW_ISO = '2025-06-15T12:34:56Z';
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const ms = (row: Row, field = 'created_at') => Date.parse(String(row[field]));

function clientOf(emulator: Emulator) {
  return createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, fetch: emulator.fetch });
}

/** Every action log created at or after `since` (all of them without it). */
async function actionLogsSince(emulator: Emulator, since?: number): Promise<Row[]> {
  const params = since === undefined ? { per_page: 1000 } : { per_page: 1000, filter_gteq: { created_at: iso(since) } };
  return (await clientOf(emulator).actionLogs.list(params).toArray()) as Row[];
}

/** A clock the test moves. */
function testClock(start: number): { now: () => number; set(ms: number): void; advance(ms: number): void; readonly ms: number } {
  let t = start;
  return {
    now: () => t,
    set: (value) => void (t = value),
    advance: (delta) => void (t += delta),
    get ms() {
      return t;
    },
  };
}

describe('logsUntil: logs and history that end at the clock', () => {
  const options: EmulatorOptions = { seed: 3, actionLogs: 150_000, history: 70_000, listSize: 25, logsUntil: 'now', now: () => NOW };
  const emulator = createEmulator(options);
  const weekAgo = NOW - 7 * DAY;

  it('puts the last action log at the clock (whole seconds) and fills the last 7 days', async () => {
    const t = emulator.timeline('actionLogs');
    // 150,000 records 5 s apart: the last at 12:34:56Z, the first 749,995 s before.
    expect(iso(t.timeOf(150_000))).toBe(NOW_ISO);
    expect(t.first).toBe(Date.parse(NOW_ISO) - 149_999 * 5 * SECOND);
    expect(t.count).toBe(150_000);
    // 7 days are 120,960 steps of 5 s: records at now, now - 5 s, ... now - 604,795 s (the
    // one at now - 604,800 s is 0.789 s before the bound).
    expect(t.countBetween(weekAgo, NOW + 1)).toBe(120_960);
    const rows = await actionLogsSince(emulator, weekAgo);
    expect(rows).toHaveLength(120_960);
    expect(rows.at(-1)!['created_at']).toBe(NOW_ISO);
    expect(rows.every((row) => ms(row) >= weekAgo && ms(row) <= NOW)).toBe(true);
    expect(ms(rows[0]!)).toBe(Date.parse(NOW_ISO) - 120_959 * 5 * SECOND);
    // Nothing after the clock; the rest before the week.
    expect(await actionLogsSince(emulator, NOW)).toHaveLength(0);
    const before = await clientOf(emulator).actionLogs.list({ per_page: 1000, filter_lt: { created_at: iso(weekAgo) } }).toArray();
    expect(before).toHaveLength(150_000 - 120_960);
  });

  it('does the same for history (start_at, 10 s apart) and for the other time-ranged lists', async () => {
    const client = clientOf(emulator);
    const t = emulator.timeline('history');
    expect(iso(t.timeOf(70_000))).toBe(NOW_ISO);
    // 7 days are 60,480 steps of 10 s.
    expect(t.countBetween(weekAgo, NOW + 1)).toBe(60_480);
    const history = (await client.history.list({ per_page: 10_000, start_at: iso(weekAgo) }).toArray()) as Row[];
    expect(history).toHaveLength(60_480);
    expect(history.map((r) => r['id'])).toEqual(Array.from({ length: 60_480 }, (_, i) => 70_000 - 60_480 + 1 + i));
    expect(history.at(-1)!['when']).toBe(NOW_ISO);
    // API request logs: listSize (25) records 5 s apart, the last at the clock.
    const requests = (await client.apiRequestLogs.list({ filter_gteq: { created_at: iso(weekAgo) } }).toArray()) as Row[];
    expect(requests).toHaveLength(25);
    expect(requests.at(-1)!['created_at']).toBe(NOW_ISO);
    expect(emulator.timeline('apiRequestLogs').countBetween(weekAgo, NOW + 1)).toBe(25);
  });

  it('keeps a burst layout, the last record at the clock', async () => {
    const bursty = createEmulator({ ...options, actionLogs: 20_000, actionLogTimes: { burst: { share: 0.9, width: 0.05, at: 0.9 } } });
    const t = bursty.timeline('actionLogs');
    expect(iso(t.timeOf(20_000))).toBe(NOW_ISO);
    // The span (20,000 × 5 s, about 27.8 hours) is inside the last 7 days, the burst near its end.
    const rows = await actionLogsSince(bursty, weekAgo);
    expect(rows).toHaveLength(20_000);
    expect(rows.at(-1)!['created_at']).toBe(NOW_ISO);
    const times = rows.map((r) => ms(r));
    expect(times.every((x, i) => i === 0 || x >= times[i - 1]!)).toBe(true);
    const windowStart = t.first + 0.9 * t.span;
    const inWindow = t.countBetween(windowStart, windowStart + 0.05 * t.span);
    expect(inWindow).toBe(times.filter((x) => x >= windowStart && x < windowStart + 0.05 * t.span).length);
    expect(inWindow / 20_000).toBeGreaterThanOrEqual(0.899);
    // The last hour, from the timeline and from the list.
    const lastHour = await actionLogsSince(bursty, NOW - 3600 * SECOND);
    expect(lastHour).toHaveLength(t.countBetween(NOW - 3600 * SECOND, NOW + 1));
  });

  it('accepts a Date or epoch milliseconds, and leaves the default (2024-01-01) unchanged', async () => {
    const until = Date.parse('2025-01-31T23:59:59Z');
    for (const logsUntil of [new Date(until), until]) {
      const e = createEmulator({ seed: 3, actionLogs: 100, logsUntil, now: () => NOW });
      expect(iso(e.timeline('actionLogs').timeOf(100))).toBe('2025-01-31T23:59:59Z');
      const rows = await actionLogsSince(e);
      expect(rows).toHaveLength(100);
      expect(rows.at(-1)!['created_at']).toBe('2025-01-31T23:59:59Z');
    }
    const plain = createEmulator({ seed: 3, actionLogs: 100, now: () => NOW });
    expect(iso(plain.timeline('actionLogs').first)).toBe('2024-01-01T00:00:05Z');
    expect(await actionLogsSince(plain, weekAgo)).toHaveLength(0);
  });

  it('is deterministic for a seed and a clock', async () => {
    const a = createEmulator({ ...options, actionLogs: 3_000 });
    const b = createEmulator({ ...options, actionLogs: 3_000 });
    const rowsA = await actionLogsSince(a, NOW - DAY);
    expect(rowsA).toHaveLength(3_000);
    expect(JSON.stringify(await actionLogsSince(b, NOW - DAY))).toBe(JSON.stringify(rowsA));
  });

  it('refuses malformed values', () => {
    expect(() => createEmulator({ logsUntil: 'yesterday' as 'now' })).toThrow(RangeError);
    expect(() => createEmulator({ logsUntil: new Date(Number.NaN) })).toThrow(RangeError);
    expect(() => createEmulator({ logRate: 0 })).toThrow(RangeError);
    expect(() => createEmulator({ logRate: -1 })).toThrow(RangeError);
    expect(() => createEmulator({ logRate: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('logRate: records that keep arriving', () => {
  /** 12:00:00.250: arrivals fall on whole seconds after it. */
  const T0 = Date.parse('2025-06-15T12:00:00.250Z');
  const T0_ISO = '2025-06-15T12:00:00Z';

  function growing(clock: { now: () => number }, extra: EmulatorOptions = {}): Emulator {
    return createEmulator({ seed: 8, actionLogs: 1000, history: 500, listSize: 25, logsUntil: 'now', logRate: 50, now: clock.now, ...extra });
  }

  it('shows N at T, N + 10 × rate at T + 10 s, the new ones newer than every old one and than T', async () => {
    const clock = testClock(T0);
    const emulator = growing(clock);
    const atT = await actionLogsSince(emulator);
    expect(atT).toHaveLength(1000);
    expect(atT.at(-1)!['created_at']).toBe(T0_ISO);
    expect(emulator.timeline('actionLogs').count).toBe(1000);

    clock.advance(10 * SECOND);
    const later = await actionLogsSince(emulator);
    expect(later).toHaveLength(1500);
    expect(emulator.timeline('actionLogs').count).toBe(1500);
    // The old records are unchanged; the 500 new ones follow, 50 on each of the 10 seconds after T.
    expect(JSON.stringify(later.slice(0, 1000))).toBe(JSON.stringify(atT));
    const fresh = later.slice(1000);
    expect(fresh.every((row) => ms(row) > T0 && ms(row) <= clock.ms)).toBe(true);
    const perSecond = new Map<string, number>();
    for (const row of fresh) perSecond.set(String(row['created_at']), (perSecond.get(String(row['created_at'])) ?? 0) + 1);
    expect([...perSecond]).toEqual(Array.from({ length: 10 }, (_, i) => [iso(Date.parse(T0_ISO) + (i + 1) * SECOND), 50]));
    // The timeline knows when each record arrives, arrived or not.
    const t = emulator.timeline('actionLogs');
    expect([t.initialCount, t.rate]).toEqual([1000, 50]);
    expect(iso(t.timeOf(1001))).toBe('2025-06-15T12:00:01Z');
    expect(iso(t.timeOf(1550))).toBe('2025-06-15T12:00:11Z');
    expect(t.countBetween(T0, T0 + 60 * SECOND)).toBe(500);
    // A range that reaches into the future holds only what has arrived: from 12:00:05.250,
    // the arrivals of 12:00:06 to 12:00:10.
    const client = clientOf(emulator);
    const future = await client.actionLogs.list({ filter_gteq: { created_at: iso(T0 + 5 * SECOND) }, filter_lt: { created_at: iso(T0 + 60 * SECOND) } }).toArray();
    expect(future).toHaveLength(250);
  });

  it('never shows a record in the past of a clock already served: a consumer with a lag misses none', async () => {
    const clock = testClock(T0);
    const emulator = growing(clock, { logRate: 7 });
    const client = clientOf(emulator);
    let served = clock.ms;
    let seen = await actionLogsSince(emulator);
    expect(seen).toHaveLength(1000);
    // A consumer that reads [position, clock - lag) at each tick, with a lag of 2 s.
    const lag = 2 * SECOND;
    let position = Date.parse('2020-01-01T00:00:00Z');
    const consumed: Row[] = [];
    const steps = [300, 700, 1_000, 2_500, 50, 950, 4_000, 10, 990, 3_333, 6_000];
    for (const step of steps) {
      clock.advance(step);
      const now = await actionLogsSince(emulator);
      // Only records that were not there before appear, at the end, after the clock served before.
      expect(JSON.stringify(now.slice(0, seen.length))).toBe(JSON.stringify(seen));
      expect(now.slice(seen.length).every((row) => ms(row) > served && ms(row) <= clock.ms)).toBe(true);
      // Exactly 1000 + floor(whole seconds since 12:00:00 × 7).
      expect(now).toHaveLength(1000 + Math.floor((clock.ms - Date.parse(T0_ISO)) / SECOND) * 7);
      seen = now;
      served = clock.ms;
      const until = clock.ms - lag;
      consumed.push(...((await client.actionLogs.list({ filter_gteq: { created_at: iso(position) }, filter_lt: { created_at: iso(until) } }).toArray()) as Row[]));
      position = until;
    }
    // 19.833 s later, at 12:00:20.083: 20 whole seconds of 7 records, 18 of them before the lag.
    expect(clock.ms - T0).toBe(19_833);
    expect(seen).toHaveLength(1000 + 20 * 7);
    const expected = seen.filter((row) => ms(row) < position);
    expect(consumed).toHaveLength(expected.length);
    expect(JSON.stringify(consumed)).toBe(JSON.stringify(expected));
    expect(consumed).toHaveLength(1000 + 18 * 7);
  });

  it('gives the same records for the same seed and clock, other records for another seed', async () => {
    const clocks = [testClock(T0), testClock(T0), testClock(T0)];
    const [a, b, c] = clocks.map((clock, i) => growing(clock, i === 2 ? { seed: 9 } : {}));
    for (const clock of clocks) clock.advance(10 * SECOND);
    const [rowsA, rowsB, rowsC] = await Promise.all([a!, b!, c!].map((e) => actionLogsSince(e, T0)));
    expect(rowsA).toHaveLength(500);
    expect(JSON.stringify(rowsB)).toBe(JSON.stringify(rowsA));
    expect(rowsC).toHaveLength(500);
    expect(rowsC.map((r) => r['created_at'])).toEqual(rowsA!.map((r) => r['created_at']));
    expect(JSON.stringify(rowsC)).not.toBe(JSON.stringify(rowsA));
    // History too.
    const [hA, hB] = await Promise.all([a!, b!].map((e) => clientOf(e).history.list({ start_at: iso(T0) }).toArray()));
    expect(hA).toHaveLength(500);
    expect(JSON.stringify(hB)).toBe(JSON.stringify(hA));
  });

  it('grows history (ids after the initial ones, start_at and end_at) at the same rate', async () => {
    const clock = testClock(T0);
    const emulator = growing(clock);
    const client = clientOf(emulator);
    expect(await client.history.list().toArray()).toHaveLength(500);
    clock.advance(10 * SECOND);
    const all = (await client.history.list({ per_page: 300 }).toArray()) as Row[];
    expect(all.map((r) => r['id'])).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(all.slice(500).every((r) => ms(r, 'when') > T0 && ms(r, 'when') <= clock.ms)).toBe(true);
    const recent = await client.history.list({ start_at: iso(T0 + 3 * SECOND), end_at: iso(T0 + 30 * SECOND) }).toArray();
    // From 12:00:03.250: the arrivals of 12:00:04 to 12:00:10; nothing after the clock.
    expect(recent).toHaveLength(7 * 50);
    expect(emulator.timeline('history').countBetween(T0 + 3 * SECOND, T0 + 30 * SECOND)).toBe(350);
    // Newest first: the newest arrival leads.
    const newest = (await client.history.list({ per_page: 5, sort_by: { created_at: 'desc' } }).take(5).toArray()) as Row[];
    expect(newest.map((r) => r['id'])).toEqual([1000, 999, 998, 997, 996]);
  });

  it('grows the other time-ranged lists, keeps arrivals when the clock goes back, and takes fractional rates', async () => {
    const clock = testClock(T0);
    const emulator = growing(clock, { logRate: 0.5 });
    const client = clientOf(emulator);
    expect(await client.apiRequestLogs.list().toArray()).toHaveLength(25);
    clock.advance(3 * SECOND);
    expect(await client.apiRequestLogs.list().toArray()).toHaveLength(26);
    clock.advance(7 * SECOND);
    const after10 = (await client.apiRequestLogs.list().toArray()) as Row[];
    expect(after10).toHaveLength(30);
    expect(after10.slice(25).map((r) => r['created_at'])).toEqual(['12:00:02', '12:00:04', '12:00:06', '12:00:08', '12:00:10'].map((s) => `2025-06-15T${s}Z`));
    expect(emulator.timeline('apiRequestLogs').count).toBe(30);
    expect(await actionLogsSince(emulator)).toHaveLength(1005);
    // Back in time: what arrived stays (a cursor or a count already served never shrinks).
    clock.set(T0);
    expect(await client.apiRequestLogs.list().toArray()).toHaveLength(30);
    expect(emulator.timeline('actionLogs').count).toBe(1005);
  });

  it('grows from the clock when the initial logs keep their 2024 dates', async () => {
    const clock = testClock(T0);
    const emulator = createEmulator({ seed: 8, actionLogs: 100, logRate: 2, now: clock.now });
    expect(iso(emulator.timeline('actionLogs').first)).toBe('2024-01-01T00:00:05Z');
    clock.advance(5 * SECOND);
    const rows = await actionLogsSince(emulator);
    expect(rows).toHaveLength(110);
    expect(rows.slice(100).every((r) => ms(r) > T0 && ms(r) <= clock.ms)).toBe(true);
    expect(rows[100]!['created_at']).toBe('2025-06-15T12:00:01Z');
  });
});

describe('README: logs up to now, and logs that keep arriving', () => {
  it('runs the example as written', async () => {
    let clock = Date.parse('2025-06-15T12:00:00Z');
    const emulator = createEmulator({ actionLogs: 1000, logsUntil: 'now', logRate: 50, now: () => clock });
    clock += 10_000;
    const rows = await actionLogsSince(emulator);
    expect(rows).toHaveLength(1500);
    expect([rows[1000]!['created_at'], rows[1499]!['created_at']]).toEqual(['2025-06-15T12:00:01Z', '2025-06-15T12:00:10Z']);
    expect(emulator.timeline('actionLogs').count).toBe(1500);
  });
});
