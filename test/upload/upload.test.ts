import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { FilesApiError, type FilesClient } from '../../src/index.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();
const PART = 1024;
const UPLOAD_URLS = `${EMULATOR_BASE}/emulator/upload/*`;

async function download(client: FilesClient, path: string): Promise<Uint8Array> {
  const { stream } = await client.files.downloadStream(path);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Streams `bytes` in chunks of `chunk` bytes, counting what was pulled. */
function countingChunks(bytes: Uint8Array, chunk: number, pulled: { bytes: number }): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let at = 0; at < bytes.length; at += chunk) {
      const piece = bytes.slice(at, at + chunk);
      pulled.bytes += piece.length;
      yield piece;
    }
  })();
}

describe('client.files.upload, then download: a round trip with equal checksums', () => {
  it.each([
    ['0 B', 0],
    ['1 B', 1],
    ['exactly one part', PART],
    ['several parts and a bit', 3 * PART + 123],
  ])('%s', async (_, size) => {
    const { client, emulator } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const bytes = testBytes(size, size + 7);
    const file = await client.files.upload(`up/${size}.bin`, bytes, { mkdir_parents: true });
    expect(file.size).toBe(size);
    expect(file.md5).toBe(md5(bytes));
    const back = await download(client, `up/${size}.bin`);
    expect(md5(back)).toBe(md5(bytes));
    // open + one request per further part + end; an empty file still sends one (empty) part.
    const parts = Math.max(1, Math.ceil(size / PART));
    expect(operationCount(emulator, 'files.create')).toBe(parts + 1);
    expect(emulator.stats.byKind.upload).toBe(parts);
  });

  it('accepts every kind of source: file path, Blob, web ReadableStream, Node Readable, async iterable', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const bytes = testBytes(5 * PART + 17, 3);
    const dir = await tempDir();
    const local = join(dir, 'source.bin');
    await writeFile(local, bytes);
    const sources = {
      path: local,
      blob: new Blob([bytes]),
      web: new Blob([bytes]).stream(),
      node: Readable.from(Buffer.from(bytes), { objectMode: false, highWaterMark: 700 }),
      iterable: countingChunks(bytes, 333, { bytes: 0 }),
    };
    for (const [name, source] of Object.entries(sources)) {
      const file = await client.files.upload(`kinds/${name}.bin`, source, { mkdir_parents: true });
      expect(file.md5, name).toBe(md5(bytes));
      expect(md5(await download(client, `kinds/${name}.bin`)), name).toBe(md5(bytes));
    }
  });

  it('sends mkdir_parents, provided_mtime and size with end, and reports progress per part', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const bodies: Record<string, unknown>[] = [];
    server.use(
      http.post(`${EMULATOR_BASE}/api/rest/v1/files/*`, async ({ request }) => {
        bodies.push((await request.clone().json()) as Record<string, unknown>);
        return undefined;
      }),
    );
    const progress: { bytes: number; parts: number }[] = [];
    const mtime = new Date('2021-05-06T07:08:09Z');
    const file = await client.files.upload('deep/er/x.bin', testBytes(2 * PART + 1), {
      mkdir_parents: true,
      provided_mtime: mtime,
      concurrency: 1,
      onProgress: (p) => progress.push(p),
    });
    expect(file.provided_mtime).toBe('2021-05-06T07:08:09Z');
    expect(bodies[0]).toMatchObject({ action: 'put', mkdir_parents: true });
    expect(bodies.slice(1, -1)).toEqual([
      { action: 'put', part: 2, ref: expect.any(String) },
      { action: 'put', part: 3, ref: expect.any(String) },
    ]);
    expect(bodies.at(-1)).toEqual({
      action: 'end',
      ref: bodies[1]!['ref'],
      size: 2 * PART + 1,
      mkdir_parents: true,
      provided_mtime: '2021-05-06T07:08:09.000Z',
    });
    expect(progress).toEqual([
      { bytes: PART, parts: 1 },
      { bytes: 2 * PART, parts: 2 },
      { bytes: 2 * PART + 1, parts: 3 },
    ]);
  });

  it('never sends the API key to an upload_uri', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const keys: (string | null)[] = [];
    server.use(
      http.put(UPLOAD_URLS, ({ request }) => {
        keys.push(request.headers.get('x-filesapi-key'));
        return undefined;
      }),
    );
    await client.files.upload('k.bin', testBytes(3 * PART), {});
    expect(keys).toEqual([null, null, null]);
  });

  it('sends parts with bounded concurrency and holds at most that many parts in memory', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    let inFlight = 0;
    let most = 0;
    const pulled = { bytes: 0 };
    let confirmed = 0;
    let mostAhead = 0;
    server.use(
      http.put(UPLOAD_URLS, async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        mostAhead = Math.max(mostAhead, pulled.bytes - confirmed);
        // A slow server (on purpose): parts overlap, so how many are in flight at once shows.
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
        return undefined;
      }),
    );
    const bytes = testBytes(20 * PART, 9);
    const file = await client.files.upload('c.bin', countingChunks(bytes, 256, pulled), {
      concurrency: 3,
      onProgress: (p) => (confirmed = p.bytes),
    });
    expect(file.md5).toBe(md5(bytes));
    expect(most).toBe(3);
    // At most `concurrency` parts were read ahead of what the server confirmed (plus the part being cut).
    expect(mostAhead).toBeLessThanOrEqual(4 * PART);
  });

  it('retries a failed part on its own, and asks for a fresh upload_uri after a 403', async () => {
    const { client, emulator } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const attempts: string[] = [];
    server.use(
      http.put(UPLOAD_URLS, ({ request }) => {
        attempts.push(new URL(request.url).pathname.split('/').at(-1)!);
        return undefined;
      }),
      http.put(`${EMULATOR_BASE}/emulator/upload/*/2`, () => new HttpResponse('boom', { status: 500 }), { once: true }),
      http.put(`${EMULATOR_BASE}/emulator/upload/*/3`, () => HttpResponse.error(), { once: true }),
      http.put(`${EMULATOR_BASE}/emulator/upload/*/4`, () => new HttpResponse('<Error/>', { status: 403 }), { once: true }),
    );
    const bytes = testBytes(4 * PART, 5);
    const file = await client.files.upload('r.bin', bytes, { partRetryDelayMs: 1 });
    expect(file.md5).toBe(md5(bytes));
    expect(attempts.sort()).toEqual(['1', '2', '2', '3', '3', '4', '4']);
    // open + parts 2..4 + one fresh descriptor for part 4 + end
    expect(operationCount(emulator, 'files.create')).toBe(1 + 3 + 1 + 1);
  });

  it('gives up after the part retries, cancels the other parts and never completes the upload', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    let part2 = 0;
    const actions: unknown[] = [];
    server.use(
      http.post(`${EMULATOR_BASE}/api/rest/v1/files/*`, async ({ request }) => {
        actions.push(((await request.clone().json()) as { action?: unknown }).action);
        return undefined;
      }),
      http.put(`${EMULATOR_BASE}/emulator/upload/*/2`, () => {
        part2++;
        return new HttpResponse('no', { status: 503 });
      }),
    );
    const failure = client.files.upload('f.bin', testBytes(6 * PART), { partRetries: 2, partRetryDelayMs: 1 });
    await expect(failure).rejects.toBeInstanceOf(FilesApiError);
    await expect(failure).rejects.toMatchObject({ status: 503 });
    expect(part2).toBe(3);
    expect(actions).not.toContain('end');
    await expect(client.files.find('f.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('stops on abort: no more parts, no end', async () => {
    const { client } = await startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });
    const controller = new AbortController();
    let puts = 0;
    server.use(
      http.put(UPLOAD_URLS, async ({ request }) => {
        if (++puts !== 2) return undefined;
        // Abort while the second part is on its way; it is answered once the client has let it go.
        controller.abort(new Error('stop'));
        if (!request.signal.aborted) await new Promise((r) => request.signal.addEventListener('abort', r, { once: true }));
        return undefined;
      }),
    );
    await expect(
      client.files.upload('a.bin', testBytes(10 * PART), { concurrency: 1, signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(puts).toBe(2);
    await expect(client.files.find('a.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a source it cannot read', async () => {
    const { client } = await startEmulator({ files: 0 }, { msw: server });
    await expect(client.files.upload('x', 42 as never)).rejects.toBeInstanceOf(TypeError);
    await expect(client.files.upload('x', Readable.from(['text']))).rejects.toThrow(/not a Uint8Array/);
  });
});
