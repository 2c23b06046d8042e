// Times a person gives (`--since 24h`, `partition: { since: 'yesterday' }`): ISO 8601 as
// before, or relative to a `now` resolved once, in UTC.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, InvalidParameterError } from '../../src/index.js';
import { isRelativeTime, readTime, resolveTime } from '../../src/core/time.js';
import { createEmulator } from '../../src/testing/index.js';

/** A fixed now: 2024-05-15T13:45:30.250Z, a Wednesday afternoon. */
const NOW = Date.parse('2024-05-15T13:45:30.250Z');
const at = (iso: string) => Date.parse(iso);

describe('resolveTime', () => {
  it('now, today and yesterday: the instant itself, 00:00 UTC of its day and of the day before', () => {
    expect(resolveTime('now', NOW)).toBe(NOW);
    expect(resolveTime('today', NOW)).toBe(at('2024-05-15T00:00:00Z'));
    expect(resolveTime('yesterday', NOW)).toBe(at('2024-05-14T00:00:00Z'));
    // Any case, spaces around.
    expect(resolveTime(' NOW ', NOW)).toBe(NOW);
    expect(resolveTime('Yesterday', NOW)).toBe(at('2024-05-14T00:00:00Z'));
    // Across a month and a year: UTC days, whatever the machine's zone.
    expect(resolveTime('yesterday', at('2024-03-01T00:00:00Z'))).toBe(at('2024-02-29T00:00:00Z'));
    expect(resolveTime('today', at('2025-01-01T23:59:59.999Z'))).toBe(at('2025-01-01T00:00:00Z'));
    expect(resolveTime('yesterday', at('2025-01-01T00:00:00Z'))).toBe(at('2024-12-31T00:00:00Z'));
  });

  it('<n><unit>: n seconds, minutes, hours, days or weeks before now; a leading - changes nothing', () => {
    expect(resolveTime('45s', NOW)).toBe(NOW - 45_000);
    expect(resolveTime('90m', NOW)).toBe(NOW - 90 * 60_000);
    expect(resolveTime('24h', NOW)).toBe(at('2024-05-14T13:45:30.250Z'));
    expect(resolveTime('7d', NOW)).toBe(at('2024-05-08T13:45:30.250Z'));
    expect(resolveTime('2w', NOW)).toBe(at('2024-05-01T13:45:30.250Z'));
    expect(resolveTime('0s', NOW)).toBe(NOW);
    expect(resolveTime('-7d', NOW)).toBe(resolveTime('7d', NOW));
  });

  it('ISO 8601 as before, read as UTC without a zone, whatever now is', () => {
    expect(resolveTime('2024-05-01', NOW)).toBe(at('2024-05-01T00:00:00Z'));
    expect(resolveTime('2024-05-01T12:00:00', 0)).toBe(at('2024-05-01T12:00:00Z'));
    expect(resolveTime('2024-05-01T14:00+02:00', NOW)).toBe(at('2024-05-01T12:00:00Z'));
  });

  it.each(['', 'tomorrow', '7', '1.5h', '7 d', '7D', '+7d', '7days', '1mo', '1y', '24hours', 'now-1h', '1714560000', '2024-13-01'])(
    'refuses %j (NaN)',
    (text) => {
      expect(resolveTime(text, NOW)).toBeNaN();
    },
  );
});

describe('readTime', () => {
  it('names every form it takes when the text is none of them', () => {
    expect(readTime('tomorrow', NOW)).toEqual({
      error: 'not an ISO 8601 date or date-time (2024-05-01, 2024-05-01T12:00:00Z), now, today, yesterday, or a time ago as a whole number and a unit s, m, h, d or w (90m, 24h, 7d)',
    });
  });

  it('keeps the ISO reader\'s own reason for a date out of range', () => {
    expect(readTime('2023-02-29', NOW)).toEqual({ error: 'not a valid date-time' });
  });
});

describe('isRelativeTime', () => {
  it('true for the forms resolved against now, false for instants and for what is no time', () => {
    for (const text of ['now', 'TODAY', 'yesterday', '24h', '-7d', ' 90m ']) expect(isRelativeTime(text), text).toBe(true);
    for (const text of ['2024-05-01', '2024-05-01T00:00:00Z', 'tomorrow', '7']) expect(isRelativeTime(text), text).toBe(false);
  });
});

describe("the library's partition.since / until as relative strings", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("'2h' to '1h': the records of that hour before now, the range sent as those instants", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const emulator = createEmulator({ apiKey: 'k', actionLogs: 2000, logsUntil: NOW });
    const client = createClient({ apiKey: 'k', fetch: emulator.fetch });
    const records = await client.actionLogs.list({}, { partition: { since: '2h', until: '1h', concurrency: 2 } }).toArray();
    const t = emulator.timeline('actionLogs');
    expect(records).toHaveLength(t.countBetween(NOW - 7_200_000, NOW - 3_600_000));
    expect(records.length).toBeGreaterThan(600);
    const bounds = emulator.requests.flatMap((r) => [r.query['filter_gteq[created_at]'], r.query['filter_lt[created_at]']]).filter(Boolean);
    expect(Math.min(...bounds.map((b) => Date.parse(b!)))).toBe(NOW - 7_200_000);
    expect(Math.max(...bounds.map((b) => Date.parse(b!)))).toBe(NOW - 3_600_000);
  });

  it('a string that is no time is an InvalidParameterError before any request', () => {
    const emulator = createEmulator({ apiKey: 'k' });
    const client = createClient({ apiKey: 'k', fetch: emulator.fetch });
    expect(() => client.actionLogs.list({}, { partition: { since: 'last week' } })).toThrow(InvalidParameterError);
    expect(emulator.stats.total).toBe(0);
  });
});
