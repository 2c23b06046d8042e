// A small range is not split into more requests than it has records ("--parallel over a
// 10-second range sent 7 requests for 2 records"): before any density is known, the first
// request asks for the whole range; a range holding less than a page is that one request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { parseNdjson } from '../helpers/parse-output.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

let site: TestEmulator;
beforeAll(async () => {
  // One action log every 5 s: [timeOf(1), timeOf(1) + 10 s) holds records 1 and 2.
  site = await startEmulator({ seed: 1, actionLogs: 1000 });
});
afterAll(async () => {
  await site?.close();
});

const listRequests = () => site.emulator.requests.filter((r) => r.operation === 'actionLogs.list');

describe('a 10-second range holding 2 records, 8 workers', () => {
  it('files-stream export --parallel 8: one request, both records', async () => {
    const t = site.emulator.timeline('actionLogs');
    const since = t.timeOf(1);
    expect(t.countBetween(since, since + 10_000)).toBe(2);
    for (const order of [[], ['--unordered']]) {
      site.emulator.resetLog();
      const run = await runInProcess(['--base-url', site.baseUrl, '--api-key', site.apiKey, 'export', 'actionLogs', '--since', iso(since), '--until', iso(since + 10_000), '--parallel', '8', ...order]);
      expect(run.code, run.stderr).toBe(0);
      expect(parseNdjson<{ created_at: string }>(run.stdout).map((r) => r.created_at)).toEqual([iso(t.timeOf(1)), iso(t.timeOf(2))]);
      expect(listRequests(), order.join(' ')).toHaveLength(1);
    }
  });

  it('the library, partition { since, until, concurrency: 8 }: one request, asking for the whole range', async () => {
    const t = site.emulator.timeline('actionLogs');
    const since = t.timeOf(1);
    site.emulator.resetLog();
    const got = await site.client.actionLogs.list({}, { partition: { since, until: since + 10_000, concurrency: 8 } }).toArray();
    expect(got).toHaveLength(2);
    const requests = listRequests();
    expect(requests).toHaveLength(1);
    expect(Date.parse(requests[0]!.query['filter_gteq[created_at]']!)).toBe(since);
    expect(Date.parse(requests[0]!.query['filter_lt[created_at]']!)).toBe(since + 10_000);
  });

  it('a range of a few pages still goes out side by side once the first page shows its density', async () => {
    const t = site.emulator.timeline('actionLogs');
    site.emulator.resetLog();
    site.emulator.setFaults({ latencyMs: 10 });
    try {
      // 1,000 records, 20 a page: the first page, then slices of about a page each, 8 at a time.
      const got = await site.client.actionLogs.list({ per_page: 20 }, { partition: { since: t.first, until: t.first + t.span, concurrency: 8 } }).toArray();
      expect(got).toHaveLength(1000);
    } finally {
      site.emulator.setFaults({});
    }
    expect(Date.parse(listRequests()[0]!.query['filter_lt[created_at]']!)).toBe(t.first + t.span);
    expect(site.emulator.stats.peakInFlight).toBeGreaterThanOrEqual(4);
    expect(listRequests().length).toBeLessThanOrEqual(Math.ceil((1000 / 20) * 1.25));
  });
});
