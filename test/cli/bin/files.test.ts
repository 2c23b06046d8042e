import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type TestEmulator } from '../../helpers/emulator.js';
import { runBin } from '../../helpers/child-process.js';
import { parseNdjson } from '../../helpers/parse-output.js';
import { tempDir, type TempDir } from '../../helpers/temp-dir.js';

let site: TestEmulator;
let dir: TempDir;

beforeAll(async () => {
  site = await startEmulator({ seed: 7, users: 5, files: 60 });
  dir = await tempDir();
});
afterAll(async () => {
  await site?.close();
  await dir?.remove();
});

async function localFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('ls, download, upload', () => {
  it('ls lists a folder; -R --json streams the whole tree as NDJSON File records', async () => {
    const [plain, long, tree] = await Promise.all([
      runBin(['ls', '/'], { env: site.env }),
      runBin(['ls', '/', '--long'], { env: site.env }),
      runBin(['ls', '/', '-R', '--json'], { env: site.env }),
    ]);
    const top = await site.client.folders.listFor('/').toArray();
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.trimEnd().split('\n')).toEqual(top.map((f) => `${f.display_name}${f.type === 'directory' ? '/' : ''}`));
    expect(long.stdout.trimEnd().split('\n')[0]).toMatch(/^[d-] +(-|\d+) \d{4}-\d\d-\d\dT\S+ +\S+$/);

    expect(tree.code, tree.stderr).toBe(0);
    const entries = parseNdjson<{ path: string; type: string }>(tree.stdout);
    const walked = await site.client.folders.walk('/').toArray();
    expect(entries.map((e) => e.path).sort()).toEqual(walked.map((e) => e.path).sort());
    expect(entries.filter((e) => e.type === 'file')).toHaveLength(60);
  });

  it('download fetches every file of the tree; upload sends a file that ls then shows', async () => {
    const local = join(dir.path, 'tree');
    const download = await runBin(['download', '/', local, '--concurrency', '4'], { env: site.env });
    expect(download.code, download.stderr).toBe(0);
    expect(download.stderr).toMatch(/downloaded 60 files .* failed 0/);
    const walked = await site.client.folders.walk('/', { type: 'file' }).toArray();
    expect((await localFiles(local)).sort()).toEqual(walked.map((f) => f.path!).sort());
    const sample = walked.find((f) => (f.size ?? 0) > 0)!;
    expect((await stat(join(local, sample.path!))).size).toBe(sample.size);

    const source = join(dir.path, 'hello.txt');
    await writeFile(source, 'hello, files-stream\n');
    const upload = await runBin(['upload', source, 'inbox/new/'], { env: site.env });
    expect(upload.code, upload.stderr).toBe(0);
    const listed = await runBin(['ls', 'inbox/new', '--long'], { env: site.env });
    expect(listed.stdout).toMatch(/^- +20 \S+ +hello\.txt$/m);
    const back = await site.client.files.downloadStream('inbox/new/hello.txt');
    expect(await new Response(back.stream).text()).toBe(await readFile(source, 'utf8'));
  });
});
