// The list page fetcher passes the record limit of a page down to the body parser: the
// `per_page` the request sends, else the operation's largest. A page over it is refused
// (ResponseTooLargeError with limitRecords) before any record is parsed, and not refetched.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { filesPageFetcher, MAX_PER_PAGE } from '../../src/api/page-fetcher.js';
import { createRequestCore } from '../../src/core/request-core.js';
import { defaultRetryPolicy } from '../../src/core/retry.js';
import type { RequestSpec } from '../../src/core/types.js';
import { ResponseTooLargeError } from '../../src/errors/client-errors.js';
import { API, BASE, useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const MAX_PAGE_BYTES = 1 << 20;
const core = createRequestCore(
  { baseUrl: BASE, timeout: 5_000, maxPageBytes: MAX_PAGE_BYTES, retry: { ...defaultRetryPolicy, limit: 3, backoffMs: 1 }, userAgent: 'test', hooks: {} },
  { apiKey: 'page-fetcher-key' },
);
const spec = (query: Record<string, unknown> = {}): RequestSpec => ({ method: 'GET', path: '/history/login', query, operation: 'history.listLogins' });
const noCheck = async () => (record: unknown) => record;

/** Serves pages of `count` empty records; returns the per_page values the server saw. */
function serve(count: () => number): (string | null)[] {
  const seen: (string | null)[] = [];
  server.use(
    http.get(`${API}/history/login`, ({ request }) => {
      seen.push(new URL(request.url).searchParams.get('per_page'));
      return new HttpResponse(`[${Array.from({ length: count() }, () => '{}').join(',')}]`, { headers: { 'content-type': 'application/json' } });
    }),
  );
  return seen;
}

async function itemsOf(fetcher: ReturnType<typeof filesPageFetcher>): Promise<unknown> {
  const head = await fetcher(undefined, new AbortController().signal);
  return head.items().catch((e: unknown) => e);
}

describe('filesPageFetcher: records per page', () => {
  it('the per_page sent is the limit, as a number or a string', async () => {
    let count = 20;
    const seen = serve(() => count);
    for (const perPage of [20, '20']) {
      count = 20;
      expect(await itemsOf(filesPageFetcher(core, spec({ per_page: perPage }), noCheck))).toHaveLength(20);
      count = 21;
      const error = await itemsOf(filesPageFetcher(core, spec({ per_page: perPage }), noCheck));
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect((error as Error).message).toBe('history.listLogins: the server sent more than 20 records in one page (per_page=20)');
      expect((error as ResponseTooLargeError).limitRecords).toBe(20);
      expect((error as ResponseTooLargeError).limitBytes).toBe(MAX_PAGE_BYTES);
    }
    // Four requests: the refused pages were not fetched again.
    expect(seen).toEqual(['20', '20', '20', '20']);
  });

  it('without a per_page, the operation\'s largest (maxPerPage), else 10,000', async () => {
    let count = 1000;
    serve(() => count);
    const capped = filesPageFetcher(core, spec(), noCheck, { maxPerPage: 1000 });
    expect(await itemsOf(capped)).toHaveLength(1000);
    count = 1001;
    const error = await itemsOf(capped);
    expect((error as Error).message).toBe(
      'history.listLogins: the server sent more than 1000 records in one page (no per_page sent; 1000 is the most a page may hold)',
    );
    // A per_page that is not a whole number of at least 1 is not a limit.
    for (const perPage of [0, -5, 2.5, 'many']) {
      expect((await itemsOf(filesPageFetcher(core, spec({ per_page: perPage }), noCheck, { maxPerPage: 1000 })) as Error).message).toMatch(
        /more than 1000 records in one page \(no per_page sent/,
      );
    }
    expect(MAX_PER_PAGE).toBe(10_000);
    count = 10_001;
    expect(((await itemsOf(filesPageFetcher(core, spec(), noCheck))) as ResponseTooLargeError).limitRecords).toBe(10_000);
    count = 10_000;
    expect(await itemsOf(filesPageFetcher(core, spec(), noCheck))).toHaveLength(10_000);
  });

  it('the request core refuses a top-level array over maxRecords with its own ResponseTooLargeError', async () => {
    serve(() => 3);
    const response = await core.open(spec());
    const error = await response.readJson({ maxRecords: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitRecords).toBe(2);
    expect((error as Error).message).toBe('history.listLogins: the server sent more than 2 records in one page (per_page=2)');
  });
});
