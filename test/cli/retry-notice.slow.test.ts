// Issue #22 item 7.1: a request retried for a second or more is told on stderr as the wait
// starts (once per retry, why, which attempt, how long), so a server that is down is not nine
// silent seconds; a quick retry (a blip) goes unsaid; --quiet and --verbose print no notice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { retryCounter, retryNotice } from '../../src/cli/retries.js';
import type { RetryEvent } from '../../src/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';

let site: TestEmulator;
let args: string[];
beforeAll(async () => {
  site = await startEmulator({ seed: 8, users: 25 });
  args = ['--base-url', site.baseUrl, '--api-key', site.apiKey];
});
afterAll(async () => {
  await site?.close();
});
afterEach(() => {
  site.emulator.setFaults({});
});

const notices = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('files-stream: retrying'));

describe('the CLI tells a retry that takes a second or more', () => {
  it('a 429 with Retry-After: 1: one notice, naming the request, why, the attempt and the wait; the export completes', async () => {
    site.emulator.setFaults({ rateLimited: 1, retryAfter: 1, maxConsecutive: 1 });
    const run = await runInProcess([...args, 'export', 'users', '--out', '/dev/null']);
    expect(run.code, run.stderr).toBe(0);
    expect(notices(run.stderr)).toEqual(['files-stream: retrying GET /users (429 rate limited), attempt 2 of 6, next in 1.0 s']);
    expect(run.stderr).toMatch(/^users\.list: 25 records, 1 page .*, 1 retry$/m);
  });

  it('a quick retry (Retry-After: 0) is not told; the summary still counts it', async () => {
    site.emulator.setFaults({ rateLimited: 1, retryAfter: 0, maxConsecutive: 1 });
    const run = await runInProcess([...args, 'export', 'users', '--out', '/dev/null']);
    expect(run.code, run.stderr).toBe(0);
    expect(notices(run.stderr)).toEqual([]);
    expect(run.stderr).toMatch(/, 1 retry$/m);
  });

  it('--quiet prints no notice; --verbose prints the log line instead', async () => {
    for (const flag of ['--quiet', '--verbose']) {
      site.emulator.setFaults({ rateLimited: 1, retryAfter: 1, maxConsecutive: 1 });
      const run = await runInProcess([...args, flag, 'export', 'users', '--out', '/dev/null']);
      expect(run.code, run.stderr).toBe(0);
      expect(notices(run.stderr), flag).toEqual([]);
      expect(run.stderr.includes('warn: users.list GET'), flag).toBe(flag === '--verbose');
    }
  });
});

describe('retryNotice', () => {
  const event = (more: Partial<RetryEvent>): RetryEvent => ({
    operation: 'users.list',
    method: 'GET',
    url: 'https://app.files.com/api/rest/v1/users?per_page=1000&cursor=abc',
    attempt: 1,
    limit: 5,
    delayMs: 300,
    elapsedMs: 2,
    reason: 'NetworkError',
    code: 'ECONNREFUSED',
    ...more,
  });

  it('a server down (connection refused, backoff 0.3, 0.6, 1.2 s): silent until the request has gone on a second, then one line per retry', () => {
    const lines: string[] = [];
    const counter = retryCounter((line) => lines.push(line));
    counter.hook(event({ attempt: 1, delayMs: 300, elapsedMs: 2 }));
    counter.hook(event({ attempt: 2, delayMs: 600, elapsedMs: 305 }));
    counter.hook(event({ attempt: 3, delayMs: 1200, elapsedMs: 908 }));
    counter.hook(event({ attempt: 4, delayMs: 2400, elapsedMs: 2112 }));
    expect(counter.count).toBe(4);
    expect(lines).toEqual([
      'files-stream: retrying GET /users (connection refused), attempt 4 of 6, next in 1.2 s',
      'files-stream: retrying GET /users (connection refused), attempt 5 of 6, next in 2.4 s',
    ]);
  });

  it('a timeout after a minute is told though its wait is short; every reason in words', () => {
    expect(retryNotice(event({ reason: 'TimeoutError', code: undefined, elapsedMs: 60_004 }))).toBe('files-stream: retrying GET /users (no response in time), attempt 2 of 6, next in 0.3 s');
    expect(retryNotice(event({ reason: 503, code: undefined, delayMs: 1000 }))).toMatch(/\(503 server error\)/);
    expect(retryNotice(event({ code: 'ECONNRESET', delayMs: 1000 }))).toMatch(/\(connection reset\)/);
    expect(retryNotice(event({ code: 'EWHATEVER', delayMs: 1000 }))).toMatch(/\(network error EWHATEVER\)/);
    expect(retryNotice(event({ reason: 429, attempt: 7, delayMs: 1000 }))).toMatch(/, attempt 8 \(past the limit of 6: rate limited\), next in 1\.0 s$/);
    // A presigned URL: its origin and path (already redacted by the client), no query.
    expect(retryNotice(event({ url: 'https://bucket.s3.amazonaws.com/[redacted]', delayMs: 1000 }))).toContain('retrying GET https://bucket.s3.amazonaws.com/[redacted] (');
  });
});
