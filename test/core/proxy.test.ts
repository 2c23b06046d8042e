// HTTP_PROXY / HTTPS_PROXY / NO_PROXY: API calls and presigned transfers go through a real
// local proxy (CONNECT tunnels and absolute-URI requests) in front of the emulator.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { ProxyAgent } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createClient, NetworkError, ProxyAuthenticationError, type FilesClient } from '../../src/index.js';
import { reportError } from '../../src/cli/errors/report-error.js';
import { createEmulator, type EmulatorServer } from '../../src/testing/index.js';
import { proxyFor } from '../../src/core/proxy.js';

const KEY = 'sk-proxy-test-71c0e2';
const VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'] as const;

/** A forward proxy: what it was asked (`CONNECT host:port`, `GET http://...`) and the requests it carried. */
interface TestProxy {
  readonly url: string;
  /** `CONNECT 127.0.0.1:1234`, or `GET http://127.0.0.1:1234/...` for an absolute-URI request. */
  readonly asked: string[];
  /** The request lines that went through it, tunnelled or not (`GET /api/rest/v1/users?...`). */
  readonly carried: string[];
  close(): Promise<void>;
}

async function startProxy(): Promise<TestProxy> {
  const asked: string[] = [];
  const carried: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    // A plain proxied request: the absolute URI of the target.
    asked.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    carried.push(`${req.method} ${target.pathname}${target.search}`);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    asked.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    // Reads the request lines in the tunnel (plain HTTP to the emulator).
    client.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString('latin1').matchAll(/^(GET|HEAD|POST|PUT|PATCH|DELETE) (\S+) HTTP\/1\.1\r$/gm)) carried.push(`${match[1]} ${match[2]}`);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    carried,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A proxy that answers every CONNECT and every proxied request with 407; what it was asked, with its Proxy-Authorization. */
async function startRefusingProxy(status = 407): Promise<TestProxy & { auth: (string | undefined)[] }> {
  const reason = status === 407 ? 'Proxy Authentication Required' : 'Refused';
  const asked: string[] = [];
  const auth: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    auth.push(req.headers['proxy-authorization']);
    res.writeHead(status, { 'proxy-authenticate': 'Basic realm="corp"', 'content-length': '0' }).end();
  });
  server.on('connect', (req, socket: Socket) => {
    asked.push(`CONNECT ${req.url}`);
    auth.push(req.headers['proxy-authorization']);
    socket.on('error', () => {});
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    carried: [],
    auth,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const emulator = createEmulator({ apiKey: KEY, users: 5, files: 20 });
let site: EmulatorServer;
let proxy: TestProxy;
const saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};

beforeAll(async () => {
  site = await emulator.listen();
});
afterAll(() => site.close());

beforeEach(async () => {
  for (const name of VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  proxy = await startProxy();
});
afterEach(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await proxy.close();
});

const client = (more: Parameters<typeof createClient>[0] = {}): FilesClient => createClient({ apiKey: KEY, baseUrl: site.baseUrl, ...more });

/** Lists the users and downloads one file (a presigned transfer); the paths asked of the emulator. */
async function work(files: FilesClient): Promise<{ apiPath: string; downloadPath: string }> {
  const users = await files.users.list({ per_page: 2 }).toArray();
  expect(users).toHaveLength(5);
  const file = (await files.folders.listFor('/').toArray()).find((entry) => entry.type === 'file')!;
  const { stream } = await files.files.downloadStream(file.path!);
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  expect(bytes.length).toBe(file.size);
  const download = emulator.requests.findLast((entry) => !entry.path.startsWith('/api/'))!;
  return { apiPath: '/api/rest/v1/users?per_page=2', downloadPath: download.path };
}

const host = () => new URL(site.baseUrl).host;

describe('HTTP_PROXY, HTTPS_PROXY, NO_PROXY', () => {
  it('with HTTP_PROXY set, API calls and presigned downloads go through the proxy', async () => {
    process.env.HTTP_PROXY = proxy.url;
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { apiPath, downloadPath } = await work(client());
      expect(proxy.asked.length).toBeGreaterThan(0);
      // undici 6 tunnels plain http too.
      expect(proxy.asked.every((line) => line === `CONNECT ${host()}`)).toBe(true);
      expect(proxy.carried).toContain(`GET ${apiPath}`);
      expect(proxy.carried.some((line) => line.startsWith(`GET ${downloadPath}`))).toBe(true);
      expect(proxy.carried.some((line) => line.startsWith('GET /api/rest/v1/folders'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
    // undici's "EnvHttpProxyAgent is experimental" warning is kept off stderr.
    expect(warnings.map((w) => w.message)).not.toContainEqual(expect.stringMatching(/EnvHttpProxyAgent/));
  });

  it('the lower-case name wins over the upper-case one, as in curl and undici', async () => {
    process.env.http_proxy = proxy.url;
    process.env.HTTP_PROXY = `http://127.0.0.1:${await deadPort()}`;
    await client().users.find(1);
    expect(proxy.carried).toEqual(['GET /api/rest/v1/users/1']);
  });

  it('with NO_PROXY covering the host (or the host and port), nothing goes through the proxy', async () => {
    for (const noProxy of ['127.0.0.1', `127.0.0.1:${new URL(site.baseUrl).port}`, 'example.com, 127.0.0.1', '*']) {
      process.env.HTTP_PROXY = proxy.url;
      process.env.NO_PROXY = noProxy;
      await work(client());
      expect(proxy.asked, noProxy).toEqual([]);
    }
    process.env.no_proxy = '127.0.0.1';
    await client().users.find(1);
    expect(proxy.asked).toEqual([]);
  });

  it('localhost and 127.0.0.1 are proxied unless listed: NO_PROXY=localhost, or another port, does not cover 127.0.0.1', async () => {
    process.env.HTTP_PROXY = proxy.url;
    for (const noProxy of ['localhost', `127.0.0.1:${await deadPort()}`, 'example.com']) {
      process.env.NO_PROXY = noProxy;
      const before = proxy.carried.length;
      await client().users.find(1);
      expect(proxy.carried.slice(before), noProxy).toEqual(['GET /api/rest/v1/users/1']);
    }
  });

  it('HTTPS_PROXY alone leaves http:// URLs direct', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    await work(client());
    expect(proxy.asked).toEqual([]);
  });

  it('a client with its own fetch ignores the variables', async () => {
    process.env.HTTP_PROXY = proxy.url;
    process.env.HTTPS_PROXY = proxy.url;
    await work(client({ fetch: (input, init) => fetch(input, init) }));
    expect(proxy.asked).toEqual([]);
  });

  it('the variables are read when the client is created', async () => {
    process.env.HTTP_PROXY = proxy.url;
    const proxied = client();
    delete process.env.HTTP_PROXY;
    const direct = client();
    process.env.HTTP_PROXY = proxy.url;
    await direct.users.find(1);
    expect(proxy.carried).toEqual([]);
    delete process.env.HTTP_PROXY;
    await proxied.users.find(2);
    expect(proxy.carried).toEqual(['GET /api/rest/v1/users/2']);
  });

  it('a proxy that refuses connections fails the request with a NetworkError, not a direct request', async () => {
    process.env.HTTP_PROXY = `http://127.0.0.1:${await deadPort()}`;
    const before = emulator.requests.length;
    const error = await client({ retry: false })
      .users.find(1)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNREFUSED');
    expect(emulator.requests.length).toBe(before);
    // The message names the proxy that refused, not the API host that was never reached.
    expect((error as NetworkError).message).toBe(
      `users.find: network error (ECONNREFUSED): connection refused by the proxy ${process.env.HTTP_PROXY} (HTTP_PROXY), on the way to ${site.baseUrl}`,
    );
    expect((error as NetworkError).proxy).toBe(process.env.HTTP_PROXY);
  });

  it('a proxy answering 407: ProxyAuthenticationError naming the proxy (never its credentials), sent once, never retried', async () => {
    const refusing = await startRefusingProxy();
    try {
      const before = emulator.requests.length;
      const retries: unknown[] = [];
      const lines: string[] = [];
      // Without credentials, then with credentials the proxy refuses.
      for (const [proxyUrl, withCredentials] of [
        [refusing.url, false],
        [refusing.url.replace('//', '//corp-user:pr0xy-s3cret@'), true],
      ] as const) {
        process.env.HTTP_PROXY = proxyUrl;
        const asked = refusing.asked.length;
        const files = client({ hooks: { beforeRetry: (e) => retries.push(e) }, logger: { debug: (l) => lines.push(l), warn: (l) => lines.push(l) } });
        const error = await files.users.find(1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProxyAuthenticationError);
        expect(error).toBeInstanceOf(NetworkError);
        const e = error as ProxyAuthenticationError;
        expect(e.name).toBe('ProxyAuthenticationError');
        expect(e.code).toBe('PROXY_AUTHENTICATION_REQUIRED');
        expect(e.proxy).toBe(refusing.url);
        expect(e.proxyStatus).toBe(407);
        expect(e.message).toMatch(new RegExp(`^users\\.find: the proxy ${refusing.url} \\(HTTP_PROXY\\) refused `));
        expect(e.message).toContain(`on the way to ${site.baseUrl}`);
        if (withCredentials) expect(e.message).toMatch(/refused the credentials in HTTP_PROXY/);
        else expect(e.message).toMatch(/refused the request without credentials \(407 Proxy Authentication Required\)/);
        expect(e.message).toMatch(/HTTP_PROXY=http:\/\/user:pass@host:port/);
        // Sent once, not retried: a second try would be refused the same way.
        expect(refusing.asked.slice(asked)).toEqual([`CONNECT ${host()}`]);
        for (const text of [e.message, e.stack ?? '', inspect(e, { showHidden: true, depth: 8 }), JSON.stringify(e), ...lines]) {
          expect(text).not.toContain('pr0xy-s3cret');
          expect(text).not.toContain('corp-user');
        }
        // The CLI's hint says what to do.
        const report = reportError(e, []);
        expect(report.exitCode).toBe(1);
        expect(report.lines.find((l) => l.startsWith('hint: '))).toMatch(/proxy refused .*credentials.*HTTPS_PROXY=http:\/\/user:pass@host:port/);
      }
      expect(refusing.auth).toEqual([undefined, `Basic ${Buffer.from('corp-user:pr0xy-s3cret').toString('base64')}`]);
      expect(retries).toEqual([]);
      expect(emulator.requests.length).toBe(before);
      // A client's own undici ProxyAgent: the same error (the proxy's origin unknown to the client).
      const dispatcher = new ProxyAgent(refusing.url);
      try {
        delete process.env.HTTP_PROXY;
        const asked = refusing.asked.length;
        const own = client({ fetch: (url, init) => fetch(url, { ...init, dispatcher } as RequestInit) });
        const error = await own.users.find(1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ProxyAuthenticationError);
        expect((error as NetworkError).message).toMatch(/^users\.find: the proxy refused /);
        expect(refusing.asked.length - asked).toBe(1);
      } finally {
        await dispatcher.close();
      }
    } finally {
      await refusing.close();
    }
  });

  it('another refusal of the proxy names the proxy and its status: a 403 is not retried, a 502 is', async () => {
    for (const [status, sent] of [
      [403, 1],
      [502, 2],
    ] as const) {
      const refusing = await startRefusingProxy(status);
      try {
        process.env.HTTP_PROXY = refusing.url;
        const error = await client({ retry: { limit: 1, backoffMs: 1 } })
          .users.find(1)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NetworkError);
        expect((error as Error).name).toBe('NetworkError');
        expect((error as NetworkError).proxy).toBe(refusing.url);
        expect((error as Error).message).toBe(
          `users.find: network error (UND_ERR_ABORTED): the proxy ${refusing.url} (HTTP_PROXY) answered ${status} instead of carrying the request, on the way to ${site.baseUrl}`,
        );
        expect(refusing.asked, String(status)).toEqual(Array.from({ length: sent }, () => `CONNECT ${host()}`));
      } finally {
        await refusing.close();
      }
    }
  });

  it('proxyFor: which proxy a URL goes through, by the rules of undici (scheme, NO_PROXY host, subdomain and port)', () => {
    const env = { httpProxy: 'http://user:secret@proxy.local:3128', httpsProxy: 'http://tls-proxy.local:8080', noProxy: 'internal.example, .corp.example:8443, *.lan' };
    const via = (url: string) => proxyFor(env, url);
    expect(via('https://mysite.files.com/api')).toEqual({ origin: 'http://tls-proxy.local:8080', variable: 'HTTPS_PROXY', credentials: false });
    expect(via('http://mysite.files.com/api')).toEqual({ origin: 'http://proxy.local:3128', variable: 'HTTP_PROXY', credentials: true }); // no credentials shown
    expect(via('https://internal.example/x')).toBeUndefined();
    expect(via('https://a.internal.example/x')).toBeDefined(); // no leading dot: the host exactly
    expect(via('https://a.corp.example:8443/x')).toBeUndefined();
    expect(via('https://a.corp.example/x')).toBeDefined(); // another port
    expect(via('http://printer.lan/x')).toBeUndefined();
    expect(proxyFor({ ...env, httpsProxy: '' }, 'https://mysite.files.com')).toEqual({ origin: 'http://proxy.local:3128', variable: 'HTTP_PROXY', credentials: true });
    expect(proxyFor({ ...env, noProxy: '*' }, 'https://mysite.files.com')).toBeUndefined();
  });

  it('README: createClient({ fetch }) with an undici ProxyAgent of your own', async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    try {
      const files = client({ fetch: (url, init) => fetch(url, { ...init, dispatcher } as RequestInit) });
      await work(files);
      expect(proxy.carried).toContain('GET /api/rest/v1/users?per_page=2');
    } finally {
      await dispatcher.close();
    }
  });
});
