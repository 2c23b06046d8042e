// Reliability: bounded page bodies. A page (or record) body larger than `maxPageBytes` stops
// with ResponseTooLargeError (carrying the resume cursor mid-listing) instead of being read
// forever, a page holding more records than the per_page sent is refused before any of them is
// parsed, and a record nested deeper than the limit is refused before any consumer recurses.
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readBody } from '../../src/core/read-body.js';
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

describe('records per page', () => {
  const users = (from: number, count: number) => `[${Array.from({ length: count }, (_, i) => user(from + i)).join(',')}]`;
  const cursors = () => server!.seen.map((s) => s.query.get('cursor'));
  /** Calls of JSON.parse on record text (`[{`...: the pieces of a page, or the whole of it) made by `run`. */
  async function recordParses(run: () => Promise<unknown>): Promise<{ result: unknown; parses: number }> {
    const spy = vi.spyOn(JSON, 'parse');
    try {
      const result = await run().catch((e: unknown) => e);
      return { result, parses: spy.mock.calls.filter(([text]) => typeof text === 'string' && /^\[\s*[{[\d"n]/.test(text)).length };
    } finally {
      spy.mockRestore();
    }
  }

  it('1001 records for per_page=1000: ResponseTooLargeError with the resume cursor, not retried; the 1000 before pass, none of its own', async () => {
    server = await tinyServer((_req, res, seen) => {
      if (!seen.query.get('cursor')) return answer(res, 200, users(1, 1000), { 'x-files-cursor-next': 'c1' });
      return answer(res, 200, users(100_001, 1001));
    });
    const got: number[] = [];
    let retries = 0;
    const files = createClient({
      apiKey: 'bounded-key-123',
      baseUrl: server.baseUrl,
      retry: { limit: 2, backoffMs: 1 },
      hooks: { beforeRetry: () => retries++ },
    });
    const error = await (async () => {
      for await (const u of files.users.list({ per_page: 1000 })) got.push(u.id!);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toBe('users.list: the server sent more than 1000 records in one page (per_page=1000)');
    expect((error as ResponseTooLargeError).limitRecords).toBe(1000);
    expect((error as ResponseTooLargeError).resumeCursor).toBe('c1');
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // Not retried: a server that ignores per_page does so again.
    expect(cursors()).toEqual([null, 'c1']);
    expect(server.seen.every((s) => s.query.get('per_page') === '1000')).toBe(true);
    expect(retries).toBe(0);
  });

  it('2,000,000 empty records (6 MB) for per_page=1000 are refused before any of them is parsed', async () => {
    const body = Buffer.from(`[${'{},'.repeat(1_999_999)}{}]`);
    server = await tinyServer((_req, res) => answer(res, 200, body, { 'x-files-cursor-next': 'c1' }));
    const got: unknown[] = [];
    const { result, parses } = await recordParses(async () => {
      for await (const u of client().users.list({ per_page: 1000 })) got.push(u);
    });
    expect(result).toBeInstanceOf(ResponseTooLargeError);
    expect((result as Error).message).toBe('users.list: the server sent more than 1000 records in one page (per_page=1000)');
    expect((result as ResponseTooLargeError).resumeCursor).toBeUndefined();
    expect(got).toHaveLength(0);
    expect(parses).toBe(0);
    // One request: the next page its headers named is prefetched at most (and then cancelled).
    expect(cursors().filter((c) => c === null)).toHaveLength(1);
  });

  it('a page that is not an array of objects is counted too: 2,000,000 numbers, empty arrays or strings', async () => {
    for (const unit of ['0', '[]', '"x"']) {
      const body = Buffer.from(`[${`${unit},`.repeat(1_999_999)}${unit}]`);
      server = await tinyServer((_req, res) => answer(res, 200, body));
      const { result, parses } = await recordParses(() => client().users.list({ per_page: 1000 }).toArray());
      expect(result, unit).toBeInstanceOf(ResponseTooLargeError);
      expect((result as ResponseTooLargeError).limitRecords, unit).toBe(1000);
      expect(parses, unit).toBe(0);
      expect(server.seen, unit).toHaveLength(1);
      await server.close();
      server = undefined;
    }
  });

  it('without a per_page sent, a page holds at most 10,000 records (the most Files.com allows)', async () => {
    let count = 10_000;
    server = await tinyServer((_req, res) => answer(res, 200, `[${'{},'.repeat(count - 1)}{}]`));
    const files = client();
    expect(server.seen).toHaveLength(0);
    expect(await files.users.list().toArray()).toHaveLength(10_000);
    expect(server.seen[0]!.query.has('per_page')).toBe(false);
    count = 10_001;
    const error = await files.users.list().toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toBe(
      'users.list: the server sent more than 10000 records in one page (no per_page sent; 10000 is the most a page may hold)',
    );
    expect(server.seen).toHaveLength(2);
  });

  it('the client-wide perPage is the limit when the call gives none', async () => {
    server = await tinyServer((_req, res) => answer(res, 200, users(1, 51)));
    const error = await createClient({ apiKey: 'bounded-key-123', baseUrl: server.baseUrl, perPage: 50 })
      .users.list()
      .toArray()
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('users.list: the server sent more than 50 records in one page (per_page=50)');
    expect(server.seen.map((s) => s.query.get('per_page'))).toEqual(['50']);
  });
});

describe('reading a body into one buffer of its declared length', () => {
  const stream = (chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  it('a body as long as declared, shorter, or longer (a length that lies) is read exactly', async () => {
    const chunks = ['[{"a":1}', ',{"b":2}', ']'];
    for (const expectedBytes of [17, 30, 5, 9, 0, undefined]) {
      expect(text(await readBody(stream(chunks), { expectedBytes })), String(expectedBytes)).toBe('[{"a":1},{"b":2}]');
    }
    // The byte cap still applies, with or without the declared length.
    for (const expectedBytes of [17, 10]) {
      await expect(readBody(stream(chunks), { expectedBytes, maxBytes: 16, tooLarge: () => new RangeError('cap') })).rejects.toThrow('cap');
      expect(text(await readBody(stream(chunks), { expectedBytes, maxBytes: 9 }))).toBe('[{"a":1},');
    }
  });

  it('a compressed page (its Content-Length is not the length read) is listed whole', async () => {
    const page = zlib.gzipSync(Buffer.from(`[${Array.from({ length: 1000 }, (_, i) => user(i + 1)).join(',')}]`));
    server = await tinyServer((_req, res) => answer(res, 200, page, { 'content-encoding': 'gzip' }));
    const ids = (await client().users.list({ per_page: 1000 }).toArray()).map((u) => u.id);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });
});
