// Reliability: bounded page bodies. A page (or record) body larger than `maxPageBytes` stops
// with ResponseTooLargeError (carrying the resume cursor mid-listing) instead of being read
// forever, and a record nested deeper than the limit is refused before any consumer recurses.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClient,
  InvalidParameterError,
  ResponseTooLargeError,
  ResponseValidationError,
  type FilesClient,
} from '../../src/index.js';
import { answer, tinyServer, type TinyServer } from './support/tiny-server.js';

const MiB = 1024 * 1024;
const user = (id: number, extra = '') => `{"id":${id},"username":"user${id}"${extra}}`;

let server: TinyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options: { maxPageBytes?: number } = {}): FilesClient {
  return createClient({ apiKey: 'bounded-key-123', baseUrl: server!.baseUrl, retry: { limit: 2, backoffMs: 1 }, ...options });
}

describe('maxPageBytes', () => {
  it('an endless page body stops at the limit with ResponseTooLargeError and the resume cursor; the server stops sending', async () => {
    let sent = 0;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    server = await tinyServer((_req, res, seen) => {
      if (!seen.query.get('cursor')) return answer(res, 200, `[${user(1)}]`, { 'x-files-cursor-next': 'c1' });
      res.writeHead(200, { 'content-type': 'application/json', 'x-files-cursor-next': 'c2' });
      const chunk = Buffer.from(`${user(2)},`.repeat(1000));
      res.write('[');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', closed);
      pump();
    });
    const got: number[] = [];
    const error = await (async () => {
      for await (const u of client({ maxPageBytes: MiB }).users.list()) got.push(u.id!);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitBytes).toBe(MiB);
    expect((error as ResponseTooLargeError).resumeCursor).toBe('c1');
    expect((error as Error).message).toMatch(/maxPageBytes/);
    expect(got).toEqual([1]);
    await connectionClosed;
    // The client read about a megabyte; the socket buffers hold a few more at most.
    expect(sent).toBeLessThan(16 * MiB);
    // Not retried: a page that is too large stays too large.
    expect(server.seen.filter((s) => s.query.get('cursor') === 'c1')).toHaveLength(1);
  });

  it('a Content-Length above the limit fails before the body is read', async () => {
    server = await tinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * MiB) });
      res.write('[');
    });
    await expect(client({ maxPageBytes: MiB }).users.list().toArray()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('a page of exactly the limit is read; one byte more is not', async () => {
    const body = (size: number) => {
      const head = `[${user(1, ',"pad":"')}`;
      return `${head}${'x'.repeat(size - head.length - 3)}"}]`;
    };
    let size = 4096;
    server = await tinyServer((_req, res) => answer(res, 200, body(size)));
    expect(await client({ maxPageBytes: 4096 }).users.list().toArray()).toHaveLength(1);
    size = 4097;
    await expect(client({ maxPageBytes: 4096 }).users.list().toArray()).rejects.toBeInstanceOf(ResponseTooLargeError);
    // A list call can raise the client's limit for itself.
    expect(await client({ maxPageBytes: 4096 }).users.list({}, { maxPageBytes: 8192 }).toArray()).toHaveLength(1);
  });

  it('single-record calls are bounded by the same limit', async () => {
    server = await tinyServer((_req, res) => answer(res, 200, user(1, `,"pad":"${'x'.repeat(2 * MiB)}"`)));
    await expect(client({ maxPageBytes: MiB }).users.find(1)).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('a bad maxPageBytes is refused before any request', async () => {
    server = await tinyServer((_req, res) => answer(res, 200, '[]'));
    expect(() => client().users.list({}, { maxPageBytes: 10 })).toThrow(InvalidParameterError);
    expect(() => client({ maxPageBytes: 0.5 })).toThrow(/maxPageBytes/);
    expect(server.seen).toHaveLength(0);
  });
});

describe('JSON nesting depth', () => {
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  it('a record nested deeper than 64 levels is refused naming the record and field, with the resume cursor', async () => {
    server = await tinyServer((_req, res, seen) => {
      if (!seen.query.get('cursor')) return answer(res, 200, `[${user(1)}]`, { 'x-files-cursor-next': 'c1' });
      return answer(res, 200, `[${user(2)},${user(3, `,"deep":${nested(100_000)}`)}]`);
    });
    const error = await client().users.list().toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).index).toBe(1);
    expect((error as ResponseValidationError).path).toEqual(['deep']);
    expect((error as ResponseValidationError).resumeCursor).toBe('c1');
  });

  it('a single record nested too deep is refused; 63 levels below the record are fine', async () => {
    let depth = 63;
    server = await tinyServer((_req, res) => answer(res, 200, user(1, `,"deep":${nested(depth)}`)));
    const ok = (await client().users.find(1)) as unknown as { deep: unknown };
    expect(() => JSON.stringify(ok)).not.toThrow();
    depth = 64;
    await expect(client().users.find(1)).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
