import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors/usage-error.js';
import { reportError } from '../../src/cli/errors/report-error.js';
import {
  ConfigurationError,
  FilesApiError,
  InvalidParameterError,
  NetworkError,
  NotAuthenticatedError,
  RateLimitedError,
  TimeoutError,
} from '../../src/index.js';

describe('reportError', () => {
  it('maps usage problems to 2 and everything else to 1', () => {
    expect(reportError(new UsageError('x'), []).exitCode).toBe(2);
    expect(reportError(new InvalidParameterError('users.list', 'a', 'bad'), []).exitCode).toBe(2);
    expect(reportError(new ConfigurationError('baseUrl', 'bad'), []).exitCode).toBe(2);
    expect(reportError(new CommanderError(1, 'commander.unknownOption', 'x'), []).exitCode).toBe(2);
    expect(reportError(new NetworkError('down'), []).exitCode).toBe(1);
    expect(reportError(new Error('disk full'), []).exitCode).toBe(1);
  });

  it('prints error, type and hint lines, one each', () => {
    const auth = reportError(new NotAuthenticatedError({ status: 401, type: 'not-authenticated/invalid-api-key', title: 'Invalid key' }), []);
    expect(auth.lines).toEqual([
      'error: Invalid key',
      'type: not-authenticated/invalid-api-key (HTTP 401)',
      expect.stringMatching(/^hint: check FILESCOM_API_KEY and FILESCOM_BASE_URL/),
    ]);
    // The type and the status once each (the message carries both: the type line says them).
    const found = reportError(new NotAuthenticatedError({ status: 401, type: 'not-authenticated/invalid-credentials', error: 'Invalid API key.', operation: 'users.list' }), []);
    expect(found.lines.slice(0, 2)).toEqual(['error: users.list: Invalid API key.', 'type: not-authenticated/invalid-credentials (HTTP 401)']);
    expect(found.lines.join('\n').split('not-authenticated/invalid-credentials')).toHaveLength(2);
    expect(found.lines.join('\n').split('401')).toHaveLength(2);
    // A status of no known family: the type line names it.
    expect(reportError(new FilesApiError({ status: 599, operation: 'users.list' }), []).lines.slice(0, 2)).toEqual(['error: users.list: request failed', 'type: unknown (HTTP 599)']);
    expect(reportError(new RateLimitedError({ status: 429, type: 'rate-limited/too-many-requests' }), []).lines[2]).toMatch(/^hint: Files\.com is rate limiting/);
    expect(reportError(new NetworkError('fetch failed'), []).lines[1]).toMatch(/^hint: could not reach the server: check FILESCOM_BASE_URL/);
    expect(reportError(new NetworkError('fetch failed', { proxy: 'http://proxy.local:3128' }), []).lines[1]).toMatch(/^hint: could not reach the server through the proxy: check HTTPS_PROXY/);
    expect(reportError(new TimeoutError('slow', 10), []).lines[1]).toMatch(/^hint: the server did not answer in time/);
    expect(reportError(new Error('a\n  b'), []).lines).toEqual(['error: a b']);
  });

  it('never shows a secret, whatever the message says', () => {
    const key = 'sk_live_0123456789';
    const report = reportError(new Error(`request with ${key} failed`), [key, undefined]);
    expect(report.lines.join('\n')).not.toContain(key);
    expect(report.lines[0]).toBe('error: request with *** failed');
  });
});
