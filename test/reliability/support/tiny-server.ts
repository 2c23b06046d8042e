import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** A request as the tiny server saw it. */
export interface Seen {
  method: string;
  /** The path, still percent-encoded. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** A hand-written HTTP server on 127.0.0.1 that answers however the test wants (badly, on purpose). */
export interface TinyServer {
  readonly baseUrl: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

/** Starts a server; `handle` writes whatever answer the case needs (or none: a stall). */
export async function tinyServer(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<TinyServer> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry = { method: req.method ?? 'GET', rawPath: url.pathname, query: url.searchParams, headers: req.headers };
    seen.push(entry);
    // A socket error on a connection the test breaks on purpose is expected.
    req.socket.on('error', () => {});
    handle(req, res, entry);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON (or any text) answer with an honest Content-Length. */
export function answer(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** What a tiny server does with each request. */
export type TinyHandler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;

/**
 * Tiny servers closed after each test of the file that calls this (at its top level):
 * `const server = useTinyServers();` then `const s = await server((req, res) => ...)`.
 */
export function useTinyServers(): (handle: TinyHandler) => Promise<TinyServer> {
  const servers: TinyServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (handle) => {
    const s = await tinyServer(handle);
    servers.push(s);
    return s;
  };
}
