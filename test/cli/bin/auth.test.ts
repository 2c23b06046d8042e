import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { runBin } from '../../helpers/child-process.js';

const WRONG_KEY = 'wrong-key-7f3a9c0e5b1d';
let site: TestEmulator;

beforeAll(async () => {
  site = await startEmulator({ seed: 7, users: 10 });
});
afterAll(() => site?.close());

describe('errors', () => {
  it('a bad key exits 1 with the error type and the hint, and the key appears nowhere', async () => {
    const env = { ...site.env, FILESCOM_API_KEY: WRONG_KEY };
    const [fromEnv, fromOption] = await Promise.all([
      runBin(['export', 'users'], { env }),
      runBin(['--api-key', WRONG_KEY, 'ls', '/'], { env: { FILESCOM_BASE_URL: site.env.FILESCOM_BASE_URL } }),
    ]);
    for (const run of [fromEnv, fromOption]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^error: (users\.list|folders\.listFor): Invalid API key\.$/);
      expect(lines[1]).toMatch(/^type: not-authenticated\/\S+ \(HTTP 401\)$/);
      expect(run.stderr).toMatch(/^hint: check FILESCOM_API_KEY and FILESCOM_BASE_URL/m);
      expect(run.stderr + run.stdout).not.toContain(WRONG_KEY);
    }
  });

  it('no key at all is a usage error (exit 2) that says how to give one', async () => {
    const run = await runBin(['export', 'users'], { env: { FILESCOM_BASE_URL: site.env.FILESCOM_BASE_URL } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^hint: set FILESCOM_API_KEY or pass --api-key/m);
  });

  it('a missing folder exits 1 with its not-found type and hint', async () => {
    const run = await runBin(['ls', 'no/such/folder'], { env: site.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^type: not-found\/\S+ \(HTTP 404\)$/m);
    expect(run.stderr).toMatch(/^hint: check the path or id/m);
  });
});
