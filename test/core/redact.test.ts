// Redaction: the client's key in every encoding a server may echo it in, and every URL in an
// error, hook event or log line passed through the redaction (userinfo, signature parameters
// of S3, GCS and Azure, a signature in a presigned URL's path, storage error bodies that quote
// the signature, an unparsable presigned URL echoed by fetch).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createClient, FilesApiError, NetworkError, NotAuthenticatedError, NotAuthorizedError, type Logger } from '../../src/index.js';
import { createRedactor, presignedRedactor, redactUrlSecrets, secretPattern, showPresignedUrl } from '../../src/core/redact.js';
import { storageErrorTitle } from '../../src/core/error-from-response.js';
import { redact as cliRedact } from '../../src/cli/errors/redact.js';
import { answer, useTinyServers } from '../reliability/support/tiny-server.js';

/** A key holding every character that encodes differently in a URL, a form, JSON and HTML. */
const KEY = `qk'9f+3/a b"c<d>&e=f~tail-77`;

/** The forms a server may echo `secret` in. */
function encodings(secret: string): Record<string, string> {
  const strict = encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const json = JSON.stringify(secret).slice(1, -1);
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  return {
    raw: secret,
    'percent-encoded (encodeURIComponent)': encodeURIComponent(secret),
    "percent-encoded, RFC 3986 (' as %27)": strict,
    'percent-encoded, lower-case hex': strict.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    'percent-encoded twice': encodeURIComponent(strict),
    'form-encoded (space as +)': new URLSearchParams({ k: secret }).toString().slice(2),
    'JSON-escaped': json,
    'JSON-escaped as Rails does (\\/ and \\u003c)': json.replace(/\//g, '\\/').replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'),
    'JSON \\u escapes throughout': [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    'HTML-escaped': html,
    'HTML-escaped, hex references': secret.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&#X22;'),
    'HTML-escaped, &apos;': secret.replace(/'/g, '&apos;'),
    'upper-cased': secret.toUpperCase(),
  };
}

/** True when `text` still holds `secret` in a form the tests know (or its distinctive tail, decoded). */
function holds(text: string, secret: string): boolean {
  if (Object.values(encodings(secret)).some((form) => text.includes(form))) return true;
  const decoded = text
    .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return decoded.includes(secret) || decoded.includes('9f+3/a');
}

/** Every way an error is printed: message, stack, JSON (own fields), util.inspect (hidden fields, causes). */
function renderings(error: unknown): string[] {
  const e = error as Error;
  return [String(e), e.message, e.stack ?? '', JSON.stringify(e), JSON.stringify(e, Object.getOwnPropertyNames(e)), inspect(e, { depth: 12, showHidden: true, getters: true })];
}

/** Tiny servers closed after each test. */
const server = useTinyServers();

/** A logger keeping every line. */
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (l) => void lines.push(l), warn: (l) => void lines.push(l) };
}

describe('the client key, in every encoding a server may echo it in', () => {
  it.each(Object.entries(encodings(KEY)))('%s: replaced by [redacted]', (_name, form) => {
    const redact = createRedactor([KEY]);
    expect(redact(`before ${form} after`)).toBe('before [redacted] after');
    expect(redact(`${form}${form}`)).toBe('[redacted][redacted]');
  });

  it('a key with non-ASCII and astral characters: UTF-8 percent-encoding, \\u escapes (surrogate pairs), numeric references', () => {
    const key = 'clé-😀-secret';
    const redact = createRedactor([key]);
    for (const form of [key, encodeURIComponent(key), JSON.stringify(key).slice(1, -1), '\\u0063\\u006c\\u00e9-\\ud83d\\ude00-secret', 'cl&#233;-&#x1F600;-secret']) {
      expect(redact(`[${form}]`), form).toBe('[[redacted]]');
    }
  });

  it('short values are not secrets; other text is left as it is', () => {
    expect(secretPattern('abc')).toBeUndefined();
    const redact = createRedactor(['abc', undefined, '']);
    expect(redact('abc abc')).toBe('abc abc');
    expect(createRedactor([KEY])('nothing to hide: 9f 3 a b')).toBe('nothing to hide: 9f 3 a b');
  });

  it('a server echoing the key (sent with %27) in message, instance, detail, title and data: none survives in the error, its JSON or inspect', async () => {
    const forms = Object.values(encodings(KEY));
    const api = await server((_req, res) =>
      answer(
        res,
        401,
        JSON.stringify({
          type: 'not-authenticated/invalid-api-key',
          'http-code': 401,
          error: `Invalid API key ${forms[2]}`,
          instance: `/api/rest/v1/users/1?api_key=${forms[2]}`,
          title: `Key ${forms[9]}`,
          detail: forms.join(' | '),
          data: { echoed: forms, [forms[5]!]: 'as a key' },
        }),
      ),
    );
    const error = await createClient({ apiKey: KEY, baseUrl: api.baseUrl }).users.find(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    const e = error as FilesApiError;
    expect(api.seen).toHaveLength(1);
    expect(e.message).toBe('users.find: HTTP 401 (not-authenticated/invalid-api-key): Invalid API key [redacted]');
    expect(e.instance).toBe('/api/rest/v1/users/1?api_key=[redacted]');
    expect(e.title).toBe('Key [redacted]');
    expect(e.detail).toBe(forms.map(() => '[redacted]').join(' | '));
    expect(e.data).toEqual({ echoed: forms.map(() => '[redacted]'), '[redacted]': 'as a key' });
    for (const text of renderings(e)) expect(holds(text, KEY), text).toBe(false);
  });

  it('the same in an HTML error page and a plain-text body', async () => {
    const forms = encodings(KEY);
    const bodies = [
      { type: 'text/html', body: `<html><head><title>Denied: ${forms['HTML-escaped']}</title></head></html>`, status: 502 },
      { type: 'text/plain', body: `bad key ${forms["percent-encoded, RFC 3986 (' as %27)"]} (${forms['form-encoded (space as +)']})`, status: 403 },
    ];
    let next = 0;
    const api = await server((_req, res) => {
      const { type, body, status } = bodies[next++]!;
      answer(res, status, body, { 'content-type': type });
    });
    const client = createClient({ apiKey: KEY, baseUrl: api.baseUrl, retry: false });
    const html = (await client.users.find(1).catch((e: unknown) => e)) as FilesApiError;
    const text = (await client.users.find(1).catch((e: unknown) => e)) as FilesApiError;
    expect(html.title).toBe('Denied: [redacted]');
    expect(text.title).toBe('bad key [redacted] ([redacted])');
    for (const rendering of [...renderings(html), ...renderings(text)]) expect(holds(rendering, KEY), rendering).toBe(false);
  });
});

describe("the CLI's redactor (a second layer over every line it prints)", () => {
  it("hides the key percent-encoded (' as %27, lower-case hex, + for a space), JSON- and HTML-escaped", () => {
    const forms = encodings(KEY);
    const names = [
      'raw',
      'percent-encoded (encodeURIComponent)',
      "percent-encoded, RFC 3986 (' as %27)",
      'percent-encoded, lower-case hex',
      'form-encoded (space as +)',
      'JSON-escaped',
      'HTML-escaped',
    ];
    for (const name of names) expect(cliRedact(`x ${forms[name]} y`, [KEY]), name).toBe('x *** y');
  });
});

describe('URLs: userinfo and signature parameters', () => {
  it('userinfo, raw and inside another URL', () => {
    expect(redactUrlSecrets('GET https://alice:p%40ss@host.example:8443/x?y=1 failed')).toBe('GET https://[redacted]@host.example:8443/x?y=1 failed');
    expect(redactUrlSecrets('next=https%3A%2F%2Falice%3As3cret%40host%2Fx')).toBe('next=https%3A%2F%2F[redacted]%40host%2Fx');
    expect(redactUrlSecrets('mail alice@example.com, see https://host/a@b')).toBe('mail alice@example.com, see https://host/a@b');
  });

  it('S3 SigV4 and SigV2: signature, credential, security token, access key id; dates and expiry kept', () => {
    const v4 =
      'https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T120000Z&X-Amz-Expires=60&X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLE&X-Amz-SignedHeaders=host&X-Amz-Signature=0123abcd';
    expect(redactUrlSecrets(v4)).toBe(
      'https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[redacted]&X-Amz-Date=20240101T120000Z&X-Amz-Expires=60&X-Amz-Security-Token=[redacted]&X-Amz-SignedHeaders=host&X-Amz-Signature=[redacted]',
    );
    expect(redactUrlSecrets('https://s3.amazonaws.com/b/k?AWSAccessKeyId=AKIAEXAMPLE&Expires=1700000000&Signature=abc%2Bdef%3D')).toBe(
      'https://s3.amazonaws.com/b/k?AWSAccessKeyId=[redacted]&Expires=1700000000&Signature=[redacted]',
    );
    expect(redactUrlSecrets('x-amz-signature=abc&x-amz-date=1')).toBe('x-amz-signature=[redacted]&x-amz-date=1');
  });

  it('GCS V4 and V2, Azure SAS (sig redacted; se, sv, sp kept), CloudFront', () => {
    expect(redactUrlSecrets('https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svc%40proj.iam.gserviceaccount.com%2F20240101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20240101T120000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=9f8e')).toBe(
      'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=[redacted]&X-Goog-Date=20240101T120000Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=[redacted]',
    );
    expect(redactUrlSecrets('https://storage.googleapis.com/b/o?GoogleAccessId=svc%40proj&Expires=1700000000&Signature=AbC%2F%3D')).toBe(
      'https://storage.googleapis.com/b/o?GoogleAccessId=[redacted]&Expires=1700000000&Signature=[redacted]',
    );
    expect(redactUrlSecrets('https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&sp=r&se=2024-01-01T12:00:00Z&spr=https&sig=AbC%2BdEf%3D')).toBe(
      'https://acct.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=b&sp=r&se=2024-01-01T12:00:00Z&spr=https&sig=[redacted]',
    );
    expect(redactUrlSecrets('https://d1.cloudfront.net/f?Expires=1&Signature=x~y&Key-Pair-Id=APKAEXAMPLE')).toBe('https://d1.cloudfront.net/f?Expires=1&Signature=[redacted]&Key-Pair-Id=[redacted]');
  });

  it('HTML-escaped (&amp;), JSON-escaped (\\u0026) and percent-encoded inside another URL', () => {
    expect(redactUrlSecrets('<a href="https://h/o?a=1&amp;X-Amz-Signature=abc&amp;b=2">')).toBe('<a href="https://h/o?a=1&amp;X-Amz-Signature=[redacted]&amp;b=2">');
    expect(redactUrlSecrets('"https://h/o?a=1\\u0026sig=abc\\u0026b=2"')).toBe('"https://h/o?a=1\\u0026sig=[redacted]\\u0026b=2"');
    expect(redactUrlSecrets('/login?next=https%3A%2F%2Fh%2Fo%3FX-Amz-Signature%3Dabc%26b%3D2')).toBe('/login?next=https%3A%2F%2Fh%2Fo%3FX-Amz-Signature%3D[redacted]%26b%3D2');
    // A word that merely contains a parameter's name is no parameter.
    expect(redactUrlSecrets('design=1&resignature=2')).toBe('design=1&resignature=2');
  });

  it('storage error bodies: the elements that quote the signature are redacted; a storage error keeps Code: Message only', () => {
    const body = s3SignatureError('AKIAEXAMPLEKEY', 'deadbeef0123456789', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=deadbeef0123456789');
    const scrubbed = redactUrlSecrets(body);
    for (const secret of ['AKIAEXAMPLEKEY', 'deadbeef0123456789', 'AWS4-HMAC-SHA256\n20240101']) expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain('<StringToSign>[redacted]</StringToSign>');
    expect(storageErrorTitle(body)).toBe('SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    expect(storageErrorTitle('<Error><Code>AccessDenied</Code></Error>')).toBe('AccessDenied');
    expect(storageErrorTitle('<html><title>x</title></html>')).toBeUndefined();
  });

  it('a presigned URL is shown by its origin alone; its path, query and long parts are redacted from server text', () => {
    const url = 'https://mysite.files.com/download/3f9a2b7c1d0e4f5a6b7c8d9e/report%20q1.pdf?expires=1700000000';
    expect(showPresignedUrl(url)).toBe('https://mysite.files.com/[redacted]');
    expect(showPresignedUrl('not a url')).toBe('[redacted URL]');
    const redact = presignedRedactor(url, createRedactor([]));
    expect(redact(`GET ${url} failed`)).toBe('GET https://mysite.files.com/[redacted] failed');
    expect(redact('token 3f9a2b7c1d0e4f5a6b7c8d9e expired')).toBe('token [redacted] expired');
    expect(redact('at /download/3f9a2b7c1d0e4f5a6b7c8d9e/report q1.pdf')).toBe('at [redacted]');
    expect(redact('Request has expired')).toBe('Request has expired');
  });
});

/** An S3 `SignatureDoesNotMatch` body, as S3 sends it: it quotes the access key id, the string to sign, the signature and the canonical request. */
function s3SignatureError(accessKeyId: string, signature: string, url: string): string {
  const query = url.slice(url.indexOf('?') + 1);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
    '<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message>' +
    `<AWSAccessKeyId>${accessKeyId}</AWSAccessKeyId>` +
    `<StringToSign>AWS4-HMAC-SHA256\n20240101T120000Z\n20240101/us-east-1/s3/aws4_request\n${signature}</StringToSign>` +
    `<SignatureProvided>${signature}</SignatureProvided>` +
    `<StringToSignBytes>41 57 53 34</StringToSignBytes>` +
    `<CanonicalRequest>GET\n/k\n${query}\nhost:b.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD</CanonicalRequest>` +
    `<CanonicalRequestBytes>47 45 54</CanonicalRequestBytes>` +
    `<RequestId>4442587FB7D0A2F9</RequestId><HostId>${url}</HostId></Error>`
  );
}

describe('API requests: userinfo in baseUrl', () => {
  it('is refused when the client is made (fetch would refuse every request): the error shows no user or password', () => {
    const error = (() => {
      try {
        createClient({ apiKey: KEY, baseUrl: 'http://api-user:b4se-pass@127.0.0.1:9', retry: false });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    for (const text of renderings(error)) for (const secret of ['b4se-pass', 'api-user', KEY]) expect(text).not.toContain(secret);
  });
});

describe('presigned downloads: nothing of the signature in errors, hooks or log lines', () => {
  /** An API answering every `GET /files/...` with a record whose download_uri is `uri(storage)`. */
  async function site(uri: string | ((storage: string) => string), storage: (req: IncomingMessage, res: ServerResponse) => void) {
    const store = await server(storage);
    const download_uri = typeof uri === 'string' ? uri : uri(store.baseUrl);
    const api = await server((_req, res) => answer(res, 200, JSON.stringify({ path: 'a.txt', type: 'file', size: 5, download_uri })));
    const events: unknown[] = [];
    const logger = recorder();
    const client = createClient({
      apiKey: KEY,
      baseUrl: api.baseUrl,
      retry: { limit: 2, backoffMs: 1 },
      logger,
      hooks: { beforeRequest: (e) => events.push(e), afterResponse: (e) => events.push(e), beforeRetry: (e) => events.push(e) },
    });
    const error = await client.files.downloadStream('a.txt').catch((e: unknown) => e);
    return { error, api, store, download_uri, texts: [...renderings(error), ...logger.lines, ...events.map((e) => JSON.stringify(e))], lines: logger.lines };
  }

  it('userinfo in the download_uri: refused before sending (fetch would echo it), not retried, no password shown', async () => {
    const { error, api, store, texts } = await site((s) => `${s.replace('//', '//storage-user:st0rage-pass@')}/obj?X-Amz-Signature=sig0123456789abcdef`, (_req, res) => answer(res, 200, 'hello'));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ERR_INVALID_URL');
    expect((error as Error).message).toBe(
      `files.downloadStream a.txt: network error (ERR_INVALID_URL): the presigned URL http://[redacted]@${store.baseUrl.slice('http://'.length)}/[redacted] carries credentials (user:password@), which fetch refuses`,
    );
    expect(store.seen).toHaveLength(0);
    expect(api.seen).toHaveLength(1);
    for (const text of texts) for (const secret of ['st0rage-pass', 'storage-user', 'sig0123456789abcdef']) expect(text).not.toContain(secret);
  });

  it('an unparsable download_uri: refused before sending, not retried, not echoed', async () => {
    const { error, api, texts } = await site('http://[::1/obj?X-Amz-Signature=sig0123456789abcdef', (_req, res) => answer(res, 200, 'hello'));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ERR_INVALID_URL');
    expect((error as Error).message).toMatch(/the presigned URL is not a valid URL \(not shown/);
    expect(api.seen).toHaveLength(1);
    for (const text of texts) expect(text).not.toContain('sig0123456789abcdef');
  });

  it('an S3 SignatureDoesNotMatch body quoting the signature, the access key id, the canonical request and the URL', async () => {
    let url = '';
    const { error, store, texts } = await site(
      (s) => (url = `${s}/bucket/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLEKEY%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=deadbeef0123456789`),
      (_req, res) => answer(res, 403, s3SignatureError('AKIAEXAMPLEKEY', 'deadbeef0123456789', url), { 'content-type': 'application/xml' }),
    );
    expect(error).toBeInstanceOf(NotAuthorizedError);
    expect((error as FilesApiError).message).toBe(
      'files.downloadStream a.txt: HTTP 403 (not-authorized): SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
    expect(store.seen).toHaveLength(2); // the 403 gets one fresh record and one more try
    for (const text of texts) for (const secret of ['AKIAEXAMPLEKEY', 'deadbeef0123456789', 'X-Amz-Credential=AKIA', '/bucket/a.txt']) expect(text).not.toContain(secret);
  });

  it('the site’s own signed URL, the signature in a path segment, echoed in a JSON error and in the log lines of its retries', async () => {
    const token = 'v1-7c2f9e4b1a0d8e6f5a4b3c2d1e0f9a8b';
    let served = 0;
    const { error, store, texts, lines } = await site(
      (s) => `${s}/files/download/${token}/a.txt`,
      (req, res) => {
        served++;
        if (served === 1) return answer(res, 500, JSON.stringify({ error: `try again: ${req.url}` }));
        answer(res, 404, JSON.stringify({ type: 'not-found', error: `no download ${token}`, instance: req.url, detail: `http://${req.headers.host}${req.url}` }));
      },
    );
    expect(error).toBeInstanceOf(FilesApiError);
    const e = error as FilesApiError;
    expect(e.message).toBe('files.downloadStream a.txt: HTTP 404 (not-found): no download [redacted]');
    expect(e.instance).toBe('[redacted]');
    expect(e.detail).toBe(`${store.baseUrl}/[redacted]`);
    expect(store.seen).toHaveLength(2);
    // The retry's log line and the requests', shown by origin.
    expect(lines.some((l) => l.includes(`GET ${store.baseUrl}/[redacted]: retry 1/2`))).toBe(true);
    for (const text of texts) expect(text).not.toContain(token);
  });

  it('a connection failure names the storage origin only', async () => {
    const { error, store, texts } = await site(
      (s) => `${s}/files/download/v1-7c2f9e4b1a0d8e6f5a4b3c2d1e0f9a8b/a.txt?sig=AbCdEfGhIjKlMnOpQr`,
      (req) => req.socket.destroy(),
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(store.seen).toHaveLength(3); // retried twice
    for (const text of texts) for (const secret of ['v1-7c2f9e4b1a0d8e6f5a4b3c2d1e0f9a8b', 'AbCdEfGhIjKlMnOpQr']) expect(text).not.toContain(secret);
  });
});
