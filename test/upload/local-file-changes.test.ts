// Issue #18 point 6: a local file that changes while it is uploaded must never be completed
// remotely as a file that never existed (old bytes in the first parts, new in the others).
import { appendFile, rename, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { LocalFileChangedError, type File, type FilesClient } from '../../src/index.js';
import { openFileSource } from '../../src/upload/node/file-source.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { runInProcess } from '../helpers/cli-in-process.js';
import { EMULATOR_BASE, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();
/**
 * 1 MiB parts, 3 of them: more than a read stream of 1 MiB chunks buffers ahead, so (as with
 * real files) the later parts are read from the disk after the change, whatever the reader.
 */
const PART = 1024 * 1024;
const SIZE = 3 * PART;
/** The local file's mtime when the upload begins: in the past, so any write moves it. */
const OLD_TIME = new Date('2020-01-02T03:04:05Z');
const OLD = testBytes(SIZE, 1);
const NEW = testBytes(SIZE, 2);

/** An emulator, a local file written long ago (3 parts of `OLD`), and the `action` of every `POST /files/...`. */
async function setup(content = OLD) {
  const site = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
  const local = join(await tempDir(), 'data.bin');
  await writeFile(local, content);
  await utimes(local, OLD_TIME, OLD_TIME);
  const actions: unknown[] = [];
  server.use(
    http.post(`${EMULATOR_BASE}/api/rest/v1/files/*`, async ({ request }) => {
      actions.push(((await request.clone().json()) as { action?: unknown }).action);
      return undefined;
    }),
  );
  return { ...site, local, actions };
}

/** Runs `change` once, when the bytes of part `part` reach the server (before they are accepted). */
function onPart(part: number, change: () => Promise<void>): void {
  server.use(
    http.put(`${EMULATOR_BASE}/emulator/upload/*/${part}`, async () => {
      await change();
      return undefined;
    }, { once: true }),
  );
}

/** The error an upload rejects with; fails the test, saying what the remote became, if it completed. */
async function rejection(upload: Promise<File>, old: Uint8Array = OLD): Promise<unknown> {
  let file: File;
  try {
    file = await upload;
  } catch (error) {
    return error;
  }
  const content = file.md5 === md5(old) ? 'the old content' : file.md5 === md5(NEW) ? 'the new content' : 'a mix that never existed';
  throw new Error(`the upload completed: ${file.size} bytes, ${content} (md5 ${file.md5})`);
}

async function download(client: FilesClient, path: string): Promise<Uint8Array> {
  const { stream } = await client.files.downloadStream(path);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What changed, as `what` names. */
function whats(error: unknown): string[] {
  expect(error).toBeInstanceOf(LocalFileChangedError);
  return (error as LocalFileChangedError).changes.map((c) => c.what);
}

describe('client.files.upload of a local file that changes during the upload', () => {
  it('overwritten in place with the same size after part 1 of 3: fails, never sends end, the remote keeps its previous content', async () => {
    const { client, local, actions } = await setup();
    const previous = testBytes(100, 9);
    await client.files.upload('inbox/data.bin', previous, { mkdir_parents: true });
    actions.length = 0;
    onPart(1, () => writeFile(local, NEW));
    const error = await rejection(client.files.upload('inbox/data.bin', local, { concurrency: 1 }));
    expect(whats(error)).toEqual(['mtime']);
    const changed = error as LocalFileChangedError;
    expect(changed.localPath).toBe(local);
    expect(changed.changes[0]).toMatchObject({ before: '2020-01-02T03:04:05.000000000Z' });
    expect(changed.message).toContain(local);
    expect(changed.message).toMatch(/mtime 2020-01-02T03:04:05\.000000000Z → \d{4}-/);
    expect(changed.message).toMatch(/upload it again/);
    // Part 2 was read after the change and refused before it was sent.
    expect(actions).toEqual(['put']);
    expect(actions).not.toContain('end');
    expect(md5(await download(client, 'inbox/data.bin'))).toBe(md5(previous));
  });

  it('overwritten while parts are sent in parallel: the check before end still refuses it', async () => {
    const { client, local, actions } = await setup();
    onPart(1, () => writeFile(local, NEW));
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 3 }));
    // A part read while the file is rewritten sees it truncated (a stat during the truncation
    // may show the new size before the new mtime), one read after sees the new mtime.
    expect(whats(error).length).toBeGreaterThan(0);
    expect(['size', 'mtime']).toEqual(expect.arrayContaining(whats(error)));
    expect(actions).not.toContain('end');
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('truncated after part 1 of 3: fails on the size, never sends end', async () => {
    const { client, local, actions } = await setup();
    onPart(1, () => truncate(local, PART + PART / 2));
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 1 }));
    expect(whats(error)).toEqual(['size', 'mtime']);
    expect((error as LocalFileChangedError).changes[0]).toEqual({ what: 'size', before: String(SIZE), after: String(PART + PART / 2) });
    expect((error as Error).message).toContain(`size ${SIZE} → ${PART + PART / 2} bytes`);
    expect(actions).not.toContain('end');
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('appended to after part 1 of 3: fails on the size, never sends end', async () => {
    const { client, local, actions } = await setup();
    onPart(1, () => appendFile(local, testBytes(PART, 3)));
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 1 }));
    expect(whats(error)).toEqual(['size', 'mtime']);
    expect((error as LocalFileChangedError).changes[0]).toEqual({ what: 'size', before: String(SIZE), after: String(SIZE + PART) });
    expect(actions).not.toContain('end');
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('appended to after its last part was read: the check before end refuses it', async () => {
    // 2.5 parts: reading part 3 reaches the end, so no further read (nor its check) follows.
    const old = OLD.subarray(0, 2 * PART + PART / 2);
    const { client, local, actions } = await setup(old);
    onPart(3, () => appendFile(local, testBytes(10, 3)));
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 1 }), old);
    expect(whats(error)).toEqual(['size', 'mtime']);
    expect(actions).toEqual(['put', 'put', 'put']);
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('replaced by another file of the same size and mtime (renamed over it): fails on the inode', async () => {
    const { client, local, actions } = await setup();
    onPart(1, async () => {
      const other = `${local}.new`;
      await writeFile(other, NEW);
      await utimes(other, OLD_TIME, OLD_TIME);
      await rename(other, local);
    });
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 1 }));
    expect(whats(error)).toEqual(['inode']);
    expect((error as Error).message).toMatch(/inode \d+:\d+ → \d+:\d+/);
    expect(actions).not.toContain('end');
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('deleted after part 1 of 3: fails, never sends end', async () => {
    const { client, local, actions } = await setup();
    onPart(1, () => unlink(local));
    const error = await rejection(client.files.upload('data.bin', local, { concurrency: 1 }));
    expect(whats(error)).toEqual(['deleted']);
    expect((error as Error).message).toContain(`${local} was deleted`);
    expect(actions).not.toContain('end');
    await expect(client.files.find('data.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('an unchanged file, mtime in the past or just written, uploads as before', async () => {
    const { client, local } = await setup();
    expect((await client.files.upload('a.bin', local, { concurrency: 1 })).md5).toBe(md5(OLD));
    await writeFile(local, NEW);
    expect((await client.files.upload('b.bin', local)).md5).toBe(md5(NEW));
  });
});

describe('the local file source', () => {
  it('reads exactly the size it saw when opened: a file cut short under it is a typed error, not a short part', async () => {
    const local = join(await tempDir(), 'short.bin');
    await writeFile(local, testBytes(3 * 1024 * 1024));
    await utimes(local, OLD_TIME, OLD_TIME);
    const source = await openFileSource(local);
    expect(source.size).toBe(3 * 1024 * 1024);
    const first = await source.chunks.next();
    expect(first.done).toBe(false);
    await truncate(local, 1024 * 1024 + 5);
    const read = async () => {
      for (;;) if ((await source.chunks.next()).done) return;
    };
    const error = await read().catch((e: unknown) => e);
    expect(whats(error)).toEqual(['size', 'mtime']);
    await source.chunks.return?.();
  });

  it('stops at the size it saw when opened, and verify() names what grew', async () => {
    const local = join(await tempDir(), 'grown.bin');
    await writeFile(local, testBytes(1000));
    await utimes(local, OLD_TIME, OLD_TIME);
    const source = await openFileSource(local);
    await appendFile(local, testBytes(24));
    let total = 0;
    for (let step = await source.chunks.next(); !step.done; step = await source.chunks.next()) total += step.value.byteLength;
    expect(total).toBe(1000);
    const error = await source.verify!().catch((e: unknown) => e);
    expect(whats(error)).toEqual(['size', 'mtime']);
  });

  it('reports a folder as not a file', async () => {
    await expect(openFileSource(await tempDir())).rejects.toThrow(/is not a file/);
  });
});

describe('files-stream upload of a local file that changes during the upload', () => {
  it('exits 1 with the typed error message, and never completes the upload', async () => {
    const { client, emulator, local, actions } = await setup();
    onPart(1, () => writeFile(local, NEW));
    const run = await runInProcess(['--base-url', EMULATOR_BASE, '--api-key', emulator.apiKey, 'upload', local, 'inbox/']);
    expect(run.code, run.stderr).toBe(1);
    // Parts are sent 3 at a time: one may be read while the file is rewritten, so the change
    // seen is the mtime, the size (truncated to 0 on the way), or both.
    expect(run.stderr).toMatch(new RegExp(`^error: ${escapeRegExp(local)} changed during its upload \\((size ${SIZE} → \\d+ bytes|mtime 2020-01-02T03:04:05\\.000000000Z → [^)]+)`));
    expect(run.stderr).toMatch(/upload it again/);
    expect(run.stdout).toBe('');
    expect(actions).not.toContain('end');
    await expect(client.files.find('inbox/data.bin')).rejects.toMatchObject({ status: 404 });
  });
});
