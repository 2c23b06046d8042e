// A retried attempt is timed apart from the backoff wait that follows it (issue #22 item 7.2:
// `--verbose` said "after 3192 ms" for an instant ECONNREFUSED), and the retry is announced
// (log line, `beforeRetry` hook) as its wait starts, not once it is over.
import { describe, expect, it } from 'vitest';
import { createClient, type Logger, type RetryEvent } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';

const API = 'https://app.files.com/api/rest/v1';
const WAIT = 600;

/** A fetch whose first `failures` calls are refused at once (as with no server listening), then the emulator's. */
function refusedThen(failures: number, sent: number[]): typeof fetch {
  const emulator = createEmulator({ apiKey: 'k', users: 2 });
  return async (input, init) => {
    sent.push(performance.now());
    if (sent.length <= failures) {
      throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    }
    return emulator.fetch(input as Request, init);
  };
}

describe('a retried attempt and its wait', () => {
  it('the failed attempt is logged with its own time, not the wait; the retry is logged and hooked as the wait starts', async () => {
    const sent: number[] = [];
    const lines: { at: number; text: string }[] = [];
    const retries: { at: number; event: RetryEvent }[] = [];
    const log = (message: string) => void lines.push({ at: performance.now(), text: message });
    const logger: Logger = { debug: log, warn: log };
    const client = createClient({
      apiKey: 'k',
      fetch: refusedThen(1, sent),
      // Jitter keeps half the backoff fixed: the wait is at least WAIT.
      retry: { limit: 3, backoffMs: WAIT * 2, maxBackoffMs: WAIT * 2 },
      logger,
      hooks: { beforeRetry: (event) => void retries.push({ at: performance.now(), event }) },
    });
    await client.users.find(1);
    expect(sent).toHaveLength(2);
    const failure = lines.find((l) => l.text.includes('ECONNREFUSED') && l.text.includes(' after '))!;
    expect(failure.text).toMatch(new RegExp(`^users\\.find GET ${API}/users/1 -> NetworkError \\(ECONNREFUSED\\) after \\d+ ms$`));
    expect(Number(/after (\d+) ms/.exec(failure.text)![1])).toBeLessThan(WAIT / 2);
    // Logged before the wait: the retry's attempt is sent at least WAIT after both lines.
    const retryLine = lines.find((l) => l.text.includes(': retry 1/3 in '))!;
    expect(sent[1]! - failure.at).toBeGreaterThanOrEqual(WAIT - 5);
    expect(sent[1]! - retryLine.at).toBeGreaterThanOrEqual(WAIT - 5);
    expect(retries).toHaveLength(1);
    expect(sent[1]! - retries[0]!.at).toBeGreaterThanOrEqual(WAIT - 5);
    const { event } = retries[0]!;
    expect(event).toMatchObject({ operation: 'users.find', method: 'GET', attempt: 1, limit: 3, reason: 'NetworkError', code: 'ECONNREFUSED' });
    expect(event.delayMs).toBeGreaterThanOrEqual(WAIT);
    expect(event.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(event.elapsedMs).toBeLessThan(WAIT / 2);
  });

  it("elapsedMs grows with each retry's wait: the time since the request began", async () => {
    const sent: number[] = [];
    const events: RetryEvent[] = [];
    const client = createClient({ apiKey: 'k', fetch: refusedThen(3, sent), retry: { limit: 5, backoffMs: 100, maxBackoffMs: 100 }, hooks: { beforeRetry: (e) => void events.push(e) } });
    await client.users.find(1);
    expect(events.map((e) => e.attempt)).toEqual([1, 2, 3]);
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.elapsedMs - events[i - 1]!.elapsedMs).toBeGreaterThanOrEqual(events[i - 1]!.delayMs - 5);
    }
  });
});
