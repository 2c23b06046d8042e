import { inspect } from 'node:util';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { API, BASE, useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const KEY = 'sk-very-secret-4f3a9e';
const SESSION = 'sess-very-secret-77aa';

/** Every way a caller might print an error. */
function renderings(err: unknown): string[] {
  const e = err as Error;
  return [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    JSON.stringify(e, Object.getOwnPropertyNames(e)),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}

describe('the API key and session id never leak', () => {
  const failures: [string, () => Response][] = [
    ['401 JSON', () => HttpResponse.json({ type: 'not-authenticated/invalid-api-key', title: 'Invalid API Key' }, { status: 401 })],
    ['HTML 502', () => new HttpResponse('<html><title>Bad Gateway</title></html>', { status: 502 })],
    ['network error', () => HttpResponse.error()],
    ['invalid JSON', () => new HttpResponse('{"id": 1', { status: 200, headers: { 'content-type': 'application/json' } })],
    ['wrong field type', () => HttpResponse.json([{ id: 'x' }])],
    ['echoes the key back', () => HttpResponse.json({ type: 'bad-request', title: 'ok' }, { status: 400 })],
  ];

  for (const credentials of [{ apiKey: KEY }, { sessionId: SESSION }]) {
    it.each(failures)(`${Object.keys(credentials)[0]}: %s`, async (_name, answer) => {
      server.use(http.all(`${API}/*`, answer));
      const client = createClient({ ...credentials, baseUrl: BASE, retry: { limit: 1, backoffMs: 1 } });
      const errors: unknown[] = [];
      await client.users.list().toArray().catch((e) => errors.push(e));
      await client.users.find(1).catch((e) => errors.push(e));
      await client.core.request({ method: 'POST', path: '/users', body: { name: 'x' } }).catch((e) => errors.push(e));
      expect(errors.length).toBeGreaterThanOrEqual(2);
      for (const err of errors) {
        for (const text of renderings(err)) {
          expect(text).not.toContain(KEY);
          expect(text).not.toContain(SESSION);
        }
        // The cause chain too.
        let cause = (err as Error).cause;
        while (cause) {
          for (const text of renderings(cause)) expect(text).not.toContain(KEY);
          cause = (cause as Error).cause;
        }
      }
    });
  }
});
