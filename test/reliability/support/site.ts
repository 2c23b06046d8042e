import { createClient, type ClientOptions, type FilesClient, type RetryEvent } from '../../../src/index.js';
import { createEmulator, type Emulator, type EmulatorOptions, type EmulatorServer } from '../../../src/testing/index.js';
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

/** An emulator served over HTTP on 127.0.0.1, with the suite's API key. */
export interface Site {
  readonly emulator: Emulator;
  readonly server: EmulatorServer;
  readonly baseUrl: string;
  /** A client of the site whose hooks feed `log` (and the file's secret scan). */
  client(options?: ClientOptions): { client: FilesClient; log: HookLog };
  close(): Promise<void>;
}

/** Starts an emulator over HTTP. */
export async function startSite(options: EmulatorOptions = {}): Promise<Site> {
  const emulator = createEmulator({ seed: 8, ...options, apiKey: API_KEY });
  const server = await emulator.listen();
  return {
    emulator,
    server,
    baseUrl: server.baseUrl,
    client: (more = {}) => loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, retry: FAST_RETRY, ...more }),
    close: () => server.close(),
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
