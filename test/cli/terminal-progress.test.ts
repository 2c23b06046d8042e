// CLI on a terminal: the progress line goes to stderr only, only when stderr is a terminal,
// and never over records printed on that same terminal. Real pseudo-terminals (util-linux
// `script`) where the terminal matters; in-process runs for the rest.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameTerminal } from '../../src/cli/progress/terminal.js';
import { formatBytes } from '../../src/cli/progress/units.js';
import { repoRoot } from '../helpers/shared.js';
import { hasScript, PROGRESS_DRAWN, runHere, runInTerminal, sh, startSite, tempFolder, type Site } from './support/terminal-run.js';

let site: Site;
let dir: { path: string; remove: () => Promise<void> };
let folder: string;
let names: string[];

beforeAll(async () => {
  site = await startSite({ users: 30, files: 40 });
  dir = await tempFolder();
  const top = await runHere([...site.args, 'ls', '/']);
  folder = top.stdout.split('\n').find((l) => l.endsWith('/'))!.slice(0, -1);
  names = (await runHere([...site.args, 'ls', folder])).stdout.trimEnd().split('\n');
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

/** The terminal's text with `\r\n` line ends made `\n`. */
const lines = (text: string) => text.replaceAll('\r\n', '\n');

describe.skipIf(!hasScript)('on a real pseudo-terminal (script -q -c)', () => {
  it('ls with the records on the terminal draws no progress line: the screen holds the names and nothing else', async () => {
    const run = await runInTerminal(['ls', folder], site.env);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).not.toMatch(PROGRESS_DRAWN);
    expect(run.stdout).not.toMatch(/records \|/);
    expect(lines(run.stdout).trimEnd().split('\n')).toEqual(names);
  });

  it('ls with stdout redirected to a file draws the progress line on the terminal (stderr); the file holds only the names', async () => {
    const out = join(dir.path, 'ls.txt');
    const run = await runInTerminal(['ls', folder], site.env, `> ${sh(out)}`);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(PROGRESS_DRAWN);
    expect(run.stdout).toMatch(new RegExp(`ls ${folder} ${names.length} records \\| 1 page\\b`));
    expect((await readFile(out, 'utf8')).trimEnd().split('\n')).toEqual(names);
  });

  it('export to the terminal draws no progress line; export --out draws it', async () => {
    const onScreen = await runInTerminal(['export', 'users', '--limit', '5', '--fields', 'id'], site.env);
    expect(onScreen.code, onScreen.stdout).toBe(0);
    expect(onScreen.stdout).not.toMatch(PROGRESS_DRAWN);
    expect(lines(onScreen.stdout)).toMatch(/^\{"id":1\}\n\{"id":2\}\n\{"id":3\}\n\{"id":4\}\n\{"id":5\}\nusers\.list: 5 records/);

    const toFile = await runInTerminal(['export', 'users', '--limit', '5', '--out', join(dir.path, 'u.ndjson')], site.env);
    expect(toFile.code, toFile.stdout).toBe(0);
    expect(toFile.stdout).toMatch(PROGRESS_DRAWN);
    expect(toFile.stdout).toMatch(/users\.list 5 records \| 1 page\b/);
  });

  it('download (no records on stdout) draws its progress on the terminal, in KiB/MiB', async () => {
    // The bar appears once a tree download has run 300 ms: 150 ms a request makes sure it
    // does (the built CLI downloads these 10 small files in less, on a quiet machine).
    site.emulator.setFaults({ latencyMs: 150 });
    const run = await runInTerminal(['download', folder, join(dir.path, 'tree')], site.env).finally(() => site.emulator.setFaults({}));
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(PROGRESS_DRAWN);
    expect(run.stdout).toMatch(new RegExp(`download ${folder} \\d+ files \\| [\\d.]+ (B|KiB|MiB) \\| [\\d.]+ (B|KiB|MiB)/s`));
    expect(run.stdout).not.toMatch(/\d bytes/);
    expect(lines(run.stdout)).toMatch(/^downloaded \d+ files \([\d.]+ (KiB|MiB|B)\), skipped 0/m);
  });

  it('sameTerminal: stdout and stderr on one pseudo-terminal are the same terminal; stdout in a file is not', async () => {
    const probe = `import('${join(repoRoot, 'src/cli/progress/terminal.ts').replaceAll('\\', '/')}').then((m) => process.stderr.write('same=' + m.sameTerminal(process.stdout, process.stderr) + '\\n'))`;
    const run = (redirect: string) =>
      new Promise<string>((resolve, reject) => {
        import('node:child_process').then(({ spawn }) => {
          const child = spawn('script', ['-q', '-e', '-c', `${sh(process.execPath)} --import tsx -e ${sh(probe)} ${redirect}`, '/dev/null'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
          let text = '';
          child.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
          child.once('error', reject);
          child.once('close', () => resolve(text));
        }, reject);
      });
    expect(await run('')).toMatch(/same=true/);
    expect(await run(`> ${sh(join(dir.path, 'probe.txt'))}`)).toMatch(/same=false/);
  });
});

describe('in process: where the progress line may be drawn', () => {
  it('ls: drawn on stderr when stdout is elsewhere, not drawn when stdout is the same terminal; never on stdout', async () => {
    const elsewhere = await runHere([...site.args, 'ls', folder], {}, { stderrTTY: true });
    expect(elsewhere.stderr).toMatch(/records \|/);
    expect(elsewhere.stdout.trimEnd().split('\n')).toEqual(names);

    const same = await runHere([...site.args, 'ls', folder], {}, { stderrTTY: true, sameTerminal: true });
    expect(same.code).toBe(0);
    expect(same.stderr).toBe('');
    expect(same.stdout.trimEnd().split('\n')).toEqual(names);
  });

  it('export: --out keeps the progress line even with stdout on the terminal; --quiet and a non-terminal stderr draw none', async () => {
    const out = join(dir.path, 'e.ndjson');
    const toFile = await runHere([...site.args, 'export', 'users', '--limit', '3', '--out', out], {}, { stderrTTY: true, sameTerminal: true });
    expect(toFile.stderr).toMatch(PROGRESS_DRAWN);
    expect(toFile.stdout).toBe('');
    const quiet = await runHere([...site.args, '--quiet', 'export', 'users', '--limit', '3', '--out', out], {}, { stderrTTY: true });
    expect(quiet.stderr).toBe('');
    const piped = await runHere([...site.args, 'export', 'users', '--limit', '3', '--out', out]);
    expect(piped.stderr).not.toMatch(PROGRESS_DRAWN);
  });

  it('upload shows its progress in human units, with the total', async () => {
    const local = join(dir.path, 'up.bin');
    await writeFile(local, Buffer.alloc(3000, 7));
    const run = await runHere([...site.args, 'upload', local, 'inbox/'], {}, { stderrTTY: true, sameTerminal: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/upload up\.bin \[[=-]+\] 100% \| 2\.9 KiB of 2\.9 KiB \|/);
    expect(run.stderr).toMatch(/^uploaded .*up\.bin to inbox\/up\.bin \(2\.9 KiB\), 0 retries$/m);
  });

  it('download of one file shows its bytes in human units', async () => {
    const local = join(dir.path, 'big.bin');
    await writeFile(local, Buffer.alloc(300 * 1024, 1));
    expect((await runHere([...site.args, '--quiet', 'upload', local, 'inbox/'])).code).toBe(0);
    const run = await runHere([...site.args, 'download', 'inbox/big.bin', join(dir.path, 'back')], {}, { stderrTTY: true, sameTerminal: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/download inbox\/big\.bin 300 KiB \| [\d.]+ (KiB|MiB)\/s \|/);
    expect(run.stderr).toMatch(/^downloaded inbox\/big\.bin to .*back\/big\.bin \(300 KiB\), 0 retries$/m);
  });

  it('sameTerminal is false unless both streams are terminals', () => {
    expect(sameTerminal({ isTTY: false }, { isTTY: true })).toBe(false);
    expect(sameTerminal({ isTTY: true }, { isTTY: false })).toBe(false);
    expect(sameTerminal({}, {})).toBe(false);
  });

  it('human units: B, KiB, MiB, GiB', () => {
    expect([0, 812, 1024, 1536, 1023.9 * 1024, 12.34 * 1024 ** 2, 512 * 1024 ** 2, 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '812 B',
      '1.0 KiB',
      '1.5 KiB',
      '1.0 MiB',
      '12.3 MiB',
      '512 MiB',
      '1.0 GiB',
    ]);
  });
});

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
