// Issue #21, item 4: the emulator's default API key must be one every official SDK accepts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorOptionsOf } from '../../src/cli/commands/emulator.js';
import { createEmulator } from '../../src/testing/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { repoRoot } from '../helpers/shared.js';

/**
 * The official Python SDK's key check, Files-com/files-sdk-python, files_sdk/api_client.py,
 * `ApiClient.check_api_key` (the same in every version read):
 *
 *     if not api_key.isalnum():
 *         raise AuthenticationError("Your API key is invalid (it contains whitespace)")
 *
 * and `check_session_id` applies `session_id.isalnum()` to `X-FilesAPI-Auth`. Python's
 * `str.isalnum()` is true for a non-empty string of letters and digits only; this regex
 * is its ASCII part (every string it accepts, `isalnum()` accepts).
 */
const PYTHON_SDK_KEY_RULE = /^[A-Za-z0-9]+$/;

describe('the default API key passes the official Python SDK key check (files_sdk/api_client.py: `if not api_key.isalnum(): raise AuthenticationError`)', () => {
  let h: TestEmulator;
  beforeAll(async () => {
    h = await startEmulator({ users: 3 });
  });
  afterAll(() => h.close());

  it('the default key is letters and digits only, and the emulator accepts it', async () => {
    const { apiKey } = createEmulator();
    expect(apiKey).toMatch(PYTHON_SDK_KEY_RULE);
    expect(h.apiKey).toBe(apiKey);
    const res = await h.api('/users', { headers: { 'X-FilesAPI-Key': apiKey } });
    expect(res.status).toBe(200);
  });

  it('session ids (X-FilesAPI-Auth) pass the same check (`check_session_id`: `if not session_id.isalnum()`)', async () => {
    const username = ((await (await h.api('/users/1')).json()) as { username: string }).username;
    const res = await h.api('/sessions', { method: 'POST', headers: { 'x-no-auth': '1' }, json: { username, password: 'pw' } });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { id: string }).id).toMatch(PYTHON_SDK_KEY_RULE);
  });

  it('a key given explicitly is accepted as it is, even one the SDK rule refuses (the server is not the SDK)', async () => {
    for (const apiKey of ['emu-test-key', 'key with spaces?']) {
      expect(apiKey).not.toMatch(PYTHON_SDK_KEY_RULE);
      const emulator = createEmulator({ apiKey, users: 2 });
      expect(emulator.apiKey).toBe(apiKey);
      const res = await emulator.fetch(`${emulator.baseUrl}/api/rest/v1/users`, { headers: { 'X-FilesAPI-Key': apiKey } });
      expect(res.status).toBe(200);
    }
    // `files-stream emulator --api-key KEY` passes KEY on; without it, the default.
    expect(emulatorOptionsOf({ port: 0, users: 1, files: 1, actionLogs: 1, history: 1, seed: '1' }, 'emu-test-key').apiKey).toBe('emu-test-key');
    expect(createEmulator(emulatorOptionsOf({ port: 0, users: 1, files: 1, actionLogs: 1, history: 1, seed: '1' })).apiKey).toMatch(PYTHON_SDK_KEY_RULE);
  });

  it('`files-stream emulator --help` names the default and says what a valid key looks like', async () => {
    const run = await runInProcess(['emulator', '--help']);
    expect(run.code).toBe(0);
    const help = run.stdout.replace(/\s+/g, ' ');
    expect(help).toContain(createEmulator().apiKey);
    expect(help).toMatch(/letters and digits/);
    expect(help).toMatch(/--api-key/);
  });

  it('the README says what a valid key looks like, and names the default key', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const { apiKey } = createEmulator();
    expect(readme).toContain(`FILESCOM_API_KEY=${apiKey}`);
    expect(readme).toContain(`\`'${apiKey}'\``);
    expect(readme.replace(/\s+/g, ' ')).toMatch(/letters and digits/);
    expect(readme).not.toMatch(/emulator-key/);
  });
});
