// Reliability, part 1: listings under injected faults yield every record exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilesClient } from '../../src/index.js';
import type { FaultOptions } from '../../src/testing/index.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { recordFigures, type RunFigures } from './support/report.js';
import { FORM, scaled, timeoutMs } from './support/scale.js';
import { scan } from './support/secrets.js';
import { startSite, type HookLog, type Site } from './support/site.js';

const USERS = scaled(20_000, 100_000);
const TREE_FILES = scaled(4_000, 30_000);
/** 100 records a page: many requests, so 10% of them is many faults. */
const PER_PAGE = 100;
/** 10% of API requests fail: 2% each of 429 (Retry-After: 0), HTML 500, 503, reset, truncated body. */
const TEN_PERCENT: FaultOptions = {
  rateLimited: 0.02,
  serverError: 0.02,
  unavailable: 0.02,
  connectionReset: 0.02,
  truncatedBody: 0.02,
  retryAfter: 0,
};


const figures: RunFigures[] = [];
let site: Site;
let treeSite: Site;

beforeAll(async () => {
  site = await startSite({ seed: 31, users: USERS });
  treeSite = await startSite({ seed: 32, files: TREE_FILES, filesPerFolder: 10, folderFanout: 4, fileSize: { min: 0, max: 64 } });
});

afterAll(async () => {
  await site?.close();
  await treeSite?.close();
  if (figures.length > 0) await recordFigures('faults', { users: USERS, treeFiles: TREE_FILES, perPage: PER_PAGE, faultRate: 0.1, runs: figures });
});

/** Runs one listing against a site with the given faults; checks nothing leaked or escaped. */
async function run<T>(
  target: Site,
  name: string,
  faults: FaultOptions,
  list: (client: FilesClient) => AsyncIterable<T>,
  prefetch = 1,
): Promise<{ items: T[]; figures: RunFigures }> {
  target.emulator.setFaults(faults);
  target.emulator.resetLog();
  const { client, log } = target.client({ prefetch });
  const unhandled = captureUnhandled();
  const items: T[] = [];
  const t0 = performance.now();
  try {
    for await (const item of list(client)) items.push(item);
  } catch (error) {
    scan.add(`${name}: error`, error);
    throw error;
  }
  const ms = performance.now() - t0;
  await settle();
  unhandled.stop();
  target.emulator.setFaults({});
  // Pages served whole: the 200s, less those whose body the emulator cut short.
  const { byStatus, byFault } = target.emulator.stats;
  const pages = (byStatus['200'] ?? 0) - (byFault.truncatedBody ?? 0);
  const result = summarize(name, items.length, pages, log, target, ms);
  figures.push(result); // written to .tmp/reliability/<form>/faults.json; `npm run test:reliability` prints them
  // A listing that ends must leave nothing behind to crash the process later. (Regression
  // guard: while the core passed responses through a ky afterResponse hook, ky tee'd each
  // retried 429/500/503; when the listing ended and the pump aborted its signal, every unread
  // branch rejected, unhandled, which ends a Node process.)
  const reasons = [...new Set(unhandled.reasons.map((r) => `${(r as Error)?.name}: ${(r as Error)?.message}`))];
  expect({ unhandled: unhandled.reasons.length, reasons }, `${name}: unhandled rejections`).toEqual({ unhandled: 0, reasons: [] });
  return { items, figures: result };
}

function summarize(name: string, records: number, pages: number, log: HookLog, target: Site, ms: number): RunFigures {
  const retriesByReason: Record<string, number> = {};
  for (const r of log.retries) retriesByReason[String(r.reason)] = (retriesByReason[String(r.reason)] ?? 0) + 1;
  const base = figures.find((f) => f.name === name.replace(/ with 10% faults.*$/, '') + ' fault-free');
  return {
    name,
    records,
    pages,
    requests: log.requests,
    retries: log.retries.length,
    retriesByReason,
    refetches: target.emulator.stats.byFault.truncatedBody ?? 0,
    faults: { ...target.emulator.stats.byFault },
    ms: Math.round(ms),
    vsFaultFree: base ? Math.round((ms / base.ms) * 100) / 100 : undefined,
  };
}

/** Each id in 1..n exactly once. */
function expectEachIdOnce(ids: readonly number[], n: number): void {
  const seen = new Uint8Array(n + 1);
  const duplicates: number[] = [];
  const strays: number[] = [];
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 1 || id > n) strays.push(id);
    else if (seen[id]++ > 0) duplicates.push(id);
  }
  const missing: number[] = [];
  for (let id = 1; id <= n && missing.length < 10; id++) if (seen[id] === 0) missing.push(id);
  expect({ duplicates: duplicates.slice(0, 10), strays: strays.slice(0, 10), missing }).toEqual({ duplicates: [], strays: [], missing: [] });
  expect(ids).toHaveLength(n);
}

function expectFaultsOfEveryKind(result: RunFigures): void {
  for (const kind of ['rateLimited', 'serverError', 'unavailable', 'connectionReset', 'truncatedBody']) {
    expect(result.faults[kind] ?? 0, `${kind} faults injected`).toBeGreaterThan(0);
  }
  const injected = Object.values(result.faults).reduce((a, b) => a + b, 0);
  // About 10% of the requests failed.
  expect(injected / result.requests).toBeGreaterThan(0.05);
  expect(injected / result.requests).toBeLessThan(0.16);
}

const userIds = (client: FilesClient) => client.users.list({ per_page: PER_PAGE }).map((u) => u.id as number);

describe(`faults (${FORM} form)`, () => {
  it(
    `users.list of ${USERS} records: fault-free baseline`,
    async () => {
      // Warm up (JIT, connections) so the baseline is not charged for it.
      await site.client().client.users.list({ per_page: PER_PAGE }).take(5_000).toArray();
      const { items } = await run(site, 'users.list fault-free', {}, userIds);
      expectEachIdOnce(items, USERS);
    },
    timeoutMs(30_000),
  );

  it(
    `users.list of ${USERS} records with 10% of requests failing (429, 500, 503, reset, truncated): each record exactly once`,
    async () => {
      const { items, figures: f } = await run(site, 'users.list with 10% faults', TEN_PERCENT, userIds);
      expectEachIdOnce(items, USERS);
      expectFaultsOfEveryKind(f);
      // Every fault cost one more request, no more: 429/500/503/reset are retried by the core,
      // a broken body is fetched again with the same cursor; beforeRetry saw each one.
      const injected = Object.values(f.faults).reduce((a, b) => a + b, 0);
      expect(f.requests).toBe(f.pages + injected);
      expect(f.retries).toBe(injected);
      expect(f.refetches).toBeGreaterThan(0);
    },
    timeoutMs(30_000),
  );

  it(
    `users.list with 10% faults and prefetch 4: each record exactly once, in order`,
    async () => {
      const { items, figures: f } = await run(site, 'users.list with 10% faults, prefetch 4', TEN_PERCENT, userIds, 4);
      expectEachIdOnce(items, USERS);
      expect(items.every((id, i) => id === i + 1)).toBe(true);
      expectFaultsOfEveryKind(f);
    },
    timeoutMs(30_000),
  );

  it(
    `folders.walk of ${TREE_FILES} files with 10% of folder listings failing: each entry exactly once`,
    async () => {
      const walk = (client: FilesClient) => client.folders.walk('', { concurrency: 4, perPage: 7 }).map((f) => f.path as string);
      const { items: clean } = await run(treeSite, 'folders.walk fault-free', {}, walk);
      const { items: faulty, figures: f } = await run(treeSite, 'folders.walk with 10% faults', TEN_PERCENT, walk);
      expect(new Set(clean).size).toBe(clean.length);
      expect(clean.length).toBeGreaterThan(TREE_FILES);
      expect(new Set(faulty).size, 'no entry twice').toBe(faulty.length);
      expect([...faulty].sort()).toEqual([...clean].sort());
      expectFaultsOfEveryKind(f);
    },
    timeoutMs(30_000),
  );
});

describe('a retried error response leaves nothing armed', () => {
  it('a call that retried a 503 and succeeded: aborting its signal afterwards raises no unhandled rejection', async () => {
    site.emulator.setFaults({ unavailable: 1, maxConsecutive: 1 });
    const unhandled = captureUnhandled();
    try {
      const { client, log } = site.client();
      const controller = new AbortController();
      const user = await client.users.find(1, {}, { signal: controller.signal });
      expect(user.id).toBe(1);
      expect(log.retries.map((r) => r.reason)).toEqual([503]);
      // E.g. an AbortSignal.timeout() that fires after the work is done, or a shutdown signal.
      controller.abort(new Error('shutting down'));
      await settle();
    } finally {
      unhandled.stop();
      site.emulator.setFaults({});
    }
    // Regression guard (see `run` above): with a tee'd 503 the late abort rejected unhandled, and Node exits on that by default.
    expect(unhandled.reasons.map(String)).toEqual([]);
  });
});

afterAll(() => {
  // Everything the hooks logged and every error thrown above was collected: none holds a secret.
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});
