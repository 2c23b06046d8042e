import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startNode } from '../helpers/child-process.js';
import { startEmulator } from '../helpers/emulator.js';
import { repoRoot as root } from '../helpers/shared.js';

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
    const site = await startEmulator({ users: 2_345, seed: 3 });
    try {
      const dir = join(root, '.tmp', 'readme');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'quickstart.ts');
      writeFileSync(file, quickstartCode());
      const { code, stdout, stderr } = await startNode(['--conditions=files-stream-source', '--import', 'tsx', file], { env: site.env }).done;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toBe('2345 users');
      expect(lines[1]).toMatch(/^first admins: \S/);
      expect(lines[lines.length - 1]).toMatch(/^missing: /);
    } finally {
      await site.close();
    }
  });
});
