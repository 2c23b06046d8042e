import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { IntegrityError, NotAuthorizedError, type RetryEvent } from '../../src/index.js';
import type { Emulator } from '../../src/testing/index.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';
import { listTree, useTempDirs } from '../helpers/temp-dir.js';

const server = useMswServer();
const tempDir = useTempDirs();
const API_FILES = `${EMULATOR_BASE}/api/rest/v1/files/*`;
const DOWNLOADS = `${EMULATOR_BASE}/emulator/download/*`;
const MTIME = '2022-03-04T05:06:07Z';

async function seeded(bytes: Uint8Array, now?: () => number) {
  const env = await startEmulator({ files: 0, uploadPartSize: 4096, ...(now ? { now } : {}) }, { msw: server });
  await env.client.files.upload('docs/report.bin', bytes, { mkdir_parents: true, provided_mtime: MTIME });
  env.emulator.resetLog();
  return env;
}

/** Serves the metadata of `GET /files/{path}` from the emulator, changed by `edit`. */
function tamperMetadata(emulator: Emulator, edit: (record: Record<string, unknown>) => void) {
  server.use(
    http.get(API_FILES, async ({ request }) => {
      const record = (await (await emulator.handle(request)).json()) as Record<string, unknown>;
      edit(record);
      return HttpResponse.json(record);
    }),
  );
}

describe('client.files.downloadStream', () => {
  it('streams the bytes from the download_uri, with the File record, and never sends the API key there', async () => {
    const bytes = testBytes(10_000, 2);
    const { client, emulator } = await seeded(bytes);
    const seen: { url: string; key: string | null; auth: string | null }[] = [];
    server.events.on('request:start', ({ request }) => {
      seen.push({ url: request.url, key: request.headers.get('x-filesapi-key'), auth: request.headers.get('x-filesapi-auth') });
    });
    try {
      const { stream, file } = await client.files.downloadStream('docs/report.bin');
      expect(file).toMatchObject({ path: 'docs/report.bin', size: 10_000, md5: md5(bytes), provided_mtime: MTIME });
      expect(md5(new Uint8Array(await new Response(stream).arrayBuffer()))).toBe(md5(bytes));
    } finally {
      server.events.removeAllListeners();
    }
    const presigned = seen.filter((r) => r.url.includes('/emulator/download/'));
    const api = seen.filter((r) => r.url.includes('/api/rest/v1/'));
    expect(presigned).toHaveLength(1);
    expect(presigned[0]).toMatchObject({ key: null, auth: null });
    expect(api[0]!.key).toBe(emulator.apiKey);
  });

  it('errors the stream with IntegrityError when the body is shorter than the record says', async () => {
    const { client } = await seeded(testBytes(1000));
    server.use(http.get(DOWNLOADS, () => new HttpResponse(testBytes(600))));
    const { stream } = await client.files.downloadStream('docs/report.bin');
    const failure = new Response(stream).arrayBuffer();
    await expect(failure).rejects.toBeInstanceOf(IntegrityError);
    await expect(failure).rejects.toMatchObject({ check: 'size', expected: 1000, actual: 600 });
  });

  it('fetches a fresh record when the download_uri has already expired (or is about to)', async () => {
    const bytes = testBytes(3000, 4);
    let skew = -3_600_000; // the emulator signs URLs an hour in the past: expired by our clock
    const { client, emulator } = await seeded(bytes, () => Date.now() + skew);
    let metadata = 0;
    server.use(
      http.get(API_FILES, () => {
        if (++metadata === 2) skew = 0; // the refresh gets a current URL; the first one is now refused
        return undefined;
      }),
    );
    const { stream } = await client.files.downloadStream('docs/report.bin');
    expect(md5(new Uint8Array(await new Response(stream).arrayBuffer()))).toBe(md5(bytes));
    expect(operationCount(emulator, 'files.download')).toBe(2);
    expect(emulator.stats.byKind.download).toBe(1);
    expect(emulator.stats.byStatus['403']).toBeUndefined();
  });

  it('does not refresh a download_uri that is still good', async () => {
    const { client, emulator } = await seeded(testBytes(10));
    await new Response((await client.files.downloadStream('docs/report.bin')).stream).arrayBuffer();
    expect(operationCount(emulator, 'files.download')).toBe(1);
  });

  it('after a 403 from the download_uri, fetches one fresh record and retries once', async () => {
    const bytes = testBytes(2000, 6);
    const { client, emulator } = await seeded(bytes);
    server.use(
      http.get(DOWNLOADS, () => new HttpResponse('<Error><Code>AccessDenied</Code></Error>', { status: 403 }), { once: true }),
    );
    const { stream } = await client.files.downloadStream('docs/report.bin');
    expect(md5(new Uint8Array(await new Response(stream).arrayBuffer()))).toBe(md5(bytes));
    expect(operationCount(emulator, 'files.download')).toBe(2);
  });

  it('a download_uri that keeps answering 403 gives NotAuthorizedError after one refresh', async () => {
    const { client, emulator } = await seeded(testBytes(10));
    let attempts = 0;
    server.use(
      http.get(DOWNLOADS, () => {
        attempts++;
        return new HttpResponse('<Error/>', { status: 403 });
      }),
    );
    await expect(client.files.downloadStream('docs/report.bin')).rejects.toBeInstanceOf(NotAuthorizedError);
    expect(attempts).toBe(2);
    expect(operationCount(emulator, 'files.download')).toBe(2);
  });
});

describe('client.files.downloadToFile', () => {
  it('writes the file through a temporary file, with the remote modification time', async () => {
    const bytes = testBytes(50_000, 8);
    const { client } = await seeded(bytes);
    const dir = await tempDir();
    const dest = join(dir, 'sub', 'report.bin');
    const result = await client.files.downloadToFile('docs/report.bin', dest);
    expect(result).toMatchObject({ path: dest, bytes: 50_000, file: { md5: md5(bytes) } });
    expect(md5(await readFile(dest))).toBe(md5(bytes));
    expect((await stat(dest)).mtime.toISOString()).toBe('2022-03-04T05:06:07.000Z');
    expect(await listTree(dir)).toEqual(['sub/', 'sub/report.bin']);
  });

  it.each([
    ['md5', (r: Record<string, unknown>): void => void (r['md5'] = '0'.repeat(32))],
    ['crc32', (r: Record<string, unknown>): void => void (r['crc32'] = 'deadbeef')],
    ['size', (r: Record<string, unknown>): void => void (r['size'] = Number(r['size']) + 1)],
  ] as const)('refuses bytes whose %s differs from the record, leaving the old file untouched', async (check, edit) => {
    const { client, emulator } = await seeded(testBytes(5000));
    tamperMetadata(emulator, edit);
    const dir = await tempDir();
    const dest = join(dir, 'report.bin');
    await writeFile(dest, 'old');
    const failure = client.files.downloadToFile('docs/report.bin', dest);
    await expect(failure).rejects.toBeInstanceOf(IntegrityError);
    await expect(failure).rejects.toMatchObject({ check });
    expect(await readFile(dest, 'utf8')).toBe('old');
    expect(await listTree(dir)).toEqual(['report.bin']);
  });

  it('a download done again after its bytes failed a check is a retry the hooks and the logger see', async () => {
    const bytes = testBytes(5000);
    const { client, emulator } = await seeded(bytes);
    let served = 0;
    // The first download's bytes are cut short; the second is whole.
    server.use(
      http.get(DOWNLOADS, async ({ request }) => {
        const response = await emulator.handle(request);
        return served++ === 0 ? new HttpResponse((await response.arrayBuffer()).slice(0, 3000)) : response;
      }),
    );
    const retries: RetryEvent[] = [];
    const warnings: string[] = [];
    const observed = client.with({ hooks: { beforeRetry: (e) => retries.push(e) }, logger: { warn: (line: string) => warnings.push(line) } });
    const dest = join(await tempDir(), 'report.bin');
    await observed.files.downloadToFile('docs/report.bin', dest);
    expect(md5(await readFile(dest))).toBe(md5(bytes));
    expect(retries).toEqual([
      { operation: 'files.downloadToFile docs/report.bin', method: 'GET', url: `${EMULATOR_BASE}/api/rest/v1/files/docs%2Freport.bin`, attempt: 1, limit: 2, delayMs: expect.any(Number), elapsedMs: expect.any(Number), reason: 'IntegrityError' },
    ]);
    expect(warnings).toEqual([expect.stringMatching(/^files\.downloadToFile docs\/report\.bin GET \S+: retry 1\/2 in \d+ ms after IntegrityError$/)]);
  });

  it('onProgress reports the bytes written after each chunk, up to the size; a retry starts again from 0; a throwing callback breaks nothing', async () => {
    const bytes = testBytes(200_000, 3);
    const { client, emulator } = await seeded(bytes);
    let served = 0;
    /** The bytes in chunks of 40,000. */
    const chunked = (all: Uint8Array) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < all.length; at += 40_000) controller.enqueue(all.slice(at, at + 40_000));
          controller.close();
        },
      });
    server.use(
      http.get(DOWNLOADS, async ({ request }) => {
        const all = new Uint8Array(await (await emulator.handle(request)).arrayBuffer());
        return new HttpResponse(chunked(served++ === 0 ? all.slice(0, 120_000) : all));
      }),
    );
    const seen: number[] = [];
    const dest = join(await tempDir(), 'report.bin');
    const result = await client.files.downloadToFile('docs/report.bin', dest, {
      onProgress: (n) => {
        seen.push(n);
        throw new Error('a broken progress display');
      },
    });
    expect(result.bytes).toBe(200_000);
    expect(md5(await readFile(dest))).toBe(md5(bytes));
    // The first (cut short) attempt's bytes, then the second's from the start.
    const restart = seen.findIndex((n, i) => i > 0 && n < seen[i - 1]!);
    expect(restart).toBeGreaterThan(0);
    expect(seen[restart - 1]).toBe(120_000);
    expect(seen.at(-1)).toBe(200_000);
    const second = seen.slice(restart);
    expect(second.every((n, i) => i === 0 || n > second[i - 1]!)).toBe(true);
  });

  it('skips the checksums when asked (the size is still checked)', async () => {
    const { client, emulator } = await seeded(testBytes(5000));
    tamperMetadata(emulator, (r) => void (r['md5'] = '0'.repeat(32)));
    const dir = await tempDir();
    await expect(client.files.downloadToFile('docs/report.bin', join(dir, 'r.bin'), { checksums: false })).resolves.toMatchObject({ bytes: 5000 });
  });

  it('leaves nothing behind when aborted mid-body', async () => {
    const { client } = await seeded(testBytes(5000));
    const controller = new AbortController();
    server.use(
      http.get(DOWNLOADS, () => {
        // The first 1000 bytes, then nothing: the body stays open until the abort.
        const body = new ReadableStream<Uint8Array>({
          start(c): void {
            c.enqueue(testBytes(1000));
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'application/octet-stream' } });
      }),
    );
    const dir = await tempDir();
    const download = client.files.downloadToFile('docs/report.bin', join(dir, 'r.bin'), { signal: controller.signal });
    download.catch(() => {}); // checked below, once aborted
    // Abort once the first bytes are on disk (in the temporary file): mid-body.
    await vi.waitFor(async () => {
      const [temp] = await listTree(dir);
      expect(temp && (await stat(join(dir, temp))).size).toBe(1000);
    });
    controller.abort(new Error('user abort'));
    await expect(download).rejects.toThrow('user abort');
    expect(await listTree(dir)).toEqual([]);
  });
});
