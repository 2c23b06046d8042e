import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { binPath, childEnv, runBin } from '../../helpers/child-process.js';

// A few of test/cli/usage.test.ts's cases (run there in this process) through the real
// executable. Nothing here reaches a server: the base URL points nowhere on purpose.
const env = { FILESCOM_API_KEY: 'usage-test-key', FILESCOM_BASE_URL: 'http://127.0.0.1:9' };

type Case = [name: string, args: string[], message: RegExp];

const cases: Case[] = [
  ['unknown option', ['export', 'users', '--nope'], /unknown option '--nope'/],
  ['unknown operation', ['export', 'usres'], /unknown operation "usres"; did you mean users/],
  ['invalid sort field', ['export', 'users', '--sort', 'shoe_size:asc'], /users\.list: invalid parameter "sort_by": "shoe_size" is not a valid field \(valid: /],
];

describe('bad usage exits 2 with the usage on stderr', () => {
  it.concurrent.each(cases)('the real executable: %s', async (_name, args, message) => {
    const run = await runBin(args, { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^(usage|Usage): files-stream /m);
  });
});

describe('a reader that goes away (`files-stream ... | true`)', () => {
  // `true` exits before the executable starts: every write to stdout fails with EPIPE.
  it.concurrent.each(['sync --help', '--help', 'operations'])('files-stream %s | true: exit 0, nothing on stderr', async (args) => {
    const child = spawn('bash', ['-c', `set -o pipefail; "$NODE" "$BIN" ${args} | true`], { env: childEnv({ ...env, NODE: process.execPath, BIN: binPath }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
