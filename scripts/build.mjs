// `npm run build`: dist/ as npm users get it.
//
// - Types: `tsc` emits the .d.ts of every module (declarations only).
// - Code: esbuild bundles each entry (`files-stream`, `/extend`, `/schemas`, `/testing`, the
//   CLI) into one ES module with shared chunks, so an import reads a handful of files instead
//   of ~300. ky, ix, zod and the other dependencies stay external (installed, deduplicated).
//   What loads lazily stays lazy: the Node-only halves are entries of their own, reached by
//   dynamic import() (and mapped to nothing for browsers by package.json's "browser" field);
//   the model schemas (and zod) are a chunk loaded with the first validated response.
// - Source maps carry the sources (`sourcesContent`), so stack traces point at real code.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Public entries, and the Node-only halves other code reaches by dynamic import(). */
export const ENTRIES = [
  'index',
  'extend',
  'schemas',
  'testing/index',
  'sync/index',
  'cli/main',
  'download/node/download-to-file',
  'upload/node/file-source',
  'tree/node/tree-download',
  'testing/server/node-server',
];

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXTERNAL = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})].filter((name) => name !== 'ix').flatMap((name) => [name, `${name}/*`]);

rmSync(dist, { recursive: true, force: true });

const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/**
 * The 419 generated operation specs are plain data: written into the bundle as JSON text
 * (`JSON.parse('...')`), which V8 reads far faster than object literals (about 20 ms less at
 * import here). The TypeScript sources keep their readable object literals.
 */
const operationSpecsAsJson = {
  name: 'operation-specs-as-json',
  setup(b) {
    b.onLoad({ filter: /src[\\/]generated[\\/]resources[\\/][^\\/]+\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      let count = 0;
      const contents = source.replace(/^export const (\w+Op): OperationSpec = (\{[\s\S]*?\n\});$/gm, (_all, name, literal) => {
        count++;
        const value = Function(`return (${literal});`)();
        return `export const ${name}: OperationSpec = JSON.parse(${JSON.stringify(JSON.stringify(value))});`;
      });
      if (count === 0) throw new Error(`build: no operation spec found in ${args.path}`);
      return { contents, loader: 'ts' };
    });
  },
};

await build({
  absWorkingDir: root,
  plugins: [operationSpecsAsJson],
  // Whitespace and syntax only: names stay as written (stack traces), the source maps map back.
  minifyWhitespace: true,
  minifySyntax: true,
  entryPoints: ENTRIES.map((entry) => ({ in: `src/${entry}.ts`, out: entry })),
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  // Neutral, not node: the inlined IxJS code must be its platform-free build, so that the
  // root entry bundles for browsers; Node built-ins (the Node halves) stay imports.
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['import', 'default'],
  target: 'node20',
  // Dependencies stay installed packages, except IxJS's AsyncIterableX (and its tslib
  // helpers): `Paginated` extends it, so it loads with every import; inlined, it costs one
  // file instead of ten.
  external: [...EXTERNAL, 'node:*'],
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  sourcesContent: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// `files-stream/testing`'s types name msw's handler type; msw is an optional peer. Without it
// installed, the import resolves to nothing and `handlers` is typed loosely, instead of failing
// the consumer's type check.
const emulatorTypes = join(dist, 'testing', 'emulator.d.ts');
const text = readFileSync(emulatorTypes, 'utf8');
const patched = text.replace(/^(import type \{[^}]*\} from 'msw';)$/m, '// @ts-ignore msw is an optional peer dependency\n$1');
if (patched === text) throw new Error(`build: no msw type import found in ${emulatorTypes}`);
writeFileSync(emulatorTypes, patched);
