// Reliability, hardening: credentials. The API key and session id never reach another origin
// (API requests refuse redirects; presigned URLs never carry them), server text that echoes
// them back is redacted before it enters an error or a hook event, and a client's credentials
// act as a unit (a session wins over a key; `with({ apiKey })` drops an inherited session).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createClient,
  FilesApiError,
  FilesError,
  isFilesError,
  RedirectError,
  type ClientOptions,
  type FilesClient,
} from '../../src/index.js';
import { captureUnhandled, settle } from './support/process-state.js';
import { API_KEY, holdsSecret, renderings, scan, SESSION_ID } from './support/secrets.js';
import { answer, useTinyServers, type Seen } from './support/tiny-server.js';

const unhandled = captureUnhandled();
/** Tiny servers closed after each test. */
const server = useTinyServers();

afterAll(async () => {
  await settle();
  unhandled.stop();
  expect(unhandled.reasons.map(String)).toEqual([]);
  expect(scan.size).toBeGreaterThan(0);
  expect(scan.leaks()).toEqual([]);
});

/** Settles a promise to its error (or fails the test when it resolves). */
async function failure(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    (value) => expect.unreachable(`expected a failure, got ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

const authHeaders = (s: Seen) => ({ key: s.headers['x-filesapi-key'], auth: s.headers['x-filesapi-auth'] });

describe('API requests never follow a redirect (the key stays on its origin)', () => {
  /** Origin A answers every request with `status` to origin B (with a query that must never be shown). */
  async function redirectingPair(status: number) {
    const target = await server((_req, res) => answer(res, 200, '[]'));
    const api = await server((_req, res) => {
      res.writeHead(status, { location: `${target.baseUrl}/api/rest/v1/elsewhere?token=hidden-query-value` });
      res.end('moved');
    });
    const client = createClient({ apiKey: API_KEY, baseUrl: api.baseUrl, retry: { limit: 3, backoffMs: 1 } });
    return { api, target, client };
  }

  const calls: [string, (c: FilesClient) => Promise<unknown>][] = [
    ['a GET (users.find)', (c) => c.users.find(1)],
    ['a list (users.list, Paginated)', (c) => c.users.list({ per_page: 10 }).toArray()],
    ['a POST (folders.create)', (c) => c.folders.create('reports/q1', { mkdir_parents: true })],
  ];

  for (const status of [301, 302, 307, 308]) {
    it.each(calls)(`${status}: %s is refused with RedirectError; the other origin receives nothing`, async (_name, call) => {
      const { api, target, client } = await redirectingPair(status);
      const error = await failure(call(client));
      scan.add(`redirect ${status}`, error);
      expect(target.seen).toEqual([]);
      expect(api.seen).toHaveLength(1); // refused, not retried
      expect(error).toBeInstanceOf(RedirectError);
      expect(isFilesError(error)).toBe(true);
      const redirect = error as RedirectError;
      expect(redirect.status).toBe(status);
      expect(redirect.targetOrigin).toBe(target.baseUrl);
      expect(redirect.message).toContain(`answered ${status} to ${target.baseUrl}`);
      expect(redirect.message).toMatch(/set baseUrl to that site's URL/);
      for (const text of renderings(error)) expect(text).not.toContain('hidden-query-value');
    });
  }

  it('a RedirectError is a FilesError, not an HTTP error of the API', () => {
    const error = new RedirectError({ status: 301, targetOrigin: 'https://other.example', operation: 'users.list' });
    expect(error).toBeInstanceOf(FilesError);
    expect(error).not.toBeInstanceOf(FilesApiError);
    expect(error.message).toBe("users.list: the API answered 301 to https://other.example: set baseUrl to that site's URL");
  });

  it('a redirect to another path of the same origin is refused too, and names that origin', async () => {
    const api = await server((_req, res) => {
      res.writeHead(302, { location: '/login?next=%2Fapi' });
      res.end();
    });
    const client = createClient({ apiKey: API_KEY, baseUrl: api.baseUrl });
    const error = await failure(client.users.find(1));
    expect(error).toBeInstanceOf(RedirectError);
    expect(api.seen).toHaveLength(1);
    expect((error as RedirectError).targetOrigin).toBe(api.baseUrl);
    expect((error as RedirectError).message).not.toContain('login');
  });

  it('a redirect without a Location header is still refused', async () => {
    const api = await server((_req, res) => res.writeHead(303).end());
    const error = await failure(createClient({ apiKey: API_KEY, baseUrl: api.baseUrl }).users.find(1));
    expect(error).toMatchObject({ name: 'RedirectError', status: 303, targetOrigin: undefined });
    expect((error as Error).message).toMatch(/answered 303 without a Location/);
  });

  it('the same holds for a session: no X-FilesAPI-Auth reaches the other origin', async () => {
    const { target, api } = await redirectingPair(302);
    const client = createClient({ sessionId: SESSION_ID, baseUrl: api.baseUrl });
    expect(await failure(client.users.list().toArray())).toBeInstanceOf(RedirectError);
    expect(target.seen).toEqual([]);
  });

  it('a presigned download redirected to a third origin carries no key, no session', async () => {
    const bytes = 'the file body';
    const storage = await server((_req, res) => answer(res, 200, bytes, { 'content-type': 'application/octet-stream' }));
    const signer = await server((_req, res) => res.writeHead(302, { location: `${storage.baseUrl}/object?sig=abc` }).end());
    const api = await server((_req, res) =>
      answer(res, 200, JSON.stringify({ path: 'a.txt', type: 'file', size: bytes.length, download_uri: `${signer.baseUrl}/d/a.txt` })),
    );
    for (const credentials of [{ apiKey: API_KEY }, { sessionId: SESSION_ID }]) {
      const client = createClient({ ...credentials, baseUrl: api.baseUrl });
      const { stream } = await client.files.downloadStream('a.txt');
      expect(await new Response(stream).text()).toBe(bytes);
    }
    expect(api.seen.map(authHeaders)).toEqual([
      { key: API_KEY, auth: undefined },
      { key: undefined, auth: SESSION_ID },
    ]);
    expect(signer.seen).toHaveLength(2);
    expect(storage.seen).toHaveLength(2);
    for (const seen of [...signer.seen, ...storage.seen]) {
      expect(authHeaders(seen)).toEqual({ key: undefined, auth: undefined });
      expect(JSON.stringify(seen.headers)).not.toContain(API_KEY);
      expect(JSON.stringify(seen.headers)).not.toContain(SESSION_ID);
    }
  });
});

describe('secrets the server echoes back are redacted from errors and hook events', () => {
  /** An error body that puts `secret` in every field, nested, as a key, JSON-escaped and cut at 200 characters. */
  function echoingBody(secret: string): string {
    const escaped = [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
    const body = {
      error: `Invalid key ${secret}`,
      'http-code': 401,
      instance: `instance-${secret}`,
      title: `${'x'.repeat(190)}${secret}`,
      type: 'not-authenticated/invalid-api-key',
      detail: `You sent ${secret} (${secret})`,
      errors: [`bad ${secret}`, { nested: [[`deep ${secret}`]] }],
      'model-errors': { api_key: [`${secret} is wrong`] },
      data: { sent: secret, [secret]: 'as a key', list: [{ x: { y: secret } }] },
    };
    // One field spelled with JSON escapes: it parses to the secret.
    return JSON.stringify(body).replace('"detail":"', `"detail":"escaped ${escaped} / `);
  }

  const htmlBody = (secret: string) =>
    `<html><head><title>Denied for ${secret}</title></head><body>${secret}</body></html>`;
  // The first line is cut at 200 characters: the secret must be redacted before the cut, or a fragment would stay.
  const textBody = (secret: string) => `${'y'.repeat(180)}${secret} rejected\nsecond line ${secret}`;

  for (const [label, options, secret] of [
    ['API key', { apiKey: API_KEY }, API_KEY],
    ['session id', { sessionId: SESSION_ID }, SESSION_ID],
  ] as [string, ClientOptions, string][]) {
    it(`${label}: JSON error fields (every one, nested, escaped), an HTML title and a text line`, async () => {
      const bodies = [
        { type: 'application/json', body: echoingBody(secret), status: 401 },
        { type: 'application/json', body: `[${echoingBody(secret)}]`, status: 401 },
        { type: 'text/html', body: htmlBody(secret), status: 502 },
        { type: 'text/plain', body: textBody(secret), status: 403 },
      ];
      let next = 0;
      const api = await server((_req, res) => {
        const { type, body, status } = bodies[next++ % bodies.length]!;
        answer(res, status, body, { 'content-type': type });
      });
      const events: unknown[] = [];
      const client = createClient({
        ...options,
        baseUrl: api.baseUrl,
        retry: false,
        hooks: { beforeRequest: (e) => events.push(e), afterResponse: (e) => events.push(e), beforeRetry: (e) => events.push(e) },
      });
      const errors: FilesApiError[] = [];
      for (let i = 0; i < bodies.length; i++) errors.push((await failure(client.users.find(1))) as FilesApiError);
      expect(errors.map((e) => e.constructor.name)).toEqual([
        'NotAuthenticatedError',
        'NotAuthenticatedError',
        'ServiceUnavailableError',
        'NotAuthorizedError',
      ]);
      const [json, wrapped, html, text] = errors as [FilesApiError, FilesApiError, FilesApiError, FilesApiError];
      for (const e of [json, wrapped]) {
        expect(e.message).toBe('users.find: HTTP 401 (not-authenticated/invalid-api-key): Invalid key [redacted]');
        expect(e.title).toBe(`${'x'.repeat(190)}[redacted]`);
        expect(e.instance).toBe('instance-[redacted]');
        expect(e.detail).toBe('escaped [redacted] / You sent [redacted] ([redacted])');
        expect(e.errors).toEqual(['bad [redacted]', { nested: [['deep [redacted]']] }]);
        expect(e.modelErrors).toEqual({ api_key: ['[redacted] is wrong'] });
        expect(e.data).toEqual({ sent: '[redacted]', '[redacted]': 'as a key', list: [{ x: { y: '[redacted]' } }] });
      }
      expect(html.title).toBe('Denied for [redacted]');
      expect(text.title).toBe(`${'y'.repeat(180)}[redacted] rejected`);
      for (const [i, e] of errors.entries()) {
        scan.add(`echoed ${label} #${i}`, e);
        for (const rendering of renderings(e)) expect(rendering).not.toContain(secret);
      }
      expect(events.length).toBe(2 * bodies.length);
      scan.add(`echo hooks ${label}`, JSON.stringify(events));
    });
  }

  it('bounded work: an echo nested past the depth limit is omitted, never kept; a __proto__ key stays a plain field', async () => {
    let nested: unknown = `deep ${API_KEY}`;
    for (let i = 0; i < 40; i++) nested = { level: nested };
    const body = `{"type":"bad-request","data":${JSON.stringify({ nested })},"errors":{"__proto__":{"echo":"${API_KEY}"}}}`;
    const api = await server((_req, res) => answer(res, 400, body));
    const error = (await failure(createClient({ apiKey: API_KEY, baseUrl: api.baseUrl }).users.find(1))) as FilesApiError;
    scan.add('nested echo', error);
    expect(JSON.stringify(error.data)).toContain('"[omitted]"');
    expect(JSON.stringify(error.data)).not.toContain(API_KEY);
    expect(Object.getOwnPropertyDescriptor(error.errors, '__proto__')?.value).toEqual({ echo: '[redacted]' });
    expect(({} as Record<string, unknown>).echo).toBeUndefined();
  });

  /** The forms a server may echo `secret` in: percent-encoded (RFC 3986, lower-case hex, twice), form-encoded, JSON- and HTML-escaped. */
  function echoForms(secret: string): string[] {
    const strict = encodeURIComponent(secret).replace(/[!'()*-]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return [
      secret,
      strict,
      strict.toLowerCase(),
      encodeURIComponent(strict),
      new URLSearchParams({ k: secret }).toString().slice(2),
      [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
      secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/-/g, '&#45;'),
      secret.replace(/'/g, '&#x27;').replace(/-/g, '&#x2d;'),
    ];
  }

  it("every encoding a server may echo a key in (a key holding ' sent as %27, a space as +, JSON and HTML escapes): in message, instance, detail, errors, HTML and text bodies", async () => {
    // A key of unusual characters around the scan's needle, and the suite's own key and session.
    const odd = `rlb'KEY+9f4e2c7a1d/"do not" <leak>&`;
    for (const [options, secret] of [
      [{ apiKey: odd }, odd],
      [{ apiKey: API_KEY }, API_KEY],
      [{ sessionId: SESSION_ID }, SESSION_ID],
    ] as [ClientOptions, string][]) {
      const forms = echoForms(secret);
      const json = JSON.stringify({
        type: 'not-authenticated/invalid-api-key',
        error: `Invalid key ${forms[1]}`,
        instance: `/api/rest/v1/users/1?key=${forms[1]}&again=${forms[4]}`,
        detail: forms.join(' '),
        errors: forms,
      });
      const bodies = [
        { type: 'application/json', body: json, status: 401 },
        // In a JSON string's own escapes: the \u forms parse to the key itself.
        { type: 'application/json', body: json.replace(`"detail":"`, `"detail":"${forms[5]} `), status: 401 },
        { type: 'text/html', body: `<html><title>Denied ${forms[6]} ${forms[7]}</title></html>`, status: 502 },
        { type: 'text/plain', body: `refused ${forms.join(' ')}`, status: 403 },
      ];
      let next = 0;
      const api = await server((_req, res) => {
        const { type, body, status } = bodies[next++ % bodies.length]!;
        answer(res, status, body, { 'content-type': type });
      });
      const client = createClient({ ...options, baseUrl: api.baseUrl, retry: false });
      for (let i = 0; i < bodies.length; i++) {
        const error = (await failure(client.users.find(1))) as FilesApiError;
        expect(error).toBeInstanceOf(FilesApiError);
        scan.add(`echo in every encoding #${i} (${secret === odd ? 'odd key' : secret === API_KEY ? 'API key' : 'session'})`, error);
        for (const text of renderings(error)) {
          for (const form of forms) expect(text).not.toContain(form);
          expect(holdsSecret(text), text).toBe(false);
        }
      }
      expect(api.seen).toHaveLength(bodies.length);
    }
  });

  it("a presigned URL's signature (in its query or a path segment) and credentials: never in errors, hook events or log lines", async () => {
    // Signatures that hold the scan's needle: a leak of one fails the scan too.
    const signature = 'sig-9f4e2c7a1d-0123456789abcdef';
    const token = 'tok-9f4e2c7a1d-fedcba9876543210';
    const cases: { name: string; uri: (storage: string) => string; storage: (req: IncomingMessage, res: ServerResponse) => void; error: string }[] = [
      {
        name: 'S3 SignatureDoesNotMatch, quoting the signature, the access key id and the canonical request',
        uri: (s) => `${s}/bucket/a.txt?X-Amz-Credential=AKIA-9f4e2c7a1d%2F20240101&X-Amz-Date=20240101T120000Z&X-Amz-Expires=60&X-Amz-Signature=${signature}`,
        storage: (req, res) =>
          answer(
            res,
            403,
            `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>AKIA-9f4e2c7a1d</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n${signature}</StringToSign><SignatureProvided>${signature}</SignatureProvided><CanonicalRequest>GET\n${req.url}</CanonicalRequest></Error>`,
            { 'content-type': 'application/xml' },
          ),
        error: 'NotAuthorizedError',
      },
      {
        name: "the site's own signed URL: the token in a path segment, echoed in a JSON error",
        uri: (s) => `${s}/download/${token}/a.txt`,
        storage: (req, res) => answer(res, 404, JSON.stringify({ type: 'not-found', error: `no download ${token}`, instance: req.url })),
        error: 'NotFoundError',
      },
      { name: 'userinfo in the URL (fetch would echo it)', uri: (s) => `${s.replace('//', '//user-9f4e2c7a1d:pw@')}/a.txt?sig=${signature}`, storage: (_req, res) => answer(res, 200, 'x'), error: 'NetworkError' },
      { name: 'an unparsable URL (fetch would echo it)', uri: () => `http://[::1/a.txt?sig=${signature}`, storage: (_req, res) => answer(res, 200, 'x'), error: 'NetworkError' },
    ];
    for (const c of cases) {
      const storage = await server(c.storage);
      const uri = c.uri(storage.baseUrl);
      const api = await server((_req, res) => answer(res, 200, JSON.stringify({ path: 'a.txt', type: 'file', size: 1, download_uri: uri })));
      const lines: string[] = [];
      const events: unknown[] = [];
      const client = createClient({
        apiKey: API_KEY,
        baseUrl: api.baseUrl,
        retry: { limit: 1, backoffMs: 1 },
        logger: { debug: (l) => void lines.push(l), warn: (l) => void lines.push(l) },
        hooks: { beforeRequest: (e) => events.push(e), afterResponse: (e) => events.push(e), beforeRetry: (e) => events.push(e) },
      });
      const error = await failure(client.files.downloadStream('a.txt'));
      expect((error as Error).name, c.name).toBe(c.error);
      scan.add(`presigned: ${c.name}`, error);
      for (const line of lines) scan.add(`presigned log: ${c.name}`, line);
      scan.add(`presigned hooks: ${c.name}`, JSON.stringify(events));
      for (const text of [...renderings(error), ...lines, JSON.stringify(events)]) {
        for (const secret of [signature, token, '9f4e2c7a1d']) expect(text, c.name).not.toContain(secret);
      }
    }
  });

  it('hook events: the URL and every header value are redacted (a key passed as a query value, a user agent)', async () => {
    const api = await server((_req, res) => answer(res, 503, '{}', { 'retry-after': '0' }));
    const events: { kind: string; event: unknown }[] = [];
    const client = createClient({
      apiKey: API_KEY,
      baseUrl: api.baseUrl,
      userAgent: `agent-${API_KEY}`,
      retry: { limit: 1, backoffMs: 1 },
      hooks: {
        beforeRequest: (event) => events.push({ kind: 'request', event }),
        afterResponse: (event) => events.push({ kind: 'response', event }),
        beforeRetry: (event) => events.push({ kind: 'retry', event }),
      },
    });
    await failure(client.core.request({ method: 'GET', path: '/users', query: { q: API_KEY, other: 'kept' } }));
    expect(events.map((e) => e.kind)).toEqual(['request', 'response', 'retry', 'request', 'response']);
    // The server did receive the value as sent: only what the hooks see is redacted.
    expect(api.seen[0]!.query.get('q')).toBe(API_KEY);
    const request = events[0]!.event as { url: string; headers: Record<string, string> };
    expect(request.url).toBe(`${api.baseUrl}/api/rest/v1/users?q=[redacted]&other=kept`);
    expect(request.headers['user-agent']).toMatch(/ agent-\[redacted\]$/);
    expect(request.headers['x-filesapi-key']).toBe('[redacted]');
    for (const { event } of events) {
      scan.add('hook event', JSON.stringify(event));
      expect(JSON.stringify(event)).not.toContain(API_KEY);
      expect((event as { url: string }).url).toContain('other=kept');
    }
  });
});

describe('credentials act as a unit: a session wins over a key', () => {
  /** The auth headers each request of `use` carried, and the clients' `info.auth`. */
  async function sent(use: (baseUrl: string) => FilesClient[]): Promise<{ headers: ReturnType<typeof authHeaders>[]; auth: string[] }> {
    const api = await server((_req, res) => answer(res, 200, '{"id":1}'));
    const clients = use(api.baseUrl);
    for (const client of clients) await client.core.request({ method: 'GET', path: '/ping' });
    return { headers: api.seen.map(authHeaders), auth: clients.map((c) => c.info.auth) };
  }

  it('createClient({ apiKey, sessionId }) sends only the session', async () => {
    expect(await sent((baseUrl) => [createClient({ apiKey: 'key-aaaaaa', sessionId: 'session-bbbbbb', baseUrl })])).toEqual({
      headers: [{ key: undefined, auth: 'session-bbbbbb' }],
      auth: ['session'],
    });
  });

  it('client.with({ sessionId }) acts as that session; the original still sends its key', async () => {
    const result = await sent((baseUrl) => {
      const byKey = createClient({ apiKey: 'key-aaaaaa', baseUrl });
      const bySession = byKey.with({ sessionId: 'session-bbbbbb' });
      return [bySession, bySession.with({ language: 'de' }), byKey];
    });
    expect(result).toEqual({
      headers: [
        { key: undefined, auth: 'session-bbbbbb' },
        { key: undefined, auth: 'session-bbbbbb' },
        { key: 'key-aaaaaa', auth: undefined },
      ],
      auth: ['session', 'session', 'api-key'],
    });
  });

  it('client.with({ apiKey }) drops an inherited session (and with({ apiKey, sessionId }) keeps the session)', async () => {
    const result = await sent((baseUrl) => {
      const bySession = createClient({ sessionId: 'session-bbbbbb', baseUrl });
      const both = createClient({ apiKey: 'key-aaaaaa', sessionId: 'session-bbbbbb', baseUrl });
      return [
        bySession.with({ apiKey: 'key-cccccc' }),
        both.with({ apiKey: 'key-dddddd' }),
        both.with({ apiKey: 'key-dddddd', sessionId: 'session-eeeeee' }),
        bySession,
      ];
    });
    expect(result).toEqual({
      headers: [
        { key: 'key-cccccc', auth: undefined },
        { key: 'key-dddddd', auth: undefined },
        { key: undefined, auth: 'session-eeeeee' },
        { key: undefined, auth: 'session-bbbbbb' },
      ],
      auth: ['api-key', 'api-key', 'session', 'session'],
    });
  });
});
