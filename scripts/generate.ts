/**
 * `npm run generate`: regenerates `src/generated/` and `docs/api.md` from
 * `../shared/filescom-api/spec.json`, and deletes generated files the spec no longer needs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_DIR, generate, type Spec } from './generator/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = resolve(root, '../shared/filescom-api/spec.json');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const spec = JSON.parse(readFileSync(specPath, 'utf8')) as Spec;
const files = generate(spec);
let written = 0;
for (const [path, contents] of files) {
  const target = join(root, path);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === contents) continue;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, contents);
  written++;
}
let removed = 0;
for (const path of listFiles(join(root, GENERATED_DIR))) {
  if (!files.has(relative(root, path).split('\\').join('/'))) {
    rmSync(path);
    removed++;
  }
}
console.log(`generate: ${files.size} files, ${written} written, ${removed} removed`);
