// Issue #22 item 7, what the CLI prints: counts in the singular for one ("1 page", not
// "1 pages"), an API error's type and status said once, a missing path named as what was
// asked (not "Folder no/such.pdf not found" for a file), and a tree's errors typed.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { counted } from '../../src/cli/output/counted.js';
import { formatReport } from '../../src/cli/main-job/report.js';
import { FilesError, type DownloadTreeResult } from '../../src/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
let site: TestEmulator;
let args: string[];
beforeAll(async () => {
  site = await startEmulator({ seed: 4, users: 3, files: 20 });
  args = ['--base-url', site.baseUrl, '--api-key', site.apiKey];
});
afterAll(async () => {
  await site?.close();
});

describe('counts: singular for one', () => {
  it('counted', () => {
    expect([0, 1, 2].map((n) => counted(n, 'page'))).toEqual(['0 pages', '1 page', '2 pages']);
    expect([1, 3].map((n) => counted(n, 'retry', 'retries'))).toEqual(['1 retry', '3 retries']);
  });

  it('the export summary: 1 record, 1 page', async () => {
    const run = await runInProcess([...args, 'export', 'users', '--limit', '1', '--out', join(await tempDir(), 'u.ndjson')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^users\.list: 1 record, 1 page to \S+ in [\d.]+s \(\d+ records\/s\), 0 retries$/m);
  });

  it("the main job's report: 1 record, 1 page", () => {
    const report = formatReport('emulator', [{ name: 'users', out: 'out/users.ndjson', stats: { records: 1, pages: 1, elapsedMs: 5, firstRecordMs: 4, recordsPerSecond: 200 } }], 10, 2048);
    expect(report).toMatch(/ 1 record +1 page  first record/);
    expect(report).not.toMatch(/1 records|1 pages/);
  });
});

describe('an API error: its type and status once', () => {
  it('a 401: the message, then the type line, then the hint', async () => {
    const run = await runInProcess(['--base-url', site.baseUrl, '--api-key', 'not-the-key', 'export', 'users']);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'error: users.list: Invalid API key.',
      'type: not-authenticated/invalid-credentials (HTTP 401)',
      'hint: check FILESCOM_API_KEY and FILESCOM_BASE_URL (or --api-key / --base-url)',
    ]);
  });
});

describe('a missing path is named as asked', () => {
  it('download no/such.pdf: no file or folder there (not "Folder no/such.pdf not found"); nothing made locally', async () => {
    const dir = await tempDir();
    const run = await runInProcess([...args, 'download', 'no/such.pdf', join(dir, 'x.pdf')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split('\n').slice(0, 2)).toEqual(['error: download no/such.pdf: no file or folder at this path', 'type: not-found/file-not-found (HTTP 404)']);
    expect(run.stderr).not.toMatch(/Folder/);
  });

  it('ls no/such.pdf likewise; ls of a folder below a missing one too', async () => {
    for (const path of ['no/such.pdf', 'no/such/folder']) {
      const run = await runInProcess([...args, 'ls', path]);
      expect(run.code).toBe(1);
      expect(run.stderr.split('\n')[0]).toBe(`error: ls ${path}: no file or folder at this path`);
    }
  });
});

describe("a tree download's errors", () => {
  it('are typed: FilesError | Error, each with its message', () => {
    expectTypeOf<DownloadTreeResult['errors'][number]['error']>().toEqualTypeOf<FilesError | Error>();
  });
});
