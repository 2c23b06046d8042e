import { createEmulator, type Emulator, type EmulatorOptions, type EmulatorServer } from '../../src/testing/index.js';

/** The prefix of every API path. */
export const API = '/api/rest/v1';

/** An emulator listening over HTTP, with plain-fetch helpers (no project client code). */
export interface Harness {
  readonly emulator: Emulator;
  readonly server: EmulatorServer;
  /** Sends an API request with the emulator's key (unless `headers` say otherwise). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Walks a list with cursors; returns every record and every page's response headers. */
  walk(path: string, perPage: number): Promise<{ records: Record<string, unknown>[]; pages: Headers[] }>;
  close(): Promise<void>;
}

/** Starts an emulator with `options` and serves it on 127.0.0.1. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = createEmulator(options);
  const server = await emulator.listen();
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
    return fetch(`${server.baseUrl}${API}${path}`, { ...init, headers, body });
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
  return { emulator, server, api, walk, close: () => server.close() };
}

/** Reads a JSON error body and checks its shape. */
export async function errorOf(res: Response): Promise<{ type: string; status: number; body: Record<string, unknown> }> {
  const body = (await res.json()) as Record<string, unknown>;
  for (const key of ['error', 'http-code', 'instance', 'title', 'type']) {
    if (!(key in body)) throw new Error(`error body lacks ${key}: ${JSON.stringify(body)}`);
  }
  if (body['http-code'] !== res.status) throw new Error(`http-code ${String(body['http-code'])} != ${res.status}`);
  return { type: String(body['type']), status: res.status, body };
}
