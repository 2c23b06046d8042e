import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, createClient, type RequestEvent, type ResponseEvent } from '../../src/index.js';
import { API, BASE, useMswServer } from '../helpers/msw.js';

const server = useMswServer();

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createClient options', () => {
  it.each([
    [{ baseUrl: 'ftp://files.example' }, 'baseUrl'],
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ timeout: -5 }, 'timeout'],
    [{ perPage: 20_000 }, 'perPage'],
    [{ prefetch: 1.5 }, 'prefetch'],
    [{ validation: 'lenient' }, 'validation'],
    [{ retry: { limit: -1 } }, 'retry.limit'],
    [{ apiKey: '' }, 'apiKey'],
    [{ apiKee: 'typo' }, 'options'],
  ])('rejects %j naming %s', (options, option) => {
    let err: unknown;
    try {
      createClient({ apiKey: 'secret-abc', ...(options as object) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as ConfigurationError).option).toBe(option);
    expect(String(err)).not.toContain('secret-abc');
  });

  it('refuses a baseUrl that carries user:password@, without echoing them (fetch would refuse every request)', () => {
    for (const baseUrl of ['https://admin:hunter2@acme.files.com', 'https://only-user@acme.files.com']) {
      const err = (() => {
        try {
          createClient({ apiKey: 'k', baseUrl });
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(ConfigurationError);
      expect((err as ConfigurationError).option).toBe('baseUrl');
      expect(String(err)).toMatch(/user:password@/);
      expect(String(err)).not.toMatch(/hunter2|admin|only-user/);
    }
  });

  it('defaults the key and base URL from FILESCOM_API_KEY and FILESCOM_BASE_URL', async () => {
    vi.stubEnv('FILESCOM_API_KEY', 'env-key-123');
    vi.stubEnv('FILESCOM_BASE_URL', 'https://env.files.test/');
    let key: string | null = null;
    server.use(http.get('https://env.files.test/api/rest/v1/ping', ({ request }) => {
      key = request.headers.get('x-filesapi-key');
      return HttpResponse.json({});
    }));
    const client = createClient();
    expect(client.info).toEqual({ baseUrl: 'https://env.files.test', auth: 'api-key' });
    await client.core.request({ method: 'GET', path: '/ping' });
    expect(key).toBe('env-key-123');
  });

  it('throws ConfigurationError before sending anything when there is no key', async () => {
    vi.stubEnv('FILESCOM_API_KEY', '');
    let requests = 0;
    server.use(http.all(`${API}/*`, () => { requests++; return HttpResponse.json([]); }));
    const client = createClient({ baseUrl: BASE });
    expect(() => client.users.list()).toThrow(ConfigurationError);
    await expect(client.users.find(1)).rejects.toBeInstanceOf(ConfigurationError);
    expect(requests).toBe(0);
  });

  it('sends the documented headers', async () => {
    let headers: Headers | undefined;
    server.use(http.get(`${API}/ping`, ({ request }) => { headers = request.headers; return HttpResponse.json({}); }));
    const client = createClient({ apiKey: 'k', baseUrl: `${BASE}/api/rest/v1/`, workspaceId: 7, language: 'de', userAgent: 'etl-job/2' });
    await client.core.request({ method: 'GET', path: '/ping' });
    expect(headers?.get('x-filesapi-key')).toBe('k');
    expect(headers?.get('x-files-workspace-id')).toBe('7');
    expect(headers?.get('accept-language')).toBe('de');
    expect(headers?.get('user-agent')).toMatch(/^files-stream\/\d+\.\d+\.\d+ etl-job\/2$/);
  });

  it('sends a session id as X-FilesAPI-Auth when there is no key', async () => {
    vi.stubEnv('FILESCOM_API_KEY', '');
    let auth: string | null = null;
    server.use(http.get(`${API}/ping`, ({ request }) => { auth = request.headers.get('x-filesapi-auth'); return HttpResponse.json({}); }));
    await createClient({ sessionId: 'sess-1', baseUrl: BASE }).core.request({ method: 'GET', path: '/ping' });
    expect(auth).toBe('sess-1');
  });
});

describe('instance scoping', () => {
  it('two clients with different keys, used concurrently, never mix', async () => {
    server.use(
      http.get(`${API}/users`, async ({ request }) => {
        const key = request.headers.get('x-filesapi-key')!;
        const page = Number(new URL(request.url).searchParams.get('cursor') ?? '0');
        await new Promise((r) => setTimeout(r, Math.random() * 5)); // random latency (on purpose): the two listings interleave
        const headers: Record<string, string> = page < 4 ? { 'X-Files-Cursor-Next': String(page + 1) } : {};
        return HttpResponse.json(Array.from({ length: 10 }, (_, i) => ({ id: page * 10 + i, username: key })), { headers });
      }),
    );
    const a = createClient({ apiKey: 'key-A', baseUrl: BASE });
    const b = createClient({ apiKey: 'key-B', baseUrl: BASE });
    const [ra, rb] = await Promise.all([a.users.list().toArray(), b.users.list().toArray()]);
    expect(ra).toHaveLength(50);
    expect(rb).toHaveLength(50);
    expect(new Set(ra.map((u) => u.username))).toEqual(new Set(['key-A']));
    expect(new Set(rb.map((u) => u.username))).toEqual(new Set(['key-B']));
  });

  it('with() derives a new client and leaves the original unchanged', async () => {
    const seen: (string | null)[] = [];
    server.use(http.get(`${API}/ping`, ({ request }) => { seen.push(request.headers.get('accept-language')); return HttpResponse.json({}); }));
    const base = createClient({ apiKey: 'k', baseUrl: BASE });
    const german = base.with({ language: 'de' });
    await german.core.request({ method: 'GET', path: '/ping' });
    await base.core.request({ method: 'GET', path: '/ping' });
    expect(seen).toEqual(['de', null]);
  });
});

describe('hooks', () => {
  it('report requests with auth redacted, and responses with status', async () => {
    server.use(http.get(`${API}/ping`, () => HttpResponse.json({})));
    const requests: RequestEvent[] = [];
    const responses: ResponseEvent[] = [];
    const client = createClient({
      apiKey: 'hook-secret-key',
      baseUrl: BASE,
      hooks: { beforeRequest: (e) => requests.push(e), afterResponse: (e) => responses.push(e) },
    });
    await client.core.request({ method: 'GET', path: '/ping', operation: 'test.ping' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers['x-filesapi-key']).toBe('[redacted]');
    expect(JSON.stringify(requests)).not.toContain('hook-secret-key');
    expect(responses).toMatchObject([{ status: 200, operation: 'test.ping', method: 'GET' }]);
  });
});

describe('the client itself does not show its key', () => {
  it('in inspect, JSON or String', () => {
    const client = createClient({ apiKey: 'client-secret-xyz', baseUrl: BASE });
    for (const text of [inspect(client, { showHidden: true, depth: 5 }), JSON.stringify(client), String(client)]) {
      expect(text).not.toContain('client-secret-xyz');
    }
  });
});
