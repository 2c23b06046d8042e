// `npm run build`: dist/ as npm users get it.
//
// - Types: `tsc` emits the .d.ts of every module (declarations only). With `--no-check` it
//   emits them without checking the types again (`tsc --noCheck`: the same files, in half the
//   time), for the package test, whose `npm test` has already type-checked the sources.
// - Code: esbuild bundles each entry (`files-stream`, `/extend`, `/schemas`, `/testing`, the
//   CLI) into one ES module with shared chunks, so an import reads a handful of files instead
//   of ~300. ky, ix, zod and the other dependencies stay external (installed, deduplicated).
//   What loads lazily stays lazy: the Node-only halves are entries of their own, reached by
//   dynamic import() (and mapped to nothing for browsers by package.json's "browser" field);
//   the model schemas (and zod) are a chunk loaded with the first validated response.
// - Readable, not minified: an uncaught error's echoed line is a line of our code.
// - Source maps carry the sources (`sourcesContent`), so stack traces point at real code.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCode } from './build-code.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--no-check');
if (unknown.length > 0) {
  process.stderr.write(`build: unknown option ${unknown.join(' ')} (the one option is --no-check)\n`);
  process.exit(2);
}
const noCheck = args.includes('--no-check') ? ['--noCheck'] : [];
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), ...noCheck], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

await buildCode(dist);

// `files-stream/testing`'s types name msw's handler type; msw is an optional peer. Without it
// installed, the import resolves to nothing and `handlers` is typed loosely, instead of failing
// the consumer's type check.
const emulatorTypes = join(dist, 'testing', 'emulator.d.ts');
const text = readFileSync(emulatorTypes, 'utf8');
const patched = text.replace(/^(import type \{[^}]*\} from 'msw';)$/m, '// @ts-ignore msw is an optional peer dependency\n$1');
if (patched === text) throw new Error(`build: no msw type import found in ${emulatorTypes}`);
writeFileSync(emulatorTypes, patched);
