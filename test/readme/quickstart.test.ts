import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator } from 'files-stream/testing';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first ```ts block under "## Quickstart" in README.md, as written. */
function quickstartCode(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Quickstart'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('no ts block under ## Quickstart');
  return match[1]!;
}

describe('README quickstart', () => {
  it('runs as written against the emulator', async () => {
    const emulator = createEmulator({ users: 2_345, seed: 3 });
    const server = await emulator.listen({ port: 0 });
    try {
      const dir = join(root, '.tmp', 'readme');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'quickstart.ts');
      writeFileSync(file, quickstartCode());
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--conditions=files-stream-source', '--import', 'tsx', file], {
          cwd: root,
          env: { ...process.env, FILESCOM_API_KEY: 'emulator-key', FILESCOM_BASE_URL: server.baseUrl },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toBe('2345 users');
      expect(lines[1]).toMatch(/^first admins: \S/);
      expect(lines[lines.length - 1]).toMatch(/^missing: /);
    } finally {
      await server.close();
    }
  });
});
