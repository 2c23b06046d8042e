// The code half of `npm run build` (scripts/build.mjs): esbuild bundles each entry into ES
// modules with shared chunks, not minified, with source maps. The tests' global setup
// (test/setup/built-cli.ts) builds the CLI the same way, from the same sources, into a folder
// of its own.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
  'tree/node/tree-upload',
  'testing/server/node-server',
];

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXTERNAL = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})].filter((name) => name !== 'ix').flatMap((name) => [name, `${name}/*`]);

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

/** Bundles every entry of {@link ENTRIES} into `outdir` (which should be empty). */
export async function buildCode(outdir) {
  await build({
    absWorkingDir: root,
    plugins: [operationSpecsAsJson],
    // Not minified: the code reads as written (one statement a line), so the line Node echoes
    // above an uncaught error is a line of ours, not 300 KB of a chunk. Minifying cost no import
    // time (same CPU time measured either way) and saved only 3% of the tarball.
    minifyWhitespace: false,
    minifySyntax: false,
    entryPoints: ENTRIES.map((entry) => ({ in: `src/${entry}.ts`, out: entry })),
    outdir,
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
}
