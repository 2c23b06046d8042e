// Reliability, part 3: an AbortSignal stops listings, downloads and uploads at once, with
// nothing left behind (no request after it, no unhandled rejection, no open handle or timer).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { downloadTree, NotFoundError, type FilesClient } from '../../src/index.js';
import type { EmulatorOptions } from '../../src/testing/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { activeResources, captureUnhandled, resourcesAdded, settle } from './support/process-state.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { startSite, type Site } from './support/site.js';

/** Server latency of each API request: "one request's time". */
const LATENCY_MS = 40;
/** Slack for the event loop of a busy 2-core CI machine. */
const SLACK_MS = 60;
/**
 * Slack of the "rejects within one request's time" checks: the emulator serves from this
 * same process, so a busy server (streaming megabytes) delays the client's callbacks too.
 * Still well below the 400 ms request the pending-request test cancels.
 */
const PROMPT_SLACK_MS = 250;

interface Start {
  at: number;
  method: string;
  url: string;
  /** The request's signal had already fired: `fetch` rejects it before anything is sent. */
  stillborn: boolean;
}

/**
 * A `fetch` that notes when each request (API, download, upload part) starts, and resolves
 * `started(n)` once `n` have; optionally slows part uploads (a slow link: time is the point).
 */
function recordingFetch(slowUploadsMs = 0): { fetch: typeof fetch; starts: Start[]; started(n: number): Promise<void> } {
  const starts: Start[] = [];
  const waiting: { n: number; resolve: () => void }[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = request?.url ?? String(input);
    const signal = init?.signal ?? request?.signal;
    starts.push({ at: performance.now(), method: init?.method ?? request?.method ?? 'GET', url, stillborn: signal?.aborted === true });
    for (const w of waiting.filter((w) => w.n <= starts.length)) w.resolve();
    if (slowUploadsMs > 0 && url.includes('/emulator/upload/')) await new Promise((resolve) => setTimeout(resolve, slowUploadsMs));
    return fetch(input, init);
  };
  const started = (n: number) => (starts.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve })));
  return { fetch: wrapped, starts, started };
}

interface Context {
  site: Site;
  client: FilesClient;
  /** Resolves once the client has started `n` requests. */
  started(n: number): Promise<void>;
  signal: AbortSignal;
  /** Fires the signal (once) and notes the time. */
  abort(): void;
}

interface Outcome {
  abortedAt: number;
  /** When the operation rejected. */
  rejectedAt: number;
  starts: Start[];
  site: Site;
}

/**
 * Runs a scenario against its own site and checks what every cancellation must leave: the
 * operation rejects with the signal's reason, no unhandled rejection, no request reaching
 * the server after one request's time, and no handle or timer still open once the site is
 * closed (compared with `process.getActiveResourcesInfo()` before the site was started).
 */
async function scenario(
  emulatorOptions: EmulatorOptions,
  operation: (ctx: Context) => Promise<unknown>,
  options: { slowUploadsMs?: number; after?: (outcome: Outcome) => Promise<void> } = {},
): Promise<Outcome> {
  await settle();
  const before = activeResources();
  const unhandled = captureUnhandled();
  const site = await startSite(emulatorOptions);
  try {
    const { fetch: recording, starts, started } = recordingFetch(options.slowUploadsMs);
    const { client } = site.client({ fetch: recording });
    const controller = new AbortController();
    const reason = new Error('cancelled by the test');
    let abortedAt = Infinity;
    const abort = () => {
      if (controller.signal.aborted) return;
      abortedAt = performance.now();
      controller.abort(reason);
    };
    let error: unknown = 'did not reject';
    try {
      await operation({ site, client, started, signal: controller.signal, abort });
    } catch (e) {
      error = e;
    }
    const rejectedAt = performance.now();
    scan.add('cancellation error', error);
    expect(abortedAt, 'the scenario aborted').toBeLessThan(Infinity);
    expect(error, 'the operation rejects with the signal reason').toBe(reason);
    // Whatever was in flight at the abort has reached the server one request's time later;
    // from then on, nothing more may arrive. (Waits kept on purpose: the claim is about a span
    // of time, "nothing arrives late", and there is no event for a request never sent.)
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS + SLACK_MS));
    const served = site.emulator.stats.total;
    await new Promise((resolve) => setTimeout(resolve, 4 * LATENCY_MS + SLACK_MS));
    expect(site.emulator.stats.total - served, 'requests reaching the server late').toBe(0);
    const outcome = { abortedAt, rejectedAt, starts, site };
    await options.after?.(outcome);
    return outcome;
  } finally {
    await site.close();
    await settle(10, 50);
    unhandled.stop();
    expect(unhandled.reasons.map(String), 'unhandled rejections').toEqual([]);
    expect(resourcesAdded(before, activeResources()), 'handles or timers left open').toEqual({});
  }
}

/**
 * Requests started after the abort: at most one (already on its way), none later than one
 * request's time. A `fetch` called with a signal that has already fired sends nothing and is
 * not counted (`downloadTree` makes such calls for files it had picked before the abort).
 */
function expectQuietAfter({ abortedAt, starts }: Outcome): void {
  const late = starts.filter((s) => s.at > abortedAt && !s.stillborn);
  expect(late.length, `requests started after the abort: ${JSON.stringify(late.map((s) => `${s.method} ${s.url}`))}`).toBeLessThanOrEqual(1);
  expect(late.filter((s) => s.at > abortedAt + LATENCY_MS)).toEqual([]);
}

/** The operation rejected within one request's time of the abort (plus event-loop slack). */
function expectPrompt({ abortedAt, rejectedAt }: Outcome): void {
  expect(rejectedAt - abortedAt, 'ms from the abort to the rejection').toBeLessThan(LATENCY_MS + PROMPT_SLACK_MS);
}

afterAll(() => {
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

const MiB = 1024 * 1024;

describe(`cancellation (${FORM} form)`, () => {
  it(
    'mid-listing (with prefetch in flight): rejects within one request, no request after the abort, nothing left open',
    async () => {
      const outcome = await scenario({ users: scaled(5_000, 50_000), faults: { latencyMs: LATENCY_MS } }, async ({ client, signal, abort }) => {
        let seen = 0;
        for await (const user of client.users.list({ per_page: 100 }, { signal, prefetch: 3 })) {
          void user;
          // Half way through page 6: the pages ahead are in flight.
          if (++seen === 550) abort();
        }
      });
      expectQuietAfter(outcome);
      expectPrompt(outcome);
    },
    timeoutMs(20_000),
  );

  it(
    'mid-listing while the consumer waits on a request: the pending request is cancelled, not awaited',
    async () => {
      const outcome = await scenario({ users: 2_000, faults: { latencyMs: 400 } }, async ({ client, signal, abort, started }) => {
        let pages = 0;
        for await (const page of client.users.list({ per_page: 100 }, { signal, prefetch: 0 }).pages()) {
          void page;
          // The next page takes 400 ms; abort once its request is on its way.
          if (++pages === 2) void started(3).then(abort);
        }
      });
      expectQuietAfter(outcome);
      expectPrompt(outcome);
    },
    timeoutMs(20_000),
  );

  it(
    'during a Retry-After wait: the wait ends at once, no retry is sent, no timer is left',
    async () => {
      const outcome = await scenario({ users: 500, faults: { rateLimited: 1, retryAfter: 30, maxConsecutive: 100 } }, async ({ site, client, signal, abort }) => {
        const listing = client.users.list({ per_page: 100 }, { signal }).toArray();
        // Abort once the emulator has answered the 429 (it is in its log): the 30 s wait is on.
        const waiting = vi.waitFor(() => expect(site.emulator.stats.total).toBe(1), { timeout: 10_000 }).then(abort);
        await Promise.all([listing, waiting]);
      });
      expectQuietAfter(outcome);
      expectPrompt(outcome);
      // The first attempt only: its 30 s Retry-After wait was cut short.
      expect(outcome.starts).toHaveLength(1);
    },
    timeoutMs(20_000),
  );

  it(
    'mid-download (downloadStream): the body errors with the reason, no request after the abort',
    async () => {
      const size = scaled(8, 64) * MiB;
      const outcome = await scenario({ files: 0, uploadPartSize: 8 * MiB }, async ({ client, signal, abort }) => {
        await client.files.upload('big/blob.bin', new Uint8Array(size).fill(7), { mkdir_parents: true });
        const { stream } = await client.files.downloadStream('big/blob.bin', { signal });
        const reader = stream.getReader();
        let received = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`the download finished (${received} bytes) before the abort`);
          received += value.byteLength;
          if (received >= 2 * MiB) abort();
          // A slow consumer (time is the point): the rest of the body is still on its way.
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      });
      expectQuietAfter(outcome);
      expectPrompt(outcome);
    },
    timeoutMs(30_000),
  );

  it(
    'mid-download (downloadToFile): rejects, leaves no file and no temporary file',
    async () => {
      const { path: dir, remove } = await tempDir('reliability-cancel-');
      try {
        const outcome = await scenario({ files: 0, uploadPartSize: 8 * MiB }, async ({ client, signal, abort }) => {
          await client.files.upload('big/blob.bin', new Uint8Array(scaled(8, 64) * MiB).fill(9), { mkdir_parents: true });
          const dest = join(dir, 'blob.bin');
          const download = client.files.downloadToFile('big/blob.bin', dest, { signal });
          // Abort as soon as the temporary file exists, i.e. mid-body.
          const appeared = vi.waitFor(async () => expect((await readdir(dir)).some((n) => n.endsWith('.download'))).toBe(true), { timeout: 10_000, interval: 1 });
          await Promise.all([download, appeared.then(abort)]);
        });
        expectQuietAfter(outcome);
        expect(await readdir(dir)).toEqual([]);
      } finally {
        await remove();
      }
    },
    timeoutMs(30_000),
  );

  it(
    'mid-upload: no part is sent after the abort, the upload is never completed',
    async () => {
      const path = 'in/upload.bin';
      const outcome = await scenario(
        { files: 0, uploadPartSize: MiB },
        async ({ client, signal, abort }) => {
          await client.files.upload(path, new Uint8Array(scaled(12, 48) * MiB).fill(3), {
            mkdir_parents: true,
            concurrency: 2,
            signal,
            onProgress: (p) => {
              if (p.parts === 3) abort();
            },
          });
        },
        {
          slowUploadsMs: LATENCY_MS,
          after: async ({ site }) => {
            const { client } = site.client();
            const err = await client.files.find(path).catch((e: unknown) => e);
            expect(err, 'the upload was never completed').toBeInstanceOf(NotFoundError);
          },
        },
      );
      expectQuietAfter(outcome);
      expectPrompt(outcome);
      expect(outcome.starts.filter((s) => s.url.includes('/emulator/upload/')).length).toBeLessThan(scaled(12, 48));
    },
    timeoutMs(30_000),
  );

  it(
    'mid tree download: every listing and download stops, no temporary file is left',
    async () => {
      const { path: dir, remove } = await tempDir('reliability-cancel-tree-');
      try {
        const outcome = await scenario(
          { files: scaled(300, 2_000), filesPerFolder: 10, folderFanout: 3, fileSize: { min: 10_000, max: 200_000 }, faults: { latencyMs: 5 } },
          async ({ client, signal, abort }) => {
            await downloadTree(client, '', dir, {
              signal,
              concurrency: 4,
              onProgress: (p) => {
                if (p.downloaded === 40) abort();
              },
            });
          },
        );
        expectQuietAfter(outcome);
        const names = await listAll(dir);
        expect(names.filter((n) => n.endsWith('.download'))).toEqual([]);
        expect(names.length).toBeGreaterThan(0);
      } finally {
        await remove();
      }
    },
    timeoutMs(30_000),
  );
});

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String);
}
