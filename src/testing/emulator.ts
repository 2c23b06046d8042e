import type { HttpHandler } from 'msw';
import { normalizeSeed } from './data/hash.js';
import { operations, rangeFilterFields } from './data/spec-facts.js';
import type { Timeline } from './data/timeline.js';
import { resolveOptions, type EmulatorOptions, type ResolvedOptions } from './options.js';
import type { FaultOptions } from './server/faults.js';
import { mswHandlers } from './server/msw.js';
import type { EmulatorServer, ListenOptions } from './server/node-server.js';
import { RequestPipeline } from './server/pipeline.js';
import type { EmulatorStats, RequestLogEntry } from './server/request-log.js';
import { fromRequest, toResponse } from './server/web.js';

/** A local Files.com: one in-memory site behind several front ends. */
export interface Emulator {
  /** The options, defaults applied. */
  readonly options: ResolvedOptions;
  /** The accepted API key (`options.apiKey`). */
  readonly apiKey: string;
  /** The origin `handlers` and `fetch` answer on (`options.baseUrl`). */
  readonly baseUrl: string;
  /**
   * The core as one web-standard function. A connection reset answers `Response.error()`;
   * a truncated body errors after its first bytes.
   */
  handle(request: Request): Promise<Response>;
  /** A `fetch` served by the emulator (resets reject with a `TypeError`, as `fetch` does). */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** msw 2 handlers for `setupServer(...emulator.handlers)`, answering on `baseUrl`. */
  readonly handlers: HttpHandler[];
  /** Serves the same site over HTTP on 127.0.0.1 (HTTPS with `options.tls`; Node only). */
  listen(options?: ListenOptions): Promise<EmulatorServer>;
  /** Replaces the fault options (`setFaults({})` turns faults off). Takes effect with the next request. */
  setFaults(faults: FaultOptions): void;
  /** The current fault options. */
  readonly faults: FaultOptions;
  /** The most recent requests (at most `requestLogLimit`), oldest first. */
  readonly requests: RequestLogEntry[];
  /** Counters since creation or the last `resetLog()`. */
  readonly stats: EmulatorStats;
  /** Clears `requests` and `stats`. */
  resetLog(): void;
  /**
   * When the records of a log happened, to compute the expected answer of a time range:
   * `'actionLogs'`, `'history'`, or the namespace of another list that accepts a
   * `created_at` range (e.g. `'apiRequestLogs'`, whose `listSize` records follow the
   * `actionLogTimes` layout). Throws a `RangeError` for any other name. With `logsUntil` the
   * timelines end at that instant; with `logRate` they grow, and `count` and `countBetween`
   * read the clock (`now`), so they agree with what a listing answers at the same clock.
   *
   * @example
   * const t = emulator.timeline('actionLogs');
   * const expected = t.countBetween(Date.parse('2024-01-02T00:00:00Z'), Date.parse('2024-01-03T00:00:00Z'));
   */
  timeline(namespace: string): Timeline;
}

/**
 * Creates an emulator. Records are derived from `seed` on demand, so `users: 1_000_000`
 * costs no more memory than `users: 10`; only changes made through the API are stored.
 *
 * @example
 * const emulator = createEmulator({ seed: 42, users: 100_000 });
 * const server = await emulator.listen();
 * const client = createClient({ apiKey: emulator.apiKey, baseUrl: server.baseUrl });
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveOptions(options, normalizeSeed);
  const pipeline = new RequestPipeline(resolved);
  let handlers: HttpHandler[] | undefined;
  const handle = async (request: Request) => toResponse(await pipeline.dispatch(fromRequest(request)));
  return {
    options: resolved,
    apiKey: resolved.apiKey,
    baseUrl: resolved.baseUrl,
    handle,
    async fetch(input, init) {
      const reply = await pipeline.dispatch(fromRequest(new Request(input, init)));
      if (reply.fault?.kind === 'reset') throw new TypeError('fetch failed', { cause: new Error('emulator: connection reset') });
      return toResponse(reply);
    },
    get handlers() {
      return (handlers ??= mswHandlers(pipeline, resolved.baseUrl));
    },
    async listen(listenOptions) {
      const { listen } = await import('./server/node-server.js');
      return listen(pipeline, listenOptions);
    },
    setFaults: (faults) => pipeline.faults.set(faults),
    get faults() {
      return pipeline.faults.options;
    },
    get requests() {
      return pipeline.log.entries;
    },
    get stats() {
      return pipeline.log.stats;
    },
    resetLog: () => pipeline.log.reset(),
    timeline(namespace) {
      const { timelines } = pipeline.site;
      if (namespace === 'actionLogs' || namespace === 'history') return timelines[namespace];
      const timed = operations.some((op) => op.namespace === namespace && op.paginated && Object.keys(rangeFilterFields(op, 'created_at')).length > 0);
      if (timed) return timelines.lists;
      throw new RangeError(`emulator.timeline: ${namespace} has no list with a created_at range`);
    },
  };
}
