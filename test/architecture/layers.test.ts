// The layer rule: which src/ folder may import which, as the README's "Architecture"
// table says (the table is read from the README, so the two cannot drift apart), and where
// Node-only modules may be imported.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

/** The README table (its "Architecture" section): unit -> units it may import. */
function allowedTable(): Map<string, Set<string>> {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Architecture\n');
  if (start < 0) throw new Error('README.md has no "## Architecture" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const table = new Map<string, Set<string>>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length !== 5 || cells[1] === 'folder' || cells[1]!.startsWith('---')) continue;
    const unit = cells[1]!.replace(/`/g, '');
    if (!/^(\(root\)|[a-z/-]+)$/.test(unit)) continue;
    const may = cells[3] === 'nothing' ? [] : cells[3]!.split(',').map((c) => c.trim().replace(/`/g, ''));
    table.set(unit, new Set(may.filter((m) => !m.startsWith('every'))));
    if (cells[3]!.includes('every folder above')) table.set(unit, new Set(['*']));
  }
  return table;
}

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The unit of a source file: its top folder, `generated/error-types` on its own, `(root)` for the entries. */
function unitOf(file: string): string {
  const rel = relative(src, file).split('\\').join('/');
  if (rel === 'generated/error-types.ts') return 'generated/error-types';
  return rel.includes('/') ? rel.split('/')[0]! : '(root)';
}

interface Import {
  spec: string;
  /** Loaded at import time (not `import type`, not `import()`). */
  static: boolean;
}

/** Every import of a file: static, type-only and dynamic. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
    out.push({ spec: m[3]!, static: !m[2] });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, static: false });
  return out;
}

const files = sources(src);
const table = allowedTable();

/** Node-only modules: a `node/` folder, the CLI, the emulator's HTTP front end. */
const isNodeOnly = (file: string) => {
  const rel = relative(src, file).split('\\').join('/');
  return rel.includes('/node/') || rel.startsWith('cli/') || rel === 'testing/server/node-server.ts';
};

describe('the layer rule (README, Architecture)', () => {
  it('the README table names every src/ folder', () => {
    const units = new Set(files.map(unitOf));
    expect([...units].filter((u) => !table.has(u)).sort()).toEqual([]);
    expect(table.size).toBeGreaterThanOrEqual(14);
  });

  it('every import between folders is one the table allows', () => {
    const broken: string[] = [];
    for (const file of files) {
      const from = unitOf(file);
      for (const { spec } of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const to = unitOf(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        const allowed = table.get(from)!;
        if (to === from || allowed.has('*') && !['cli', 'testing'].includes(to) || allowed.has(to)) continue;
        broken.push(`${relative(src, file)} -> ${spec} (${from} may not import ${to})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the allowed folder graph has no cycle', () => {
    const seen = new Set<string>();
    const stack: string[] = [];
    const cycles: string[] = [];
    const visit = (unit: string) => {
      if (stack.includes(unit)) return void cycles.push([...stack.slice(stack.indexOf(unit)), unit].join(' -> '));
      if (seen.has(unit)) return;
      seen.add(unit);
      stack.push(unit);
      for (const next of table.get(unit) ?? []) if (next !== '*') visit(next);
      stack.pop();
    };
    for (const unit of table.keys()) visit(unit);
    expect(cycles).toEqual([]);
  });

  it('node: modules are imported only by Node-only modules', () => {
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((i) => i.spec.startsWith('node:') && !isNodeOnly(file))
        .map((i) => `${relative(src, file)} imports ${i.spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the entries load no Node-only module at import time (they are reached by dynamic import() only)', () => {
    for (const entry of ['index.ts', 'extend.ts', 'schemas.ts', 'testing/index.ts']) {
      const reached = new Set<string>();
      const visit = (file: string) => {
        if (reached.has(file)) return;
        reached.add(file);
        for (const i of importsOf(file)) if (i.static && i.spec.startsWith('.')) visit(resolve(dirname(file), i.spec.replace(/\.js$/, '.ts')));
      };
      visit(join(src, entry));
      const nodeOnly = [...reached].filter(isNodeOnly).map((f) => relative(src, f));
      const nodeImports = [...reached].flatMap((f) => importsOf(f).filter((i) => i.static && i.spec.startsWith('node:')).map((i) => i.spec));
      expect({ entry, nodeOnly, nodeImports }).toEqual({ entry, nodeOnly: [], nodeImports: [] });
      // A sanity check that the walk follows imports at all.
      expect(reached.size).toBeGreaterThan(entry === 'schemas.ts' ? 100 : 5);
    }
  });
});
