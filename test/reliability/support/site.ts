import { createClient, type ClientOptions, type FilesClient, type RetryEvent } from '../../../src/index.js';
import type { EmulatorOptions } from '../../../src/testing/index.js';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { API_KEY, scan } from './secrets.js';

/** Small backoff: retries cost milliseconds, so a test measures the client, not its sleeps. */
export const FAST_RETRY = { backoffMs: 5, maxBackoffMs: 50 } as const;

/** What a client's hooks saw: the log lines a user would write, and the retries. */
export interface HookLog {
  /** One line per hook event, as a logger would write it (`JSON.stringify(event)`). */
  readonly lines: string[];
  readonly retries: RetryEvent[];
  requests: number;
}

/** An emulator over HTTP with the suite's API key, whose clients' hooks feed the file's secret scan. */
export interface Site extends Omit<TestEmulator, 'client'> {
  /** A client of the site whose hooks feed `log` (and the file's secret scan). */
  client(options?: ClientOptions): { client: FilesClient; log: HookLog };
}

/** Starts an emulator over HTTP (seed 8 unless `options` say otherwise) with the suite's API key. */
export async function startSite(options: EmulatorOptions = {}): Promise<Site> {
  const started = await startEmulator({ seed: 8, ...options, apiKey: API_KEY });
  return {
    ...started,
    client: (more = {}) => loggedClient({ apiKey: API_KEY, baseUrl: started.baseUrl, retry: FAST_RETRY, ...more }),
  };
}

/** A client whose hooks write log lines (scanned for secrets) and count requests and retries. */
export function loggedClient(options: ClientOptions): { client: FilesClient; log: HookLog } {
  const log: HookLog = { lines: [], retries: [], requests: 0 };
  const line = (kind: string, event: unknown) => {
    const text = `${kind} ${JSON.stringify(event)}`;
    if (log.lines.length < 2000) log.lines.push(text);
    scan.add(`hook ${kind}`, text);
  };
  const client = createClient({
    ...options,
    hooks: {
      beforeRequest: (e) => {
        log.requests++;
        line('request', e);
      },
      afterResponse: (e) => line('response', e),
      beforeRetry: (e) => {
        log.retries.push(e);
        line('retry', e);
      },
    },
  });
  return { client, log };
}
