// The README quickstart as a user runs it: a program of its own (tsx), configured by
// FILESCOM_API_KEY and FILESCOM_BASE_URL, against the emulator over HTTP. Its output is checked
// by the same spec as the in-process run of test/docs/code-blocks.test.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blockSpecs } from '../docs/block-specs.js';
import { codeBlocks } from '../docs/markdown.js';
import { importLibraryArgs, startNode } from '../helpers/child-process.js';
import { startEmulator } from '../helpers/emulator.js';
import { repoRoot as root } from '../helpers/shared.js';

/** The README block marked `<!-- run: quickstart -->`, as written. */
function quickstartCode(): string {
  const block = codeBlocks('README.md').find((b) => b.run === 'quickstart');
  if (!block) throw new Error('no block marked <!-- run: quickstart --> in README.md');
  return block.code;
}

describe('README quickstart', () => {
  it('runs as written against the emulator, as a program of its own', async () => {
    const spec = blockSpecs['README.md#quickstart']!;
    const site = await startEmulator(spec.emulator);
    try {
      const dir = join(root, '.tmp', 'readme');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'quickstart.ts');
      writeFileSync(file, quickstartCode());
      const { code, stdout, stderr } = await startNode([...importLibraryArgs(), file], { env: site.env }).done;
      expect(stderr).toBe('');
      expect(code).toBe(0);
      await spec.check({ site, dir, out: stdout.trimEnd().split('\n'), stdout: '', loaded: [], commands: [] });
    } finally {
      await site.close();
    }
  });
});
