// export's options as the help describes them: --per-page capped at the operation maximum,
// usage errors with one usage line, --out problems naming the path, `export files` pointing
// to folders.listFor, and no empty output or folder left by a failed export.
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFileError } from '../../src/cli/output/file-error.js';
import { runHere, startSite, tempFolder, type Site } from './support/terminal-run.js';

let site: Site;
let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  site = await startSite({ users: 40 });
  dir = await tempFolder();
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

describe('--per-page', () => {
  it('above the operation maximum is capped at it, with one warning (the request asks for the maximum)', async () => {
    site.emulator.resetLog();
    const run = await runHere([...site.args, 'export', 'actionLogs', '--per-page', '5000', '--limit', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      'warning: --per-page 5000 is above the maximum of actionLogs.list (1000): using 1000',
    ]);
    const asked = site.emulator.requests.filter((r) => r.operation === 'actionLogs.list').map((r) => r.query.per_page);
    expect(asked).toEqual(['1000']);
  });

  it('at or below the maximum is sent as given, silently', async () => {
    site.emulator.resetLog();
    const run = await runHere([...site.args, 'export', 'users', '--per-page', '15']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning/);
    expect(site.emulator.requests.filter((r) => r.operation === 'users.list').map((r) => r.query.per_page)).toEqual(['15', '15', '15']);
  });
});

describe('usage errors print the message and one usage line, not the whole help', () => {
  const cases: [string, string[], RegExp, string][] = [
    ['unknown option', ['export', 'users', '--nope'], /^error: unknown option '--nope'$/, 'usage: files-stream export [options] <operation> [pathArgs...] (files-stream export --help for details)'],
    ['missing argument', ['download', 'reports'], /^error: missing required argument 'local'$/, 'usage: files-stream download [options] <remote> <local> (files-stream download --help for details)'],
    ['bad option value', ['ls', '/', '--concurrency', 'x'], /^error: option '--concurrency <n>' argument 'x' is invalid/, 'usage: files-stream ls [options] <path> (files-stream ls --help for details)'],
    ['unknown command', ['exprot', 'users'], /^error: unknown command 'exprot'$/, 'usage: files-stream [options] [command] (files-stream --help for details)'],
    ['an error found by the command', ['export', 'users', '--checkpoint', 'c.json'], /^error: --checkpoint needs --out/, 'usage: files-stream export [options] <operation> [pathArgs...] (files-stream export --help for details)'],
  ];

  it.each(cases)('%s', async (_name, args, message, usage) => {
    const run = await runHere([...site.args, ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(message);
    expect(lines.at(-1)).toBe(usage);
    expect(lines.filter((l) => /^usage:/i.test(l))).toHaveLength(1);
    expect(lines.length).toBeLessThanOrEqual(3); // message, maybe "(Did you mean ...?)", usage
    expect(run.stderr).not.toMatch(/Options:|Arguments:|Global Options:/);
  });

  it('--help still prints the whole help', async () => {
    const run = await runHere(['export', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Options:[\s\S]*Global Options:/);
  });
});

describe('export files', () => {
  it.each(['files', 'files.list', 'folders'])('%s points to folders.listFor (there is no files.list)', async (name) => {
    const run = await runHere([...site.args, 'export', name]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^error: unknown operation "${name.replace('.', '\\.')}": Files\\.com has no files\\.list; .*folders\\.listFor <path>`, 'm'));
    expect(run.stderr).toMatch(/ls -R --json/);
  });
});

describe('--out problems name the path and the reason (exit 1)', () => {
  it('a file in the way: not a directory, naming that file', async () => {
    const blocker = join(dir.path, 'blocker.txt');
    await writeFile(blocker, 'x');
    const out = join(blocker, 'sub', 'users.ndjson');
    const run = await runHere([...site.args, 'export', 'users', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: cannot write --out ${out}: ${blocker} is a file, not a directory (ENOTDIR)\n`);
  });

  it('a folder as --out: is a directory', async () => {
    const run = await runHere([...site.args, 'export', 'users', '--out', dir.path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: cannot write --out ${dir.path}: is a directory (EISDIR)\n`);
  });

  it.skipIf(process.platform !== 'linux')('a full disk: no space left on device (/dev/full)', async () => {
    const run = await runHere([...site.args, 'export', 'users', '--out', '/dev/full']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: cannot write --out /dev/full: no space left on device (ENOSPC)\n');
  });

  it('permission denied and other file-system errors name the path; other errors pass through', async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/srv/x.csv'"), { code: 'EACCES', syscall: 'open', path: '/srv/x.csv' });
    expect(String(await describeFileError(denied, '--out', '/srv/x.csv'))).toBe('LocalFileError: cannot write --out /srv/x.csv: permission denied (EACCES)');
    const odd = Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'"), { code: 'EXDEV', syscall: 'rename' });
    expect(String(await describeFileError(odd, '--out', 'b'))).toBe('LocalFileError: cannot write --out b: cross-device link not permitted (EXDEV)');
    const network = new TypeError('fetch failed');
    expect(await describeFileError(network, '--out', 'b')).toBe(network);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('a folder without write permission: permission denied', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked);
    await chmod(locked, 0o500);
    try {
      const out = join(locked, 'users.ndjson');
      const run = await runHere([...site.args, 'export', 'users', '--out', out]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`error: cannot write --out ${out}: permission denied (EACCES)\n`);
    } finally {
      await chmod(locked, 0o700);
    }
  });

  it('a failed export leaves no empty output and no folder it made', async () => {
    const root = join(dir.path, 'failed');
    await mkdir(root);
    const bad = ['--api-key', 'wrong-key-123', '--base-url', site.server.baseUrl];
    const run = await runHere([...bad, 'export', 'users', '--out', join(root, 'a', 'b', 'users.ndjson')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not-authenticated/);
    expect(await readdir(root)).toEqual([]);
  });
});
