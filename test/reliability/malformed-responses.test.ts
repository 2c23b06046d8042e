// Reliability, part 4b: a broken or hostile server gives a typed error or a bounded result,
// never a hang or a crash. Each case is served by a tiny node:http server written to misbehave.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  FilesApiError,
  FilesError,
  NetworkError,
  NotFoundError,
  PaginationError,
  ResponseValidationError,
  ServiceUnavailableError,
  TimeoutError,
  type FilesClient,
} from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { FORM, timeoutMs } from './support/scale.js';
import { API_KEY, scan } from './support/secrets.js';
import { loggedClient } from './support/site.js';
import { answer, tinyServer, type Seen, type TinyServer } from './support/tiny-server.js';

const RETRY_LIMIT = 2;
/** The client's per-attempt timeout in these tests. */
const TIMEOUT_MS = 500;

let server: TinyServer | undefined;
const unhandled = captureUnhandled();

afterEach(async () => {
  await server?.close();
  server = undefined;
});

afterAll(async () => {
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String), 'unhandled rejections').toEqual([]);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<FilesClient> {
  server = await tinyServer(handle);
  return loggedClient({ apiKey: API_KEY, baseUrl: server.baseUrl, timeout: TIMEOUT_MS, retry: { limit: RETRY_LIMIT, backoffMs: 1, maxBackoffMs: 5 } }).client;
}

type Outcome = { kind: 'value'; value: unknown; ms: number } | { kind: 'error'; error: unknown; ms: number } | { kind: 'hang'; ms: number };

/** Settles `work` or reports a hang after `boundMs`; errors are scanned for secrets. */
async function outcome(work: () => Promise<unknown>, boundMs: number): Promise<Outcome> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang', ms: performance.now() - t0 }), boundMs);
  });
  const promise = work();
  promise.catch(() => {}); // settled later, if it hangs now
  const settled = promise.then(
    (value): Outcome => ({ kind: 'value', value, ms: performance.now() - t0 }),
    (error: unknown): Outcome => {
      scan.add('malformed response error', error);
      return { kind: 'error', error, ms: performance.now() - t0 };
    },
  );
  const result = await Promise.race([settled, hang]);
  clearTimeout(timer);
  return result;
}

function expectError(result: Outcome, type: abstract new (...args: never[]) => Error): Error {
  if (result.kind !== 'error') throw new Error(`expected ${type.name}, got ${result.kind === 'hang' ? `a hang (${Math.round(result.ms)} ms)` : 'a value'}`);
  expect(result.error).toBeInstanceOf(type);
  return result.error as Error;
}

const json = 'application/json';
const user = (id: number) => `{"id":${id},"username":"user${id}","email":"user${id}@example.com"}`;

/** What a case answers to a list request and to a single-record request. */
interface Case {
  name: string;
  list: (res: ServerResponse) => void;
  find: (res: ServerResponse) => void;
  /** Typed error of `users.list().toArray()`, and of `users.find(1)`. */
  listError: abstract new (...args: never[]) => Error;
  findError: abstract new (...args: never[]) => Error;
  /** Requests a list call may send at most (refetches and retries are bounded by the policy). */
  maxListRequests?: number;
}

const both = (write: (res: ServerResponse) => void) => ({ list: write, find: write });
const cut = (status: number, text: string, declared: number) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': json, 'content-length': String(declared) });
  res.write(text, () => res.socket?.destroy());
};
const HTML = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

const CASES: Case[] = [
  {
    name: 'truncated JSON with an honest Content-Length',
    list: (res) => answer(res, 200, `[${user(1)},{"id":2,"userna`),
    find: (res) => answer(res, 200, '{"id":1,"user'),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
    maxListRequests: RETRY_LIMIT + 1,
  },
  {
    name: 'a body the connection cuts short (Content-Length says more)',
    list: cut(200, `[${user(1)},{"id":2,`, 5000),
    find: cut(200, '{"id":1,', 5000),
    listError: NetworkError,
    findError: NetworkError,
    maxListRequests: RETRY_LIMIT + 1,
  },
  {
    name: 'wrong field types',
    list: (res) => answer(res, 200, '[{"id":"one","username":5}]'),
    find: (res) => answer(res, 200, '{"id":"one","username":5}'),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
    maxListRequests: 1,
  },
  {
    name: 'an object where a list belongs, a list where an object belongs',
    list: (res) => answer(res, 200, user(1)),
    find: (res) => answer(res, 200, `[${user(1)}]`),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
    maxListRequests: 1,
  },
  { name: 'JSON null', ...both((res) => answer(res, 200, 'null')), listError: ResponseValidationError, findError: ResponseValidationError },
  { name: 'a JSON string', ...both((res) => answer(res, 200, '"[]"')), listError: ResponseValidationError, findError: ResponseValidationError },
  {
    name: 'an HTML page with status 200',
    ...both((res) => answer(res, 200, HTML, { 'content-type': 'text/html' })),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
    maxListRequests: RETRY_LIMIT + 1,
  },
  {
    name: 'binary garbage with status 200',
    ...both((res) => answer(res, 200, Buffer.from([0xff, 0xfe, 0x00, 0x5b, 0x80, 0x81, 0x7b]))),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
  },
  {
    name: 'JSON nested 200,000 deep',
    ...both((res) => answer(res, 200, `${'['.repeat(200_000)}${']'.repeat(200_000)}`)),
    listError: ResponseValidationError,
    findError: ResponseValidationError,
  },
  {
    name: 'an HTML 502 from a proxy',
    ...both((res) => answer(res, 502, HTML, { 'content-type': 'text/html' })),
    listError: ServiceUnavailableError,
    findError: ServiceUnavailableError,
    maxListRequests: RETRY_LIMIT + 1,
  },
  { name: 'an HTML 404', ...both((res) => answer(res, 404, HTML, { 'content-type': 'text/html' })), listError: NotFoundError, findError: NotFoundError, maxListRequests: 1 },
  { name: 'an empty 500', ...both((res) => answer(res, 500, '')), listError: FilesApiError, findError: FilesApiError, maxListRequests: RETRY_LIMIT + 1 },
  {
    name: 'an error type the client does not know',
    ...both((res) => answer(res, 418, '[{"type":"teapot/short-and-stout","title":"I am a teapot","http-code":"418"}]')),
    listError: FilesApiError,
    findError: FilesApiError,
    maxListRequests: 1,
  },
  {
    name: 'a 100 KB cursor header',
    list: (res) => answer(res, 200, `[${user(1)}]`, { 'x-files-cursor-next': 'c'.repeat(100_000) }),
    find: (res) => answer(res, 200, user(1), { 'x-padding': 'p'.repeat(100_000) }),
    listError: NetworkError,
    findError: NetworkError,
    maxListRequests: RETRY_LIMIT + 1,
  },
  {
    name: 'a status line the client cannot parse',
    ...both((res) => {
      res.socket?.end('HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\n[]');
    }),
    listError: NetworkError,
    findError: NetworkError,
  },
  {
    name: 'a connection closed before any answer',
    ...both((res) => res.socket?.destroy()),
    listError: NetworkError,
    findError: NetworkError,
    maxListRequests: RETRY_LIMIT + 1,
  },
];

describe(`malformed responses (${FORM} form): a typed error, never a hang or a crash`, () => {
  for (const c of CASES) {
    it(`${c.name}: users.list → ${c.listError.name}, users.find → ${c.findError.name}`, async () => {
      let phase: 'list' | 'find' = 'list';
      const client = await serve((_req, res) => (phase === 'list' ? c.list(res) : c.find(res)));
      const listError = expectError(await outcome(() => client.users.list().toArray(), 5_000), c.listError);
      if (c.maxListRequests !== undefined) expect(server!.seen.length).toBeLessThanOrEqual(c.maxListRequests);
      phase = 'find';
      const findError = expectError(await outcome(() => client.users.find(1), 5_000), c.findError);
      // Typed errors are FilesErrors: no bare TypeError, SyntaxError or RangeError gets through.
      expect(listError).toBeInstanceOf(FilesError);
      expect(findError).toBeInstanceOf(FilesError);
    });
  }

  it('an empty 200 body: a list gives ResponseValidationError; a single record must not come back as undefined', async () => {
    const client = await serve((_req, res) => answer(res, 200, ''));
    expectError(await outcome(() => client.users.list().toArray(), 5_000), ResponseValidationError);
    const found = await outcome(() => client.users.find(1), 5_000);
    // BUG (reported): `users.find` resolves to undefined (typed as User) for an empty 200 body.
    expect(found.kind === 'value' ? `resolved to ${String(found.value)}` : 'rejected').toBe('rejected');
    expectError(found, ResponseValidationError);
  });

  it('a hostile Retry-After (999999 s, a far-future date, a negative number) cannot stall the client', async () => {
    const values = ['999999', 'Wed, 21 Oct 2099 07:28:00 GMT', '-5'];
    const client = await serve((_req, res) => {
      const n = server!.seen.length - 1;
      if (n < values.length) answer(res, 429, '{"type":"rate-limited","title":"slow down"}', { 'retry-after': values[n]! });
      else answer(res, 200, `[${user(1)}]`);
    });
    const result = await outcome(
      () => client.with({ retry: { limit: 5, backoffMs: 1, maxBackoffMs: 5 } }).users.list().toArray(),
      3_000,
    );
    expect(result.kind).toBe('value');
    expect((result as { value: unknown[] }).value).toHaveLength(1);
    expect(server!.seen).toHaveLength(4);
  });

  it(
    `a 50 MB error body: the typed error comes at once (the body is read only up to a cap)`,
    async () => {
      const huge = Buffer.alloc(50 * 1024 * 1024, 'x');
      const client = await serve((_req, res) => answer(res, 400, huge, { 'content-type': 'text/plain' }));
      const result = await outcome(() => client.users.find(1), 3_000);
      const error = expectError(result, BadRequestError) as BadRequestError;
      expect(error.status).toBe(400);
      expect(String(error.title ?? '').length).toBeLessThanOrEqual(200);
    },
    timeoutMs(10_000),
  );

  it(
    `a 50 MB page (10,000 records of 5 KB): a bounded result (every record), no crash`,
    async () => {
      // 10,000 records: the most a page may hold (no per_page sent); a page of more is refused (bounded-bodies.test.ts).
      const count = 10_000;
      const padding = 'x'.repeat(5 * 1024 + 300);
      const page = Buffer.from(`[${Array.from({ length: count }, (_, i) => user(i + 1).replace('}', `,"name":"${padding}"}`)).join(',')}]`);
      expect(page.length).toBeGreaterThan(49 * 1024 * 1024);
      const client = await serve((_req, res) => answer(res, 200, page));
      let n = 0;
      const result = await outcome(async () => {
        for await (const u of client.users.list({}, { prefetch: 0 })) if (u.id === ++n) continue;
        return n;
      }, 20_000);
      expect(result.kind).toBe('value');
      expect(n).toBe(count);
    },
    timeoutMs(30_000),
  );
});

describe('cursors that never end', () => {
  it('a cursor that repeats (A → B → A): PaginationError cursor-loop, after the records before it', async () => {
    const next: Record<string, string> = { '': 'A', A: 'B', B: 'A' };
    const client = await serve((req, res, seen) => {
      const cursor = seen.query.get('cursor') ?? '';
      answer(res, 200, `[${user(seen.query.has('cursor') ? cursor.charCodeAt(0) : 1)}]`, { 'x-files-cursor-next': next[cursor]! });
    });
    const records: unknown[] = [];
    const result = await outcome(async () => {
      for await (const u of client.users.list()) records.push(u);
    }, 3_000);
    const error = expectError(result, PaginationError) as PaginationError;
    expect(error.reason).toBe('cursor-loop');
    expect(records).toHaveLength(3);
    expect(server!.seen.length).toBeLessThanOrEqual(4);
  });

  it('the same cursor on every page, and a resume from a cursor that comes back: cursor-loop', async () => {
    const client = await serve((_req, res) => answer(res, 200, `[${user(1)}]`, { 'x-files-cursor-next': 'X' }));
    expect((expectError(await outcome(() => client.users.list().toArray(), 3_000), PaginationError) as PaginationError).reason).toBe('cursor-loop');
    const resumed = await outcome(() => client.users.list({}, { startCursor: 'X' }).toArray(), 3_000);
    expect((expectError(resumed, PaginationError) as PaginationError).reason).toBe('cursor-loop');
  });

  it('fresh cursors forever (empty pages): maxPages bounds it; take() bounds a listing that has records', async () => {
    let n = 0;
    const client = await serve((_req, res) => answer(res, 200, n++ % 2 ? '[]' : `[${user(n)}]`, { 'x-files-cursor-next': `c${n}` }));
    const bounded = await outcome(() => client.users.list({}, { maxPages: 50 }).toArray(), 5_000);
    expect((expectError(bounded, PaginationError) as PaginationError).reason).toBe('max-pages');
    expect(server!.seen.length).toBeLessThanOrEqual(51);
    const taken = await outcome(() => client.users.list().take(10).toArray(), 5_000);
    expect(taken.kind).toBe('value');
    expect((taken as { value: unknown[] }).value).toHaveLength(10);
  });
});

describe('a page that never ends (headers sent, then the body stalls)', () => {
  const stall = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': json, 'x-files-cursor-next': 'next' });
    res.write(`[${user(1)},`);
  };

  it('the caller\'s signal ends it at once, with the signal\'s reason', async () => {
    const client = await serve(stall);
    const result = await outcome(() => client.users.list({}, { signal: AbortSignal.timeout(300) }).toArray(), 3_000);
    const error = expectError(result, Error);
    expect(error.name).toBe('TimeoutError');
    expect(result.ms).toBeLessThan(1_500);
  });

  it('no response headers at all: the client timeout ends it with TimeoutError', async () => {
    const client = await serve(() => {});
    const result = await outcome(() => client.users.list().toArray(), (RETRY_LIMIT + 2) * (TIMEOUT_MS + 200));
    expectError(result, TimeoutError);
    expect(server!.seen).toHaveLength(RETRY_LIMIT + 1);
  });

  it(`without a signal, the client's timeout (${TIMEOUT_MS} ms) must end a listing whose body stalls`, async () => {
    const client = await serve(stall);
    // BUG (reported): `timeout` only covers the wait for the headers; the body read has no timeout, so this hangs.
    const result = await outcome(() => client.users.list().toArray(), 3_000);
    expect(result.kind, 'hangs forever').not.toBe('hang');
    expectError(result, TimeoutError);
  });

  it(`without a signal, the client's timeout must end a single call whose body stalls`, async () => {
    const client = await serve(stall);
    const result = await outcome(() => client.users.find(1), 3_000);
    expect(result.kind, 'hangs forever').not.toBe('hang');
    expectError(result, TimeoutError);
  });

  it('a download whose body stalls: the signal ends downloadToFile and removes the temporary file; the timeout alone does not', async () => {
    const { path: dir, remove } = await tempDir('reliability-stall-');
    try {
      const client = await serve((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname.startsWith('/api/rest/v1/files/')) {
          return answer(res, 200, JSON.stringify({ path: 'a.bin', type: 'file', size: 1000, download_uri: `${server!.baseUrl}/dl/a.bin` }));
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000' });
        res.write(Buffer.alloc(100));
      });
      const withSignal = await outcome(
        () => client.files.downloadToFile('a.bin', join(dir, 'a.bin'), { signal: AbortSignal.timeout(400), timeout: TIMEOUT_MS }),
        3_000,
      );
      expect(expectError(withSignal, Error).name).toBe('TimeoutError');
      expect(await readdir(dir)).toEqual([]);
      const timeoutOnly = await outcome(() => client.files.downloadToFile('a.bin', join(dir, 'b.bin'), { timeout: TIMEOUT_MS }), 3_000);
      // BUG (reported): the download timeout, too, stops at the headers; a stalled body hangs downloadToFile.
      expect(timeoutOnly.kind, 'hangs forever').not.toBe('hang');
    } finally {
      await server?.close();
      server = undefined;
      await settle();
      await remove();
    }
  });
});

