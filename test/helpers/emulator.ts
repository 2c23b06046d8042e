import type { setupServer } from 'msw/node';
// By the package's name, as users import it: every vitest project (and a child process run
// with `--conditions=files-stream-source`) thereby checks that the condition maps it to src/.
import { createClient, type ClientOptions, type FilesClient } from 'files-stream';
import { createEmulator, type Emulator, type EmulatorOptions } from 'files-stream/testing';

/** The path of the REST API under an emulator's origin. */
export const API_PATH = '/api/rest/v1';

/** The origin of an emulator served through msw (unless its options name another `baseUrl`). */
export const EMULATOR_BASE = 'https://emulated.files.test';

/** How {@link startEmulator} serves the emulator, and the options of its client. */
export interface ServeOptions {
  /**
   * Serve through this msw server, in this process (no socket), on `EMULATOR_BASE`: fault
   * handlers a test adds later with `server.use` answer first. Default: over HTTP on a free
   * port of 127.0.0.1.
   */
  readonly msw?: ReturnType<typeof setupServer>;
  /** Options of `client` (after the defaults: the emulator's key and origin, fast retries). */
  readonly client?: ClientOptions;
}

/** A started emulator, a client of it, and plain-fetch helpers that use no project client code. */
export interface TestEmulator {
  readonly emulator: Emulator;
  /** The origin it answers on. */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** `FILESCOM_BASE_URL` and `FILESCOM_API_KEY` for a child process (HTTP only). */
  readonly env: { FILESCOM_BASE_URL: string; FILESCOM_API_KEY: string };
  /** A client of the emulator: retries after 1 ms, at most 2 (then `ServeOptions.client`). */
  readonly client: FilesClient;
  /** Sends `fetch` to `API_PATH + path` with the emulator's key (unless `headers` carry a key or `x-no-auth`). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Follows a list's cursors with `api`; every record and every page's response headers. */
  walk(path: string, perPage: number): Promise<{ records: Record<string, unknown>[]; pages: Headers[] }>;
  /**
   * Resolves once no request is being served and none arrived during the last turn of the
   * event loop: what was sent has been answered (and counted in `emulator.stats`). msw only.
   */
  idle(): Promise<void>;
  /** Stops listening (HTTP); nothing to do for msw, whose handlers `useMswServer` resets after each test. */
  close(): Promise<void>;
}

/**
 * Starts an emulator for a test: over HTTP on 127.0.0.1 (close it when done), or through the
 * test file's msw server with `{ msw: server }`. This is the one way tests start one; tests
 * of the emulator's own front ends (`test/testing/`) call `createEmulator` directly.
 */
export async function startEmulator(options: EmulatorOptions = {}, serve: ServeOptions = {}): Promise<TestEmulator> {
  const emulator = createEmulator(serve.msw ? { baseUrl: EMULATOR_BASE, ...options } : options);
  let baseUrl = emulator.baseUrl;
  let close = async () => {};
  let idle: () => Promise<void>;
  if (serve.msw) {
    const { http } = await import('msw'); // loaded only here: child processes serving over HTTP need no msw
    const tracker = new ServingTracker();
    // The answers of `emulator.handlers` (see test/testing/front-ends.test.ts), counted.
    serve.msw.use(http.all(`${baseUrl}/*`, ({ request }) => tracker.serve(() => emulator.handle(request))));
    idle = () => tracker.idle();
  } else {
    const server = await emulator.listen({ port: 0 });
    baseUrl = server.baseUrl;
    close = () => server.close();
    idle = () => Promise.reject(new Error('idle() needs an emulator served through msw'));
  }
  const client = createClient({ apiKey: emulator.apiKey, baseUrl, retry: { limit: 2, backoffMs: 1 }, ...serve.client });
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('x-filesapi-key') && !headers.has('x-filesapi-auth') && !headers.has('x-no-auth')) {
      headers.set('X-FilesAPI-Key', emulator.apiKey);
    }
    headers.delete('x-no-auth');
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set('content-type', 'application/json');
    }
    return fetch(`${baseUrl}${API_PATH}${path}`, { ...init, headers, body });
  };
  const walk = async (path: string, perPage: number) => {
    const records: Record<string, unknown>[] = [];
    const pages: Headers[] = [];
    let cursor: string | null = null;
    const sep = path.includes('?') ? '&' : '?';
    do {
      const res = await api(`${path}${sep}per_page=${perPage}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
      records.push(...((await res.json()) as Record<string, unknown>[]));
      pages.push(res.headers);
      cursor = res.headers.get('x-files-cursor-next');
      if (pages.length > 100_000) throw new Error('cursor loop');
    } while (cursor);
    return { records, pages };
  };
  const env = { FILESCOM_BASE_URL: baseUrl, FILESCOM_API_KEY: emulator.apiKey };
  return { emulator, baseUrl, apiKey: emulator.apiKey, env, client, api, walk, idle, close };
}

/** Counts the requests being served, and tells when there are none. */
class ServingTracker {
  #serving = 0;
  #arrived = 0;
  #waiters: (() => void)[] = [];

  async serve(answer: () => Promise<Response>): Promise<Response> {
    this.#serving++;
    this.#arrived++;
    try {
      return await answer();
    } finally {
      if (--this.#serving === 0) for (const wake of this.#waiters.splice(0)) wake();
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      if (this.#serving > 0) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      const arrived = this.#arrived;
      // One turn of the event loop: a request on its way through msw gets here meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#serving === 0 && this.#arrived === arrived) return;
    }
  }
}

/** How many API requests of an operation (`files.download`, `folders.listFor`, ...) the emulator answered. */
export function operationCount(emulator: Emulator, operation: string): number {
  return emulator.stats.byOperation[operation] ?? 0;
}

/** Reads a JSON error body, checks its shape (every key, `http-code` = the status) and returns it. */
export async function errorOf(res: Response): Promise<{ type: string; status: number; body: Record<string, unknown> }> {
  const body = (await res.json()) as Record<string, unknown>;
  for (const key of ['error', 'http-code', 'instance', 'title', 'type']) {
    if (!(key in body)) throw new Error(`error body lacks ${key}: ${JSON.stringify(body)}`);
  }
  if (body['http-code'] !== res.status) throw new Error(`http-code ${String(body['http-code'])} != ${res.status}`);
  return { type: String(body['type']), status: res.status, body };
}
