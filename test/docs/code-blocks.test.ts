// Every code block of the README and the guides marked `<!-- run: name -->` runs as written,
// in this process, against the emulator over HTTP, and does what test/docs/block-specs.ts says:
// - a TypeScript block is imported as a module, its free names (`files`, `client`, `load`,
//   ...: those test/package/readme-globals.d.ts.txt declares) bound to a client of the site
//   and to collectors, with FILESCOM_API_KEY/FILESCOM_BASE_URL naming the site;
// - a TypeScript block that imports vitest is a test file: its tests run here, as tests;
// - a `sh` block runs line by line through the CLI (`runCli`, in process), each line exiting 0.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { createClient, FilesError } from 'files-stream';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator } from '../helpers/emulator.js';
import { repoRoot } from '../helpers/shared.js';
import { blockSpecs, type BlockSpec, type Ran } from './block-specs.js';
import { codeBlocks, guideFiles, type CodeBlock } from './markdown.js';

const marked = guideFiles()
  .flatMap(codeBlocks)
  .filter((b) => b.run !== undefined);
const keyOf = (b: CodeBlock) => `${b.file}#${b.run}`;
const isTestFile = (b: CodeBlock) => b.lang === 'ts' && /from 'vitest'/.test(b.code);

/** Writes a TypeScript block to a module of its own under .tmp/ and returns its path. */
function moduleOf(block: CodeBlock): string {
  const dir = join(repoRoot, '.tmp', 'docs-blocks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${keyOf(block).replace(/[^\w]+/g, '-')}.ts`);
  writeFileSync(file, `${block.code}\nexport {};\n`);
  return file;
}

/** The words of a command line, as a POSIX shell splits them (quotes, no expansions), and a `> file` redirect. */
function parseCommand(line: string): { argv: string[]; redirect?: string } {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unbalanced quote in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '#' && word === undefined) break;
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  const at = words.indexOf('>');
  const redirect = at >= 0 ? words[at + 1] : undefined;
  const argv = at >= 0 ? words.slice(0, at) : words;
  if (argv[0] !== 'files-stream') throw new Error(`not a files-stream command: ${line}`);
  return { argv: argv.slice(1), redirect };
}

/** Runs a block as its spec says (in a fresh temporary working directory), then checks it. */
async function runBlock(block: CodeBlock, spec: BlockSpec): Promise<void> {
  const site = await startEmulator(spec.emulator ?? {}, { client: spec.client ?? {} });
  const dir = mkdtempSync(join(tmpdir(), 'files-stream-block-'));
  const cwd = process.cwd();
  const out: string[] = [];
  const loaded: Record<string, unknown>[] = [];
  const commands: { line: string; result: Awaited<ReturnType<typeof runInProcess>> }[] = [];
  let stdout = '';
  const sigint = process.listeners('SIGINT');
  try {
    const { url } = (await spec.setup?.(site, dir)) ?? {};
    process.chdir(dir);
    // `createClient()` and the CLI (commander reads `--api-key`'s variable from process.env) find the site here.
    vi.stubEnv('FILESCOM_API_KEY', site.apiKey);
    vi.stubEnv('FILESCOM_BASE_URL', site.baseUrl);
    if (block.lang === 'sh') {
      for (const line of block.code.replace(/\\\n\s*/g, '').split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))) {
        const { argv, redirect } = parseCommand(line);
        const result = await runInProcess(argv, site.env);
        expect(result.code, `${line}\n${result.stderr}`).toBe(0);
        if (redirect) writeFileSync(redirect, result.stdout);
        commands.push({ line, result });
      }
    } else {
      const collect = async (records: readonly Record<string, unknown>[]) => void loaded.push(...records);
      const globals: Record<string, unknown> = {
        ...{ files: site.client, client: site.client, createClient, FilesError, fs, url, saved: undefined },
        ...{ signal: new AbortController().signal, customFetch: fetch, load: collect, index: collect, lookup: async (x: unknown) => x },
        ...{ log: () => {}, metrics: () => {}, warn: () => {} },
      };
      Object.assign(globalThis, globals);
      vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(format(...args)));
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        stdout += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
        return true;
      });
      try {
        await import(moduleOf(block));
      } finally {
        vi.restoreAllMocks();
        for (const name of Object.keys(globals)) delete (globalThis as Record<string, unknown>)[name];
      }
    }
    vi.unstubAllEnvs();
    process.chdir(cwd);
    const ran: Ran = { site, dir, out, stdout, loaded, commands };
    await spec.check(ran);
  } finally {
    vi.unstubAllEnvs();
    process.chdir(cwd);
    for (const listener of process.listeners('SIGINT')) if (!sigint.includes(listener)) process.off('SIGINT', listener);
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the code blocks of the README and the guides marked to run', () => {
  it('each has a spec, and each spec a block', () => {
    const keys = marked.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(Object.keys(blockSpecs).sort());
    expect(marked.every((b) => b.lang === 'ts' || b.lang === 'sh')).toBe(true);
  });

  it('the README runs its quickstart, its CLI overview and its emulator example', () => {
    expect(marked.filter((b) => b.file === 'README.md').map((b) => b.run)).toEqual(expect.arrayContaining(['quickstart', 'cli-overview', 'emulator-readme']));
  });

  for (const block of marked.filter((b) => !isTestFile(b))) {
    it(`${block.file}:${block.line} (${block.run}) runs as written`, async () => {
      await runBlock(block, blockSpecs[keyOf(block)]!);
    });
  }
});

// The blocks that are test files: their tests, run here.
for (const block of marked.filter(isTestFile)) {
  describe(`${block.file}:${block.line} (${block.run}), a test file as written`, async () => {
    await import(moduleOf(block));
  });
}
