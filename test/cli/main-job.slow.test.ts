// Issue #22 item 7.8: `npm start` with FILESCOM_API_KEY set exports the real account; it says
// so on stderr before it sends anything (the base URL, never the key) and how to use the
// emulator instead. Run as `npm start` runs it (tsx), in a folder of its own (it writes out/).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realAccountNotice } from '../../src/cli/main-job/announce.js';
import { startNode } from '../helpers/child-process.js';
import { startEmulator, type TestEmulator } from '../helpers/emulator.js';
import { repoRoot } from '../helpers/shared.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const KEY = 'sk-main-job-real-7e1d93';
const tempDir = useTempDirs();
let site: TestEmulator;
beforeAll(async () => {
  site = await startEmulator({ users: 3, files: 5 });
});
afterAll(async () => {
  await site?.close();
});

describe('the main job with FILESCOM_API_KEY set', () => {
  it('announces the real account at its base URL before the first request, never the key, and how to use the emulator', async () => {
    site.emulator.resetLog();
    // A key the site refuses: the job stops at its first request (401, not retried).
    const tsx = import.meta.resolve('tsx');
    const run = await startNode(['--import', tsx, join(repoRoot, 'scripts', 'main-job.ts')], {
      cwd: await tempDir(),
      env: { FILESCOM_API_KEY: KEY, FILESCOM_BASE_URL: site.baseUrl },
    }).done;
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(realAccountNotice(site.baseUrl, KEY).split('\n'));
    expect(lines[0]).toBe(`files-stream main job: FILESCOM_API_KEY is set: exporting the real account at ${site.baseUrl} (read only: its users, its folder tree and 30 days of action logs, into out/)`);
    expect(lines[1]).toMatch(/unset FILESCOM_API_KEY/);
    expect(lines[2]).toMatch(/^error: users\.list: /);
    expect(run.stderr + run.stdout).not.toContain(KEY);
    expect(site.emulator.stats.total).toBe(1);
  });

  it('never shows the key, even inside the base URL', () => {
    expect(realAccountNotice(`https://${KEY}@example.files.com`, KEY)).not.toContain(KEY);
  });
});
