import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/index.js';
import { startBin } from '../../helpers/child-process.js';

describe('files-stream emulator', () => {
  it('prints FILESCOM_BASE_URL and FILESCOM_API_KEY, serves them, and stops cleanly on SIGTERM', async () => {
    const child = startBin(['emulator', '--port', '0', '--users', '7', '--api-key', 'emu-test-key']);
    const values: Record<string, string> = {};
    for await (const line of createInterface({ input: child.process.stdout! })) {
      const [name, value] = line.split('=', 2);
      values[name!] = value!;
      if (Object.keys(values).length === 2) break;
    }
    expect(values.FILESCOM_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(values.FILESCOM_API_KEY).toBe('emu-test-key');
    const client = createClient({ baseUrl: values.FILESCOM_BASE_URL, apiKey: values.FILESCOM_API_KEY });
    expect(await client.users.list().toArray()).toHaveLength(7);
    child.process.kill('SIGTERM');
    const result = await child.done;
    expect(result.code).toBe(0);
  });

  it('never adopts a FILESCOM_API_KEY from the environment (it would print a real key)', async () => {
    const child = startBin(['emulator', '--port', '0', '--users', '1'], { env: { FILESCOM_API_KEY: 'real-account-key-123' } });
    const lines = createInterface({ input: child.process.stdout! });
    const printed: string[] = [];
    for await (const line of lines) {
      printed.push(line);
      if (printed.length === 2) break;
    }
    child.process.kill('SIGINT');
    const result = await child.done;
    expect(printed).toContain('FILESCOM_API_KEY=emulatorkey');
    expect(printed.join('\n') + result.stderr).not.toContain('real-account-key-123');
    expect(result, JSON.stringify(result)).toMatchObject({ code: 0 });
  });
});
