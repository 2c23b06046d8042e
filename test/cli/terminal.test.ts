import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cliSecrets, redact, secretsInArgv } from '../../src/cli/errors/redact.js';
import { escapeControl, escapeLines } from '../../src/cli/output/escape-control.js';
import { createMessageWriter } from '../../src/cli/output/messages.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('escapeControl', () => {
  it('leaves no control character, keeps printable text as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const escaped = escapeControl(text);
        expect(escaped).not.toMatch(CONTROL);
        if (!CONTROL.test(text)) expect(escaped).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes visible escapes: \\n \\r \\t, \\xHH for C0, DEL and C1, \\uHHHH for bidi controls', () => {
    expect(escapeControl('a\nb\rc\td\u001b[2Je\u007ff\u009bg\u202eh\u0000')).toBe('a\\nb\\rc\\td\\x1b[2Je\\x7ff\\x9bg\\u202eh\\x00');
    expect(escapeLines('one\u001b[31m\ntwo\r\n')).toBe('one\\x1b[31m\ntwo\\r\n');
  });
});

describe('redaction', () => {
  const key = 'ctl\u001b[2J-KEY\u0007-5e1f0a9c7b\u009b-x';

  it('finds a secret as given, JSON-escaped, percent-encoded and as the CLI escapes it', () => {
    for (const form of [key, JSON.stringify(key).slice(1, -1), encodeURIComponent(key), escapeControl(key), escapeControl(JSON.stringify(key).slice(1, -1))]) {
      expect(redact(`before ${form} after`, [key])).toBe('before *** after');
    }
  });

  it('the message writer redacts before and after escaping, and keeps each line one line', () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
    const writer = createMessageWriter({ stdout: new PassThrough(), stderr }, [key]);
    writer.line(`name ${key} and ${escapeControl(key)}\nfake line`);
    writer.addSecret('late-secret-value');
    writer.text('stderr', 'usage with late-secret-value\nnext line\n');
    expect(text).toBe('name *** and ***\\nfake line\nusage with ***\nnext line\n');
    expect(text).not.toContain('5e1f0a9c7b');
  });

  it('reads credentials off the command line before parsing, even behind a mistyped option name', () => {
    expect(secretsInArgv(['--api-key', 'k1-secret', 'export', '--api-key=k2-secret', '--apikey=k3-secret', '--session-id', 'k4-secret', '--limit', '5'])).toEqual([
      'k1-secret',
      'k2-secret',
      'k3-secret',
      'k4-secret',
    ]);
    expect(secretsInArgv(['export', 'users', '--', '--api-key', 'after-dashes'])).toEqual([]);
    expect(cliSecrets([], { FILESCOM_API_KEY: 'env-key-1', FILESCOM_SESSION_ID: 'env-session-1' })).toEqual(['env-key-1', 'env-session-1']);
  });
});
