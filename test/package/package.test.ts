// The package as users get it: `npm pack`, installed into a fresh project, then used from
// ESM, CommonJS (every entry; a node:test suite of the emulator, with and without msw),
// TypeScript (node16 and bundler resolution, no skipLibCheck, msw absent), the CLI through npx,
// and a browser bundle run against the emulator; an uncaught error echoes readable code. The
// README's TypeScript snippets are type-checked in the same consumer project.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideFiles } from '../docs/markdown.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const node = process.execPath;
const npmCli = join(dirname(node), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const esbuild = join(repo, 'node_modules', 'esbuild', 'bin', 'esbuild');

let project = '';

/** Runs a command in the consumer project; returns stdout (throws with stderr on failure). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(cmd, args, { cwd: project, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

const npm = (...args: string[]) => run(node, [npmCli, ...args, '--no-audit', '--no-fund', '--loglevel=error']);

beforeAll(() => {
  // `npm test` type-checks the sources (its typecheck): the build need not check them again.
  execFileSync(node, [join(repo, 'scripts', 'build.mjs'), '--no-check'], { cwd: repo, stdio: 'pipe' });
  project = mkdtempSync(join(tmpdir(), 'files-stream-consumer-'));
  const packed = execFileSync(node, [npmCli, 'pack', '--pack-destination', project, '--loglevel=error'], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  npm('install', join(project, packed), '--prefer-offline');
}, 240_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships what users need and nothing else', () => {
    const installed = join(project, 'node_modules', 'files-stream');
    const top = readdirSync(installed).sort();
    expect(top).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
    const meta = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(meta).toMatchObject({ license: 'MIT', sideEffects: false });
    expect(meta.keywords.length).toBeGreaterThan(3);
    expect(meta.repository.url).toMatch(/^git\+https:/);
    // Every source map carries its sources, or there would be no point shipping it.
    const map = JSON.parse(readFileSync(join(installed, 'dist', 'index.js.map'), 'utf8'));
    expect(map.sourcesContent?.length).toBe(map.sources.length);
    // msw is an optional peer: not installed with the package.
    expect(() => readdirSync(join(project, 'node_modules', 'msw'))).toThrow();
    // Readable (not minified) code: 1.12 MB packed when this was written (1.09 MB minified).
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    expect(statSync(join(project, tarball)).size).toBeLessThan(1_500_000);
  });

  it('imports as ESM and requires as CommonJS (Node >= 20.19), every entry with the same exports', () => {
    const meta = JSON.parse(readFileSync(join(project, 'node_modules', 'files-stream', 'package.json'), 'utf8'));
    const entries = Object.keys(meta.exports).filter((key) => key !== './package.json').map((key) => `files-stream${key.slice(1)}`);
    expect(entries).toEqual(expect.arrayContaining(['files-stream', 'files-stream/testing', 'files-stream/sync']));
    for (const entry of entries) {
      const esm = run(node, ['--input-type=module', '-e', `const m = await import('${entry}'); console.log(Object.keys(m).sort().join(','))`]);
      const cjs = run(node, ['-e', `const m = require('${entry}'); console.log(Object.keys(m).sort().join(','))`]);
      expect(cjs, entry).toBe(esm);
      const names = esm.trim().split(',');
      if (entry === 'files-stream') expect(names).toContain('createClient');
      if (entry === 'files-stream/testing') expect(names).toContain('createEmulator');
    }
    const extend = run(node, ['-e', "const m = require('files-stream/extend'); console.log(Object.keys(m.operationSpecs).length)"]);
    expect(extend.trim()).toBe('419');
  });

  it('lists users from the emulator (ESM)', () => {
    const script = `
      import { createClient } from 'files-stream';
      import { createEmulator } from 'files-stream/testing';
      const emulator = createEmulator({ users: 2500 });
      const client = createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, fetch: (u, i) => emulator.handle(new Request(u, i)) });
      let n = 0;
      for await (const u of client.users.list({ per_page: 1000 })) n++;
      console.log(n);`;
    writeFileSync(join(project, 'list.mjs'), script);
    expect(run(node, ['list.mjs']).trim()).toBe('2500');
  });

  it('runs a Jest-style CommonJS test of the emulator (require, in-process and over HTTP; handlers say msw is missing)', () => {
    const script = `
      const { test } = require('node:test');
      const assert = require('node:assert/strict');
      const { createEmulator } = require('files-stream/testing');
      const { createClient } = require('files-stream');
      const count = async (client) => { let n = 0; for await (const u of client.users.list({ per_page: 1000 })) n++; return n; };
      test('lists users in-process', async () => {
        const emulator = createEmulator({ users: 2500 });
        assert.equal(await count(createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, fetch: emulator.fetch })), 2500);
        assert.equal(emulator.stats.total, 3);
      });
      test('lists users over HTTP', async () => {
        const emulator = createEmulator({ users: 1200 });
        const server = await emulator.listen();
        try {
          assert.equal(await count(createClient({ apiKey: emulator.apiKey, baseUrl: server.baseUrl })), 1200);
        } finally {
          await server.close();
        }
      });
      test('handlers without msw', () => {
        assert.throws(() => createEmulator().handlers, /needs the msw package: npm install --save-dev msw/);
      });`;
    writeFileSync(join(project, 'emulator.test.cjs'), script);
    expect(run(node, ['emulator.test.cjs'])).toMatch(/# pass 3\n# fail 0\n/);
  });

  it('shows a line of readable code above an uncaught error, not a minified chunk', () => {
    writeFileSync(join(project, 'uncaught.mjs'), `import { createClient } from 'files-stream';\ncreateClient({ apiKey: 'k', baseUrl: 'not a url' });\n`);
    const result = spawnSync(node, ['uncaught.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^ConfigurationError: Invalid client option "baseUrl"/m);
    // Node echoes the line that threw, from dist/: the statement as written.
    expect(result.stderr).toMatch(/throw new ConfigurationError\(/);
    expect(Math.max(...result.stderr.split('\n').map((line) => line.length))).toBeLessThan(200);
  });

  it('type-checks from TypeScript with node16 and with bundler resolution, without skipLibCheck or msw', () => {
    mkdirSync(join(project, 'ts'), { recursive: true });
    writeFileSync(
      join(project, 'ts', 'use.ts'),
      `import { createClient, isFilesError, Paginated, pathsEqual, type FilesClient, type User } from 'files-stream';
import { UserSchema } from 'files-stream/schemas';
import { pumpPages, type RequestCore } from 'files-stream/extend';
import { createEmulator } from 'files-stream/testing';
const client: FilesClient = createClient({ apiKey: 'k' });
const users: Paginated<User> = client.users.list({ per_page: 10 });
const ok: boolean = pathsEqual('a', 'A') && isFilesError(new Error('x')) && typeof pumpPages === 'function';
const core: RequestCore = client.core;
const emulator = createEmulator({ users: 1 });
export { users, ok, core, emulator, UserSchema };
`,
    );
    for (const [moduleResolution, module] of [
      ['node16', 'node16'],
      ['bundler', 'esnext'],
    ]) {
      writeFileSync(
        join(project, 'ts', 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            // Every declaration file is checked (ours, our dependencies', @types/node), but
            // not TypeScript's own lib.*.d.ts: 15% of the check's time, none of it ours.
            skipDefaultLibCheck: true,
            module,
            moduleResolution,
            target: 'es2022',
            lib: ['es2023', 'dom'],
            types: ['node'],
            typeRoots: [join(repo, 'node_modules', '@types')],
          },
          include: ['*.ts'],
        }),
      );
      expect(() => run(node, [tsc, '-p', 'ts/tsconfig.json']), moduleResolution).not.toThrow();
    }
  }, 240_000);

  it('compiles every TypeScript snippet of the README and the guides (node16, strict)', () => {
    // The README's and every guide's in docs/ (not the generated docs/api.md, docs/reference/).
    const readme = guideFiles().map((file) => readFileSync(join(repo, file), 'utf8')).join('\n');
    const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThan(10);
    const dir = join(project, 'readme');
    mkdirSync(dir, { recursive: true });
    // What the snippets use without defining: a client, and values from the reader's own code.
    writeFileSync(join(dir, 'globals.d.ts'), readFileSync(join(repo, 'test', 'package', 'readme-globals.d.ts.txt'), 'utf8'));
    snippets.forEach((code, i) => writeFileSync(join(dir, `snippet-${String(i).padStart(2, '0')}.ts`), `${code}\nexport {};\n`));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          // The snippets are checked, not the libraries (msw's own types need the DOM library).
          skipLibCheck: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          lib: ['es2023'],
          // The test-runner snippets import vitest: the repository's.
          paths: { vitest: [join(repo, 'node_modules', 'vitest', 'dist', 'index.d.ts')] },
          types: ['node'],
          typeRoots: [join(repo, 'node_modules', '@types')],
        },
        include: ['*.ts'],
      }),
    );
    // The emulator snippets use msw (an optional peer: installed now, after the test without it);
    // undici comes with files-stream's own dependencies.
    const msw = JSON.parse(readFileSync(join(repo, 'node_modules', 'msw', 'package.json'), 'utf8')).version as string;
    npm('install', `msw@${msw}`, '--prefer-offline');
    expect(() => run(node, [tsc, '-p', 'readme/tsconfig.json'])).not.toThrow();
  }, 240_000);

  it('runs the CLI through npx', () => {
    const help = run(node, [npmCli, 'exec', '--offline', '--', 'files-stream', '--help']);
    expect(help).toMatch(/Usage: files-stream/);
    expect(help).toMatch(/export/);
  });

  it('bundles for the browser with no Node built-in, and the bundle lists users from the emulator', async () => {
    writeFileSync(
      join(project, 'browser.js'),
      `import { createClient } from 'files-stream';
export async function count(fetch, baseUrl, apiKey) {
  const client = createClient({ apiKey, baseUrl, fetch });
  let n = 0;
  for await (const u of client.users.list({ per_page: 500 })) n++;
  return n;
}
`,
    );
    run(esbuild, ['browser.js', '--bundle', '--format=esm', '--platform=browser', '--outfile=out/bundle.js', '--log-level=error']);
    const bundle = readFileSync(join(project, 'out', 'bundle.js'), 'utf8');
    expect(bundle.match(/["'](node:[a-z/_]+)["']/g) ?? []).toEqual([]);
    expect(bundle).not.toMatch(/from ["'](fs|path|crypto|zlib|os)["']/);
    // Run it: a plain fetch shim over the emulator's web-standard handle(Request).
    const { createEmulator } = (await import(join(project, 'node_modules', 'files-stream', 'dist', 'testing', 'index.js'))) as typeof import('../../src/testing/index.js');
    const emulator = createEmulator({ users: 1200 });
    const shim = (input: string | URL | Request, init?: RequestInit) => emulator.handle(new Request(input, init));
    const loaded = (await import(join(project, 'out', 'bundle.js'))) as { count: (...a: unknown[]) => Promise<number> };
    expect(await loaded.count(shim, emulator.baseUrl, emulator.apiKey)).toBe(1200);
  });

  it('serves msw handlers to a CommonJS test once msw is installed (loaded on first use, no top-level await)', () => {
    const msw = JSON.parse(readFileSync(join(repo, 'node_modules', 'msw', 'package.json'), 'utf8')).version as string;
    if (!existsSync(join(project, 'node_modules', 'msw'))) npm('install', `msw@${msw}`, '--prefer-offline');
    const script = `
      const { setupServer } = require('msw/node');
      const { createEmulator } = require('files-stream/testing');
      const { createClient } = require('files-stream');
      const emulator = createEmulator({ users: 1500 });
      const server = setupServer(...emulator.handlers);
      server.listen({ onUnhandledRequest: 'error' });
      (async () => {
        let n = 0;
        for await (const u of createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl }).users.list({ per_page: 1000 })) n++;
        server.close();
        console.log(n, emulator.stats.total);
      })();`;
    writeFileSync(join(project, 'msw.cjs'), script);
    expect(run(node, ['msw.cjs']).trim()).toBe('1500 2');
  });
});
