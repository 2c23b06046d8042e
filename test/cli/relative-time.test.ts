// `--since 24h`, `--until now`, `--since yesterday` (issue #22, item 6): resolved once per run
// against one now (to the second, UTC), written to the checkpoint as the instant, and on a
// rerun the checkpoint's instant wins over a new resolution. The machine's clock is set (only
// `Date`: timers run as usual) so the instants are exact.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runInProcess } from '../helpers/cli-in-process.js';
import { operationCount, startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { parseNdjson } from '../helpers/parse-output.js';
import { useTempDirs } from '../helpers/temp-dir.js';

/** The logs' last record: one every 5 s before it (1000 of them, 83 minutes). */
const LOGS_UNTIL = Date.parse('2025-06-15T12:00:00Z');
/** The first run's clock: a little after the last record, not on a whole second. */
const NOW = LOGS_UNTIL + 30_700;
const iso = (ms: number) => new Date(ms).toISOString();
const tempDir = useTempDirs();

let site: TestEmulator;
let args: string[];
beforeAll(async () => {
  site = await startEmulator({ seed: 3, actionLogs: 1000, logsUntil: LOGS_UNTIL });
  args = ['--base-url', site.baseUrl, '--api-key', site.apiKey];
});
afterAll(async () => {
  await site?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the CLI with the machine's clock at `now`. */
async function cliAt(now: number, argv: string[]) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now);
  try {
    return await runInProcess([...args, ...argv]);
  } finally {
    vi.useRealTimers();
  }
}

/** The range a checkpoint saved. */
async function savedRange(path: string): Promise<unknown> {
  return (JSON.parse(await readFile(path, 'utf8')) as { export: { range: unknown } }).export.range;
}

describe('export --since / --until relative to now', () => {
  it('--since 1h --checkpoint: the checkpoint holds the instant (now to the second, minus an hour); the records are exactly those', async () => {
    const dir = await tempDir();
    const [out, checkpoint] = [join(dir, 'o.ndjson'), join(dir, 'o.ckpt')];
    const run = await cliAt(NOW, ['export', 'actionLogs', '--since', '1h', '--out', out, '--checkpoint', checkpoint, '--per-page', '100']);
    expect(run.code, run.stderr).toBe(0);
    const second = Math.floor(NOW / 1000) * 1000;
    expect(await savedRange(checkpoint)).toEqual({ since: iso(second - 3_600_000), until: iso(second) });
    const t = site.emulator.timeline('actionLogs');
    const records = parseNdjson<{ created_at: string }>(await readFile(out, 'utf8'));
    expect(records).toHaveLength(t.countBetween(second - 3_600_000, second));
    expect(records.length).toBeGreaterThan(600); // about one every 5 s
  });

  it('a rerun hours later with the same --since 1h resumes the saved range (the checkpoint wins), sends nothing, and says so', async () => {
    const dir = await tempDir();
    const base = ['export', 'actionLogs', '--since', '1h', '--until', 'now', '--out', join(dir, 'o.ndjson'), '--checkpoint', join(dir, 'o.ckpt')];
    expect((await cliAt(NOW, base)).code).toBe(0);
    const saved = await savedRange(join(dir, 'o.ckpt'));
    site.emulator.resetLog();
    const rerun = await cliAt(NOW + 3 * 3_600_000, base);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/already complete per checkpoint/);
    expect(rerun.stderr).toContain('(--since and --until as the first run resolved them, per the checkpoint)');
    expect(operationCount(site.emulator, 'actionLogs.list')).toBe(0);
    expect(await savedRange(join(dir, 'o.ckpt'))).toEqual(saved);
    // An instant of its own that differs is still refused.
    const other = await cliAt(NOW, [...base.slice(0, 3), '2025-06-15T10:00:00Z', ...base.slice(4)]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/was saved by a different export: since/);
  });

  it('--since 24h --until now is one fixed range of exactly a day; yesterday and today are 00:00 UTC', async () => {
    const second = Math.floor(NOW / 1000) * 1000;
    const day = await cliAt(NOW, ['export', 'actionLogs', '--since', '24h', '--until', 'now', '--limit', '1']);
    expect(day.code, day.stderr).toBe(0);
    expect(day.stderr).toContain(`created ${iso(second - 86_400_000).replace('.000Z', 'Z')}..${iso(second).replace('.000Z', 'Z')}:`);
    const days = await cliAt(NOW, ['export', 'actionLogs', '--since', 'yesterday', '--until', 'today', '--limit', '1']);
    expect(days.code, days.stderr).toBe(0);
    expect(days.stderr).toContain('created 2025-06-14T00:00:00Z..2025-06-15T00:00:00Z:');
  });

  it('--shard with a bound relative to now: exit 2 (each machine would cut another range), nothing sent', async () => {
    site.emulator.resetLog();
    const run = await runInProcess([...args, 'export', 'actionLogs', '--since', '2025-06-01', '--until', 'now', '--shard', '1/2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --shard needs --until as an instant \(2024-05-01T00:00:00Z\), not relative to now/);
    expect(site.emulator.stats.total).toBe(0);
  });

  it('a time that is none of the forms: exit 2 naming them, nothing sent', async () => {
    site.emulator.resetLog();
    const run = await runInProcess([...args, 'export', 'actionLogs', '--since', '3 days']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"3 days" is not an ISO 8601 date or date-time \(2024-05-01, 2024-05-01T12:00:00Z\), now, today, yesterday, or a time ago as a whole number and a unit s, m, h, d or w/);
    expect(site.emulator.stats.total).toBe(0);
  });
});

describe('sync --since relative to now', () => {
  it('--since 2h --until 1h: the run covers that hour, resolved against one now', async () => {
    const dir = await tempDir();
    const run = await cliAt(NOW, ['sync', 'actionLogs', '--to', `parquet:${join(dir, 'lake')}`, '--since', '2h', '--until', '1h']);
    expect(run.code, run.stderr).toBe(0);
    const second = Math.floor(NOW / 1000) * 1000;
    const t = site.emulator.timeline('actionLogs');
    const [from, to] = [second - 7_200_000, second - 3_600_000];
    expect(run.stderr).toContain(`created ${iso(from).replace('.000Z', 'Z')}..${iso(to).replace('.000Z', 'Z')}: ${t.countBetween(from, to)} rows appended`);
  });
});
