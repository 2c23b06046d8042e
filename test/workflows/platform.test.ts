import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Specifiers a module loads at import time: value imports and re-exports, not `import type` nor `import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) out.push(match[1]!);
  return out;
}

/** Every module reachable from `entry` through static value imports, and the bare specifiers they use. */
function staticGraph(entry: string): { modules: Set<string>; external: Map<string, string> } {
  const modules = new Set<string>();
  const external = new Map<string, string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.set(spec, file);
    }
  };
  visit(entry);
  return { modules, external };
}

describe('platform rule', () => {
  const { modules, external } = staticGraph(join(src, 'index.ts'));

  it('the static import graph of src/index.ts has no node: import', () => {
    const nodeImports = [...external].filter(([spec]) => spec.startsWith('node:'));
    expect(nodeImports).toEqual([]);
  });

  it('reaches the platform-neutral workflow modules but none of the Node-only ones', () => {
    const relative = [...modules].map((m) => m.slice(src.length + 1));
    expect(relative).toContain('workflows/download-tree.ts');
    expect(relative).toContain('files/download-to-file.ts');
    expect(relative).toContain('workflows/walk.ts');
    expect(relative.filter((m) => m.startsWith('workflows/node/') || m === 'paths/local.ts')).toEqual([]);
  });
});
