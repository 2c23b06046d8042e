import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLibraryArgs, startNode, type ChildResult } from '../helpers/child-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { parseNdjson } from '../helpers/parse-output.js';
import { tempDir, type TempDir } from '../helpers/temp-dir.js';

// Each example runs as a user would run it: `node --import tsx examples/x.ts`, importing
// 'files-stream' (this test run's build of it), configured by FILESCOM_BASE_URL /
// FILESCOM_API_KEY.
const USERS = 2600;
const FILES = 30;
let site: TestEmulator;
let dir: TempDir;

beforeAll(async () => {
  // Logs that end now: the nightly sync's 30 days hold some of them.
  site = await startEmulator({ seed: 7, users: USERS, files: FILES, actionLogs: 5000, logsUntil: 'now' });
  dir = await tempDir('files-stream-examples-');
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

function runExample(name: string, args: string[] = []): Promise<ChildResult> {
  return startNode([...importLibraryArgs(), join('examples', name), ...args], { env: site.env }).done;
}

describe('examples', () => {
  it('export-with-resume.ts: stops after a page, resumes from the saved cursor, writes every user once', async () => {
    const out = join(dir.path, 'users.ndjson');
    const first = await runExample('export-with-resume.ts', ['--out', out, '--pages', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/stopped after 1 page: 1000 users/);
    const second = await runExample('export-with-resume.ts', ['--out', out]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/resumed and finished: 2600 users/);
    const ids = parseNdjson<{ id: number }>(await readFile(out, 'utf8')).map((u) => u.id);
    expect(ids).toEqual(Array.from({ length: USERS }, (_, i) => i + 1));
    const third = await runExample('export-with-resume.ts', ['--out', out]);
    expect(third.stdout).toMatch(/already complete: 2600 users/);
  });

  it('nightly-sync.ts: action logs of the last 30 days and every user into DuckDB; the next run adds nothing new', async () => {
    const file = join(dir.path, 'nightly.duckdb');
    const t = site.emulator.timeline('actionLogs');
    const before = Date.now();
    const first = await runExample('nightly-sync.ts', [file]);
    const after = Date.now();
    expect(first.code, first.stderr).toBe(0);
    const appended = Number(/action_logs: (\d+) rows appended/.exec(first.stdout)?.[1]);
    const upTo = Date.parse(/complete up to (\S+)/.exec(first.stdout)![1]!);
    // The run started 30 days back from its own clock, somewhere between `before` and `after`.
    const days30 = 30 * 86_400_000;
    expect(appended).toBeGreaterThanOrEqual(t.countBetween(after - days30 + 1000, upTo));
    expect(appended).toBeLessThanOrEqual(t.countBetween(before - days30 - 1000, upTo));
    expect(appended).toBeGreaterThan(0);
    expect(first.stdout).toMatch(new RegExp(`users: ${USERS} inserted, 0 updated, 0 deleted`));
    const second = await runExample('nightly-sync.ts', [file]);
    expect(second.code, second.stderr).toBe(0);
    // The second run lists only what the first left to it: the records that were within its lag.
    const upTo2 = Date.parse(/complete up to (\S+)/.exec(second.stdout)![1]!);
    expect(Number(/action_logs: (\d+) rows appended/.exec(second.stdout)?.[1])).toBe(t.countBetween(upTo, upTo2));
    expect(second.stdout).toMatch(/users: 0 inserted, 0 updated, 0 deleted/);
  });

  it('etl-batches.ts: loads every user in batches of 500 across page boundaries', async () => {
    const run = await runExample('etl-batches.ts');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('loaded 2600 users in 6 batches');
    expect(lines[2]).toBe('batch 3: 500 users (ids 1001-1500)');
    expect(lines[4]).toBe('batch 5: 500 users (ids 2001-2500)');
    expect(lines[5]).toBe('batch 6: 100 users (ids 2501-2600)');
  });

  it('download-tree.ts: downloads every file of the tree, then skips them all on a rerun', async () => {
    const local = join(dir.path, 'tree');
    const run = await runExample('download-tree.ts', ['/', local]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^downloaded ${FILES}, skipped 0, failed 0, refused 0`, 'm'));
    const onDisk = (await readdir(local, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    expect(onDisk).toHaveLength(FILES);
    const again = await runExample('download-tree.ts', ['/', local]);
    expect(again.stdout).toMatch(new RegExp(`^downloaded 0, skipped ${FILES}, failed 0`, 'm'));
  });
});
