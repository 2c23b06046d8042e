// `files-stream export <op> --since --until --parallel [--unordered] [--shard K/N]`, in this
// process against an emulator over HTTP: exact records and order at boundaries (records on a
// boundary second), every output format, shards whose union is the whole export, usage errors
// before anything is sent, the checkpoint keeping the resolved range, and an abort through an
// AbortSignal (no request after it, no temporary file left).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { InterruptedError } from '../../src/cli/errors/interrupted.js';
import { exportOperation, type ExportIo, type ExportJob } from '../../src/cli/export/export-operation.js';
import { shardOf } from '../../src/cli/export/time-range.js';
import { parseInstant } from '../../src/cli/option-parsers.js';
import { CheckpointError } from '../../src/cli/checkpoint/checkpoint-error.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { csvRecords, parseNdjson } from '../helpers/parse-output.js';
import { useTempDirs } from '../helpers/temp-dir.js';
import { PassThrough } from 'node:stream';

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const tempDir = useTempDirs();

/** 3,000 action logs, 90% of them in 5% of their span: many records on each second there. */
const LOGS = 3000;
let site: TestEmulator;
let args: string[];

beforeAll(async () => {
  site = await startEmulator({ seed: 5, actionLogs: LOGS, actionLogTimes: { burst: { share: 0.9, width: 0.05 } } });
  args = ['--base-url', site.baseUrl, '--api-key', site.apiKey];
});
afterAll(async () => {
  await site?.close();
});

/** Runs the CLI here; fails the test with stderr when it does not exit 0. */
async function exportOk(argv: string[]): Promise<string> {
  const run = await runInProcess([...args, 'export', ...argv]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout;
}

/** The plain cursor chain's export of `[since, until)`: the server's own filters, no partition. */
function sequential(since: number, until: number, more: string[] = []): Promise<string> {
  return exportOk(['actionLogs', '--param', `filter_gteq[created_at]=${iso(since)}`, '--param', `filter_lt[created_at]=${iso(until)}`, '--per-page', '100', ...more]);
}

/** Seconds of the timeline that hold several records (inside the burst), as boundaries. */
function denseSeconds(): { since: number; until: number; mid: number[] } {
  const t = site.emulator.timeline('actionLogs');
  const dense: number[] = [];
  for (let id = 2; id <= t.count; id++) if (t.timeOf(id) === t.timeOf(id - 1) && dense.at(-1) !== t.timeOf(id)) dense.push(t.timeOf(id));
  expect(dense.length).toBeGreaterThan(100);
  return { since: dense[10]!, until: dense[dense.length - 10]!, mid: dense };
}

describe('--since / --until / --parallel: exactly the records of [since, until), in order', () => {
  it('boundaries on seconds holding several records: the first second in, the last out, the count exact', async () => {
    const { since, until } = denseSeconds();
    const t = site.emulator.timeline('actionLogs');
    const expected = t.countBetween(since, until);
    const reference = await sequential(since, until);
    expect(parseNdjson(reference)).toHaveLength(expected);
    for (const parallel of ['1', '3', '8']) {
      const text = await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', parallel, '--per-page', '25']);
      const records = parseNdjson<{ created_at: string }>(text);
      expect(records).toHaveLength(expected);
      expect(records[0]!.created_at).toBe(iso(since));
      expect(records.filter((r) => r.created_at === iso(since)).length).toBe(t.countBetween(since, since + 1000));
      expect(records.some((r) => r.created_at === iso(until))).toBe(false);
      // In order, and the very records of the cursor chain (same order within a second too).
      expect(text, `--parallel ${parallel}`).toBe(reference);
    }
  });

  it('--unordered: the same records, each once, in arrival order', async () => {
    const { since, until } = denseSeconds();
    const reference = (await sequential(since, until)).split('\n').filter(Boolean).sort();
    const text = await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', '6', '--unordered', '--per-page', '25']);
    expect(text.split('\n').filter(Boolean).sort()).toEqual(reference);
  });

  it('--parallel defaults to 4 with --since; the slices are requested with created_at ranges that meet on whole seconds', async () => {
    const { since, until } = denseSeconds();
    site.emulator.resetLog();
    // A little latency, so that requests are in flight together.
    site.emulator.setFaults({ latencyMs: 15 });
    try {
      await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--per-page', '25']);
    } finally {
      site.emulator.setFaults({});
    }
    const requests = site.emulator.requests.filter((r) => r.operation === 'actionLogs.list');
    const bounds = new Set(requests.flatMap((r) => [r.query['filter_gteq[created_at]'], r.query['filter_lt[created_at]']]));
    expect(bounds.size).toBeGreaterThan(4);
    for (const b of bounds) expect(Date.parse(b!) % 1000).toBe(0);
    expect(site.emulator.stats.peakInFlight).toBeLessThanOrEqual(4);
    expect(site.emulator.stats.peakInFlight).toBe(4);
  });

  it('every output format: the records of the cursor chain, in the same order (ndjson, csv, json)', async () => {
    const { since, until } = denseSeconds();
    for (const format of ['ndjson', 'csv', 'json']) {
      const more = ['--format', format, ...(format === 'csv' ? ['--fields', 'created_at,username,path,action'] : [])];
      const parallel = await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', '5', '--per-page', '40', ...more]);
      expect(parallel, format).toBe(await sequential(since, until, more));
      if (format === 'json') expect((JSON.parse(parallel) as unknown[]).length).toBe(site.emulator.timeline('actionLogs').countBetween(since, until));
      if (format === 'csv') expect(csvRecords(parallel).length).toBe(site.emulator.timeline('actionLogs').countBetween(since, until));
    }
  });

  it('the whole log (since its first record, until after its last): every record once', async () => {
    const t = site.emulator.timeline('actionLogs');
    const text = await exportOk(['actionLogs', '--since', iso(t.first), '--until', iso(t.first + t.span), '--parallel', '8']);
    expect(parseNdjson(text)).toHaveLength(LOGS);
    expect(text).toBe(await sequential(t.first, t.first + t.span));
  });
});

describe('history: start_at / end_at, inclusive at both ends', () => {
  // BUG (reported, library): a partitioned listing reads each record's `created_at`, but history
  // records (the spec's Action model) carry their time as `when`: the export fails with "a record
  // has no usable created_at". When the library reads `when` for these operations, this passes.
  it('history --since: every record of the range once, in order, none at --until', async () => {
    const t = site.emulator.timeline('history');
    const since = t.timeOf(100);
    const until = t.timeOf(700);
    const parallel = await exportOk(['history', '--since', iso(since), '--until', iso(until), '--parallel', '4', '--per-page', '50']);
    const reference = await exportOk(['history', '--param', `start_at=${iso(since)}`, '--param', `end_at=${iso(until - 1000)}`, '--per-page', '100']);
    expect(parseNdjson(parallel)).toHaveLength(t.countBetween(since, until));
    expect(parallel).toBe(reference);
  });
});

describe('--shard K/N', () => {
  it('the union of shards 1/N..N/N is the whole export, each record once, each shard in order (N = 3, 7, 16)', async () => {
    const { since, until } = denseSeconds();
    const whole = await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--parallel', '4', '--per-page', '50']);
    for (const n of [3, 7, 16]) {
      const parts: string[] = [];
      for (let k = 1; k <= n; k++) {
        parts.push(await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--shard', `${k}/${n}`, '--parallel', '3', '--per-page', '50']));
      }
      expect(parts.filter((p) => p !== '').length, `N=${n}: shards hold records`).toBeGreaterThan(1);
      expect(parts.join(''), `N=${n}`).toBe(whole);
    }
  });

  it('a range of fewer seconds than shards: some shards are empty (valid empty output), the union is still the whole', async () => {
    const { mid } = denseSeconds();
    const since = mid[50]!;
    const until = since + 3000;
    const whole = await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until)]);
    expect(parseNdjson(whole).length).toBeGreaterThan(3);
    const parts: string[] = [];
    const arrays: unknown[] = [];
    for (let k = 1; k <= 8; k++) {
      parts.push(await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--shard', `${k}/8`]));
      arrays.push(...(JSON.parse(await exportOk(['actionLogs', '--since', iso(since), '--until', iso(until), '--shard', `${k}/8`, '--format', 'json'])) as unknown[]));
    }
    expect(parts.filter((p) => p === '').length).toBe(5);
    expect(parts.join('')).toBe(whole);
    expect(arrays).toEqual(parseNdjson(whole));
  });

  it('parts meet on whole seconds, cover [since, until) exactly, in order (any range, any N)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 5e10 }), fc.integer({ min: 1, max: 500 }), (since, width, n) => {
        const range = { since, until: since + width };
        let at = range.since;
        for (let k = 1; k <= n; k++) {
          const part = shardOf(range, { index: k, count: n });
          expect(part.since).toBe(at);
          expect(part.until).toBeGreaterThanOrEqual(part.since);
          if (k < n) expect(part.until % 1000 === 0 || part.until === range.until).toBe(true);
          at = part.until;
        }
        expect(at).toBe(range.until);
      }),
      { numRuns: 300 },
    );
    // As split -n K/N: equal parts when they divide evenly.
    const day = Date.parse('2024-05-01T00:00:00Z');
    expect([1, 2, 3, 4].map((k) => iso(shardOf({ since: day, until: day + 86_400_000 }, { index: k, count: 4 }).since))).toEqual([
      '2024-05-01T00:00:00Z',
      '2024-05-01T06:00:00Z',
      '2024-05-01T12:00:00Z',
      '2024-05-01T18:00:00Z',
    ]);
  });
});

describe('usage errors: exit 2 with a clear message, before anything is sent or written', () => {
  const since = '2024-01-01T00:00:00Z';
  const until = '2024-01-02T00:00:00Z';
  const cases: [string, string[], RegExp][] = [
    ['--parallel without --since', ['actionLogs', '--parallel', '4'], /^error: --parallel needs --since/],
    ['--until without --since', ['actionLogs', '--until', until], /^error: --until needs --since/],
    ['--unordered and --shard without --since', ['actionLogs', '--unordered', '--shard', '1/2'], /^error: --unordered and --shard need --since/],
    ['an operation without a created_at range', ['users', '--since', since], /^error: users takes no created_at range.*actionLogs, history/],
    ['a folder listing', ['folders.listFor', '/', '--since', since], /^error: folders\.listFor takes no created_at range.*files-stream operations marks them/],
    ['--since not a date', ['actionLogs', '--since', 'last-week'], /^error: option '--since <instant>' argument 'last-week' is invalid\. "last-week" is not an ISO 8601 date or date-time \(2024-05-01, 2024-05-01T12:00:00Z\), now, today, yesterday, or a time ago/],
    ['--since not a real day', ['actionLogs', '--since', '2024-02-30'], /is not a valid date-time/],
    ['--until before 1970', ['actionLogs', '--since', since, '--until', '1969-12-31'], /before 1970/],
    ['--since after --until', ['actionLogs', '--since', until, '--until', since], /^error: --since 2024-01-02T00:00:00Z is not before --until 2024-01-01T00:00:00Z: the range is empty/],
    ['--since equal to --until', ['actionLogs', '--since', since, '--until', '2024-01-01'], /the range is empty/],
    ['--since in the future (until now)', ['actionLogs', '--since', '2999-01-01'], /is not before --until .*now, the default/],
    ['--shard 0/4', ['actionLogs', '--since', since, '--until', until, '--shard', '0/4'], /argument '0\/4' is invalid\. expected K\/N with 1 <= K <= N/],
    ['--shard 5/4', ['actionLogs', '--since', since, '--until', until, '--shard', '5/4'], /argument '5\/4' is invalid/],
    ['--shard 1-4', ['actionLogs', '--since', since, '--until', until, '--shard', '1-4'], /argument '1-4' is invalid/],
    ['--shard without --until', ['actionLogs', '--since', since, '--shard', '1/4'], /^error: --shard needs --until/],
    ['--parallel 0', ['actionLogs', '--since', since, '--parallel', '0'], /argument '0' is invalid\. expected an integer from 1 to 64/],
    ['--parallel 65', ['actionLogs', '--since', since, '--parallel', '65'], /argument '65' is invalid/],
    ['--parallel x', ['actionLogs', '--since', since, '--parallel', 'x'], /argument 'x' is invalid/],
    ['--sort with --since', ['actionLogs', '--since', since, '--sort', 'created_at:desc'], /^error: --sort does not apply with --since/],
    ['a created_at range as --param too', ['actionLogs', '--since', since, '--param', 'filter_lt[created_at]=2024-01-03T00:00:00Z'], /^error: --param filter_lt\[created_at\] does not apply with --since/],
    ['history with start_at as --param', ['history', '--since', since, '--param', 'start_at=2024-01-01T00:00:00Z'], /^error: --param start_at does not apply with --since/],
  ];

  it.each(cases)('%s', async (_name, argv, message) => {
    const dir = await tempDir();
    const out = join(dir, 'out.ndjson');
    site.emulator.resetLog();
    const run = await runInProcess([...args, 'export', ...argv, '--out', out, '--checkpoint', join(dir, 'c.json')]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stderr).toMatch(/^usage: files-stream export/m);
    expect(site.emulator.stats.total, 'requests sent').toBe(0);
    expect(await readdir(dir), 'files written').toEqual([]);
  });

  it('instants: a date is midnight UTC; offsets and fractions are read exactly', () => {
    expect(parseInstant('2024-05-01')).toBe(Date.parse('2024-05-01T00:00:00Z'));
    expect(parseInstant('2024-05-01T14:00+02:00')).toBe(Date.parse('2024-05-01T12:00:00Z'));
    expect(parseInstant('2024-05-01 12:00:00.5z')).toBe(Date.parse('2024-05-01T12:00:00.500Z'));
    expect(parseInstant('2024-02-29T23:59:59-0130')).toBe(Date.parse('2024-03-01T01:29:59Z'));
    // Without a zone: UTC, as Files.com's times are (never the machine's zone).
    for (const tz of ['America/Los_Angeles', 'Asia/Tokyo']) {
      const zone = process.env.TZ;
      process.env.TZ = tz;
      try {
        expect(parseInstant('2024-05-01T12:00:00')).toBe(Date.parse('2024-05-01T12:00:00Z'));
        expect(parseInstant('2024-05-01 12:00')).toBe(Date.parse('2024-05-01T12:00:00Z'));
      } finally {
        if (zone === undefined) delete process.env.TZ;
        else process.env.TZ = zone;
      }
    }
    expect(() => parseInstant('2023-02-29')).toThrow(/not a valid date-time/);
    expect(() => parseInstant('2024-05-01T24:00:00Z')).toThrow(/not a valid date-time/);
    expect(() => parseInstant('1714560000')).toThrow(/is not an ISO 8601 date or date-time/);
  });

  it('files-stream operations marks the operations export --since takes', async () => {
    const [text, json] = await Promise.all([runInProcess(['operations']), runInProcess(['operations', '--json'])]);
    const ranged = text.stdout.split('\n').filter((l) => l.endsWith('[--since]'));
    expect(ranged.length).toBe(33);
    expect(ranged.every((l) => l.startsWith('* '))).toBe(true);
    expect(ranged).toContainEqual(expect.stringMatching(/^\* actionLogs\s+GET\s+\/action_logs\s+\[--since\]$/));
    expect(ranged).toContainEqual(expect.stringMatching(/^\* history\.listForFolder <path>\s/));
    const entries = parseNdjson<{ name: string; timeRange: boolean }>(json.stdout);
    expect(entries.filter((e) => e.timeRange).map((e) => e.name)).toEqual(expect.arrayContaining(['actionLogs', 'history', 'syncLogs', 'sftpActionLogs']));
    expect(entries.filter((e) => e.timeRange)).toHaveLength(33);
  });
});

/** Streams for `exportOperation`: stdout collected, nothing shown. */
function quietIo(more: Partial<ExportIo> = {}): ExportIo {
  return { stdout: new PassThrough(), stderr: new PassThrough(), progress: false, quiet: true, ...more };
}

describe('--checkpoint with --since', () => {
  it('a rerun without --until resumes the range of the first run (its "now"), not one ending at its own now', async () => {
    const dir = await tempDir();
    const t = site.emulator.timeline('actionLogs');
    const out = join(dir, 'logs.ndjson');
    const checkpoint = join(dir, 'logs.ckpt');
    const since = t.first;
    const firstNow = t.first + Math.floor(t.span / 2) + 123; // the first run's clock: half the log
    const job: ExportJob = { operation: 'actionLogs', format: 'ndjson', out, checkpoint, listing: { perPage: 50 }, range: { since, parallel: 3 } };
    // The first run is stopped after a few pages.
    const controller = new AbortController();
    const client = createClient({ apiKey: site.apiKey, baseUrl: site.baseUrl, fetch: (input, init) => {
      if (site.emulator.stats.total >= 8) controller.abort(new InterruptedError('SIGINT'));
      return fetch(input, init);
    } });
    const first = await exportOperation(client, job, quietIo({ now: () => firstNow, signal: controller.signal })).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(InterruptedError);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { export: { range: { since: string; until: string } }; records: number; done: boolean };
    expect(saved.export.range).toEqual({ since: new Date(since).toISOString(), until: new Date(Math.floor(firstNow / 1000) * 1000).toISOString() });
    expect(saved.done).toBe(false);
    expect(saved.records).toBeGreaterThan(0);

    // Rerun a day later, without --until: the same range, resumed.
    const second = await exportOperation(site.client, job, quietIo({ now: () => firstNow + 86_400_000 }));
    expect(second).toMatchObject({ resumed: true, totalRecords: t.countBetween(since, Math.floor(firstNow / 1000) * 1000) });
    expect(second.range).toMatchObject({ until: iso(Math.floor(firstNow / 1000) * 1000), untilDefaulted: true });
    const text = await readFile(out, 'utf8');
    expect(text).toBe(await sequential(since, Math.floor(firstNow / 1000) * 1000));
    expect((await readdir(dir)).sort()).toEqual(['logs.ckpt', 'logs.ndjson']);
  });

  it('a rerun with another --until, --since, --shard or order is refused, naming it; another --parallel resumes', async () => {
    const dir = await tempDir();
    const t = site.emulator.timeline('actionLogs');
    const since = iso(t.first);
    const until = iso(t.first + t.span);
    const base = ['actionLogs', '--since', since, '--until', until, '--out', join(dir, 'o.ndjson'), '--checkpoint', join(dir, 'o.ckpt'), '--per-page', '200', '--limit', '400'];
    await exportOk([...base, '--shard', '1/2']);
    const refused: [string[], RegExp][] = [
      [['--shard', '2/2'], /shard \(checkpoint: 1\/2, now: 2\/2\)/],
      [[], /shard \(checkpoint: 1\/2, now: whole range\)/],
      [['--shard', '1/2', '--unordered'], /order \(checkpoint: ascending created_at, now: --unordered\)/],
    ];
    for (const [more, message] of refused) {
      const run = await runInProcess([...args, 'export', ...base, ...more]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    const otherUntil = await runInProcess([...args, 'export', ...base.map((a) => (a === until ? iso(t.first + t.span + 1000) : a)), '--shard', '1/2']);
    expect(otherUntil.stderr).toMatch(/^error: checkpoint .* was saved by a different export: until \(checkpoint: "[^"]+", now: "[^"]+"\)/);
    const otherSince = await runInProcess([...args, 'export', ...base.map((a) => (a === since ? iso(t.first + 1000) : a)), '--shard', '1/2']);
    expect(otherSince.stderr).toMatch(/since \(checkpoint: .*, now: .*\)/);
    const plain = await runInProcess([...args, 'export', 'actionLogs', '--out', join(dir, 'o.ndjson'), '--checkpoint', join(dir, 'o.ckpt'), '--per-page', '200', '--limit', '400']);
    expect(plain.stderr).toMatch(/since \(checkpoint: "[^"]+", now: none\)/);
    // --parallel is not part of the export's identity.
    const run = await runInProcess([...args, 'export', ...base, '--shard', '1/2', '--parallel', '9']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/already complete per checkpoint/);
  });

  it('a checkpoint with a range it cannot read is refused (field named)', async () => {
    const dir = await tempDir();
    const ckpt = join(dir, 'c.ckpt');
    const base = ['actionLogs', '--since', '2024-01-01', '--until', '2024-01-02', '--out', join(dir, 'o.ndjson'), '--checkpoint', ckpt, '--limit', '10'];
    await exportOk(base);
    const saved = JSON.parse(await readFile(ckpt, 'utf8')) as { export: { range: Record<string, unknown> } };
    saved.export.range.until = 'tomorrow';
    const { writeFile } = await import('node:fs/promises');
    await writeFile(ckpt, JSON.stringify(saved));
    const run = await runInProcess([...args, 'export', ...base]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/field export\.range\.until/);
  });
});

describe('abort through an AbortSignal (exportOperation)', () => {
  it('mid-export: no request after the abort, output and checkpoint consistent, no temporary file left; the rerun completes exactly', async () => {
    const dir = await tempDir();
    const t = site.emulator.timeline('actionLogs');
    const out = join(dir, 'a.ndjson');
    const checkpoint = join(dir, 'a.ckpt');
    const since = t.first;
    const until = t.first + t.span;
    const job: ExportJob = { operation: 'actionLogs', format: 'ndjson', out, checkpoint, listing: { perPage: 20 }, range: { since, until, parallel: 6 } };
    const controller = new AbortController();
    const sent: { at: number; aborted: boolean }[] = [];
    let abortedAt = Infinity;
    const client = createClient({
      apiKey: site.apiKey,
      baseUrl: site.baseUrl,
      fetch: (input, init) => {
        sent.push({ at: performance.now(), aborted: controller.signal.aborted });
        if (sent.length === 25) {
          controller.abort(new InterruptedError('SIGTERM'));
          abortedAt = performance.now();
        }
        return fetch(input, init);
      },
    });
    site.emulator.resetLog();
    const error = await exportOperation(client, job, quietIo({ signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).message).toMatch(/^export interrupted by SIGTERM: \d+ records in .*a\.ndjson/);
    // The request that saw the abort was the last one sent.
    expect(sent.filter((s) => s.aborted)).toEqual([]);
    expect(sent.filter((s) => s.at > abortedAt)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(site.emulator.stats.total).toBeLessThanOrEqual(25);
    expect((await readdir(dir)).sort()).toEqual(['a.ckpt', 'a.ndjson']);
    const saved = JSON.parse(await readFile(checkpoint, 'utf8')) as { records: number; bytes: number; done: boolean };
    expect(saved.done).toBe(false);
    expect((await readFile(out)).length).toBe(saved.bytes);
    expect(parseNdjson(await readFile(out, 'utf8'))).toHaveLength(saved.records);

    const resumed = await exportOperation(site.client, job, quietIo());
    expect(resumed).toMatchObject({ resumed: true, totalRecords: LOGS });
    expect(await readFile(out, 'utf8')).toBe(await sequential(since, until));
    expect((await readdir(dir)).sort()).toEqual(['a.ckpt', 'a.ndjson']);
  });

  it('without a checkpoint, an abort before any record leaves no output file behind', async () => {
    const dir = await tempDir();
    const out = join(dir, 'sub', 'a.ndjson');
    const controller = new AbortController();
    const client = createClient({
      apiKey: site.apiKey,
      baseUrl: site.baseUrl,
      fetch: (input, init) => {
        controller.abort(new InterruptedError('SIGINT'));
        return fetch(input, init);
      },
    });
    const job: ExportJob = { operation: 'actionLogs', format: 'json', out, range: { since: Date.parse('2024-01-01T00:00:00Z'), until: Date.parse('2024-01-02T00:00:00Z') } };
    const error = await exportOperation(client, job, quietIo({ signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).hint).toMatch(/incomplete/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('another abort reason is rethrown as it is (as fetch does)', async () => {
    const reason = new Error('stop here');
    const job: ExportJob = { operation: 'actionLogs', format: 'ndjson', range: { since: Date.parse('2024-01-01T00:00:00Z'), until: Date.parse('2024-01-02T00:00:00Z') } };
    await expect(exportOperation(site.client, job, quietIo({ signal: AbortSignal.abort(reason) }))).rejects.toBe(reason);
  });
});

describe('the checkpoint checks', () => {
  it('CheckpointError is what a changed range raises in the library entry too', async () => {
    const dir = await tempDir();
    const job: ExportJob = { operation: 'actionLogs', format: 'ndjson', out: join(dir, 'o'), checkpoint: join(dir, 'c'), limit: 5, range: { since: 0, until: Date.parse('2024-01-02T00:00:00Z') } };
    await exportOperation(site.client, job, quietIo());
    await expect(exportOperation(site.client, { ...job, range: { ...job.range, unordered: true } }, quietIo())).rejects.toBeInstanceOf(CheckpointError);
  });
});
