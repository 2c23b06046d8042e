import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOwnTempName, tempFileOwner, tempPathFor } from '../../src/download/node/temp-file.js';
import { downloadTree } from '../../src/index.js';
import { operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { listTree, useTempDirs } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();

/** Shaped like the temporary files of earlier versions: `.<name>.<12 hex digits>.download`. */
const LOOKALIKE = '.mine.txt.abcdefabcdef.download';

/** A process id no process has (beyond any pid_max): the run that wrote a temporary file so named was killed. */
const DEAD = 2_147_483_000;

async function site(files: Record<string, string>) {
  const started = await startEmulator({ files: 0 }, { msw: server });
  for (const [path, text] of Object.entries(files)) {
    await started.client.files.upload(path, new TextEncoder().encode(text), { mkdir_parents: true });
  }
  return started;
}

describe('temporary file names', () => {
  it('are fresh, marked, and recognised; a look-alike is not', () => {
    const made = Array.from({ length: 50 }, () => basename(tempPathFor('/data/q1.csv')));
    expect(new Set(made).size).toBe(50);
    for (const name of made) {
      expect(name).toMatch(new RegExp(`^\\.q1\\.csv\\.files-stream-${process.pid}-[0-9a-f]{24}\\.download$`));
      expect(tempFileOwner(name)).toBe(process.pid);
      // One digit of the token or of the check changed, or another name: no longer one of ours.
      const token = name.length - '12345678.download'.length - 1;
      const flip = (at: number) => name.slice(0, at) + (name[at] === '0' ? '1' : '0') + name.slice(at + 1);
      expect(isOwnTempName(flip(token))).toBe(false);
      expect(isOwnTempName(flip(name.length - '.download'.length - 1))).toBe(false);
      expect(isOwnTempName(name.replace('q1.csv', 'q2.csv'))).toBe(false);
      expect(isOwnTempName(name.replace(`-${process.pid}-`, `-${process.pid + 1}-`))).toBe(false);
    }
    expect(tempFileOwner(basename(tempPathFor('/data/q1.csv', DEAD)))).toBe(DEAD);
    for (const name of [LOOKALIKE, '.q1.csv.files-stream-1-0123456789abcdef01234567.download', 'q1.csv', '.download', '']) {
      expect(isOwnTempName(name), name).toBe(false);
    }
  });

  it("fit a file system's 255 bytes whenever the name does (a long name is cut, at a character)", () => {
    for (const name of ['a'.repeat(255), '\u00E9'.repeat(127), '\u{1F600}'.repeat(63)]) {
      const temp = basename(tempPathFor(`/data/${name}`, DEAD)); // the longest process id
      expect(Buffer.byteLength(temp), name).toBeLessThanOrEqual(255);
      expect(Buffer.from(temp).toString(), 'no character split').toBe(temp);
      expect(isOwnTempName(temp)).toBe(true);
    }
  });
});

describe('downloadTree and its temporary files (issue #18, point 8d)', () => {
  it("leaves the user's own files alone, whatever they look like", async () => {
    const { client } = await site({ 'mine.txt': 'remote', 'sub/mine.txt': 'remote too' });
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, LOOKALIKE), 'my own notes');
    await writeFile(join(dir, 'sub', LOOKALIKE), 'more of my notes');

    const result = await downloadTree(client, '', dir);
    expect(result).toMatchObject({ downloaded: 2, skipped: 0, refused: 0, failed: 0 });
    expect(await readFile(join(dir, LOOKALIKE), 'utf8')).toBe('my own notes');
    expect(await readFile(join(dir, 'sub', LOOKALIKE), 'utf8')).toBe('more of my notes');
    expect(await listTree(dir)).toEqual([LOOKALIKE, 'mine.txt', 'sub/', `sub/${LOOKALIKE}`, 'sub/mine.txt']);
  });

  it('downloads a remote file named like a temporary file once, then skips it like any other', async () => {
    const { client, emulator } = await site({ [LOOKALIKE]: 'remote lookalike', [`sub/${LOOKALIKE}`]: 'another', 'sub/plain.txt': 'plain' });
    const dir = await tempDir();
    const first = await downloadTree(client, '', dir);
    expect(first).toMatchObject({ downloaded: 3, skipped: 0, refused: 0, failed: 0, errors: [] });
    expect(await readFile(join(dir, LOOKALIKE), 'utf8')).toBe('remote lookalike');

    for (let run = 2; run <= 3; run++) {
      emulator.resetLog();
      const again = await downloadTree(client, '', dir);
      expect(again, `run ${run}`).toEqual({ downloaded: 0, skipped: 3, refused: 0, failed: 0, bytes: 0, errors: [] });
      expect(operationCount(emulator, 'files.download'), `run ${run}`).toBe(0);
      expect(emulator.stats.byKind.download ?? 0, `run ${run}`).toBe(0);
    }
    expect(await listTree(dir)).toEqual([LOOKALIKE, 'sub/', `sub/${LOOKALIKE}`, 'sub/plain.txt']);
    expect(await readFile(join(dir, 'sub', LOOKALIKE), 'utf8')).toBe('another');
  });

  it('downloads a remote file named exactly like one of its own temporary files once, then skips it', async () => {
    const own = basename(tempPathFor('/x/report.csv', DEAD));
    const { client, emulator } = await site({ [own]: 'remote', [`sub/${own}`]: 'remote too', 'sub/report.csv': 'plain' });
    const dir = await tempDir();
    expect(await downloadTree(client, '', dir)).toMatchObject({ downloaded: 3, skipped: 0, refused: 0, failed: 0 });
    for (let run = 2; run <= 3; run++) {
      emulator.resetLog();
      expect(await downloadTree(client, '', dir), `run ${run}`).toEqual({ downloaded: 0, skipped: 3, refused: 0, failed: 0, bytes: 0, errors: [] });
      expect(operationCount(emulator, 'files.download'), `run ${run}`).toBe(0);
    }
    expect(await listTree(dir)).toEqual([own, 'sub/', `sub/${own}`, 'sub/report.csv'].sort());
    expect(await readFile(join(dir, 'sub', own), 'utf8')).toBe('remote too');
  });

  it('removes the temporary files a killed run left, and nothing else', async () => {
    const { client } = await site({ 'report.csv': 'remote', 'sub/report.csv': 'remote too', 'sub/deeper/z.txt': 'z' });
    const dir = await tempDir();
    const outside = await tempDir();
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    // What a killed run leaves: temporary files of files that are done by now, or never will be.
    const stale = [join(dir, 'report.csv'), join(dir, 'sub', 'report.csv'), join(dir, 'sub', 'deeper', 'gone.txt')].map((path) => tempPathFor(path, DEAD));
    for (const path of stale) await writeFile(path, 'half a file');
    // What is not the download's: a user's look-alikes, a folder and a link named like a
    // temporary file, and the temporary files of runs still going (in another process, in this one).
    const notOurs = basename(tempPathFor(join(dir, 'notes.txt'), DEAD)).replace(/[0-9a-f]{8}\.download$/, '00000000.download');
    await writeFile(join(dir, notOurs), 'mine');
    await writeFile(join(dir, LOOKALIKE), 'mine too');
    const folderName = basename(tempPathFor('a-folder', DEAD));
    await mkdir(join(dir, 'sub', folderName));
    await writeFile(join(outside, 'target.txt'), 'outside');
    const linkName = basename(tempPathFor('a-link', DEAD));
    await symlink(join(outside, 'target.txt'), join(dir, 'sub', linkName));
    const running = [basename(tempPathFor('x.txt', process.ppid)), basename(tempPathFor('y.txt'))];
    for (const name of running) await writeFile(join(dir, 'sub', name), 'still being written');

    const result = await downloadTree(client, '', dir);
    expect(result).toMatchObject({ downloaded: 3, skipped: 0, refused: 0, failed: 0 });
    const kept = [LOOKALIKE, notOurs, 'report.csv', 'sub/', `sub/${folderName}/`, `sub/${linkName}`, 'sub/deeper/', 'sub/deeper/z.txt', 'sub/report.csv', ...running.map((n) => `sub/${n}`)];
    expect(await listTree(dir)).toEqual(kept.sort());
    expect(await readFile(join(dir, notOurs), 'utf8')).toBe('mine');
    expect(await readFile(join(outside, 'target.txt'), 'utf8')).toBe('outside');
  });
});
