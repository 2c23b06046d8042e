// client.files.downloadToString and downloadToBytes: a whole file in memory in one call (the
// official JS SDK's downloadToString), bounded by maxBytes, its size and crc32 checked.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { IntegrityError, InvalidParameterError, ResponseTooLargeError } from '../../src/index.js';
import { testBytes } from '../helpers/bytes.js';
import { EMULATOR_BASE, operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const API_FILES = `${EMULATOR_BASE}/api/rest/v1/files/*`;

async function seeded(path: string, content: string | Uint8Array) {
  const env = await startEmulator({ files: 0, uploadPartSize: 4096 }, { msw: server });
  await env.client.files.uploadData(path, content, { mkdir_parents: true });
  env.emulator.resetLog();
  return env;
}

/** Serves `GET /files/{path}` from the emulator, its record changed by `edit`. */
function tamperRecord(handle: (request: Request) => Promise<Response>, edit: (record: Record<string, unknown>) => void) {
  server.use(
    http.get(API_FILES, async ({ request }) => {
      const record = (await (await handle(request)).json()) as Record<string, unknown>;
      edit(record);
      return HttpResponse.json(record);
    }),
  );
}

describe('client.files.downloadToString / downloadToBytes', () => {
  it('a file as UTF-8 text: one metadata request, one download', async () => {
    const text = 'id,name\n1,Zoë\n2,Ōtsuka ✓\n';
    const { client, emulator } = await seeded('reports/q1.csv', text);
    expect(await client.files.downloadToString('reports/q1.csv')).toBe(text);
    expect(operationCount(emulator, 'files.download')).toBe(1);
    expect(emulator.stats.byKind.download).toBe(1);
  });

  it('a file as bytes, exactly', async () => {
    const bytes = testBytes(50_000, 5);
    const { client } = await seeded('bin/blob.bin', bytes);
    const back = await client.files.downloadToBytes('bin/blob.bin');
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back).toEqual(bytes);
  });

  it('maxBytes: a file whose record is larger is refused with ResponseTooLargeError; one at the limit is fine', async () => {
    const { client, emulator } = await seeded('big.bin', testBytes(1000));
    const error = await client.files.downloadToBytes('big.bin', { maxBytes: 999 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limitBytes: 999, operation: 'files.downloadToBytes big.bin' });
    expect((error as Error).message).toBe(
      'files.downloadToBytes big.bin: the file is 1000 bytes, over maxBytes (999 bytes): raise maxBytes, or stream it with downloadStream or downloadToFile',
    );
    await expect(client.files.downloadToString('big.bin', { maxBytes: 999 })).rejects.toThrow(ResponseTooLargeError);
    expect((await client.files.downloadToBytes('big.bin', { maxBytes: 1000 })).byteLength).toBe(1000);
    expect(operationCount(emulator, 'files.download')).toBe(3);
  });

  it('maxBytes: a body past the limit is refused as it arrives when the record gives no size', async () => {
    const { client, emulator } = await seeded('nosize.bin', testBytes(5000));
    tamperRecord((request) => emulator.handle(request), (record) => delete record['size']);
    await expect(client.files.downloadToBytes('nosize.bin', { maxBytes: 4096 })).rejects.toThrow(
      'files.downloadToBytes nosize.bin: the file is larger than maxBytes (4096 bytes)',
    );
    expect((await client.files.downloadToBytes('nosize.bin')).byteLength).toBe(5000);
  });

  it('a record that claims a small size while the body never ends: IntegrityError past the claim, ResponseTooLargeError past maxBytes without the size check; the body is read no further', async () => {
    const { client } = await seeded('liar.bin', testBytes(100));
    const CHUNK = 16 * 1024;
    let sent = 0;
    server.use(
      http.get(`${EMULATOR_BASE}/emulator/download/*`, () => {
        const endless = new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += CHUNK;
            controller.enqueue(new Uint8Array(CHUNK));
          },
        });
        return new HttpResponse(endless, { headers: { 'content-type': 'application/octet-stream' } });
      }),
    );
    const error = await client.files.downloadToBytes('liar.bin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ check: 'size', expected: 100 });
    await expect(client.files.downloadToString('liar.bin', { verifySize: false, maxBytes: 65_536 })).rejects.toThrow(
      'files.downloadToString liar.bin: the file is larger than maxBytes (65536 bytes)',
    );
    // Both reads stopped: a few chunks past the limit at most, and nothing pulled afterwards.
    const stopped = sent;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent).toBe(stopped);
    expect(sent).toBeLessThan(65_536 + 100 + 16 * CHUNK);
  });

  it('the default limit is 64 MiB', async () => {
    const { client, emulator } = await seeded('huge.bin', 'x');
    tamperRecord((request) => emulator.handle(request), (record) => (record['size'] = 64 * 1024 * 1024 + 1));
    await expect(client.files.downloadToBytes('huge.bin')).rejects.toMatchObject({ name: 'ResponseTooLargeError', limitBytes: 64 * 1024 * 1024 });
  });

  it('a crc32 that does not match is an IntegrityError (checksums: false skips it)', async () => {
    const { client, emulator } = await seeded('sum.txt', 'checked content');
    tamperRecord((request) => emulator.handle(request), (record) => (record['crc32'] = '00000001'));
    await expect(client.files.downloadToString('sum.txt')).rejects.toMatchObject({ name: 'IntegrityError', check: 'crc32', expected: '00000001' });
    await expect(client.files.downloadToString('sum.txt')).rejects.toThrow(IntegrityError);
    expect(await client.files.downloadToString('sum.txt', { checksums: false })).toBe('checked content');
  });

  it('a body shorter than the record\'s size is an IntegrityError', async () => {
    const { client, emulator } = await seeded('short.txt', 'twelve bytes');
    tamperRecord((request) => emulator.handle(request), (record) => (record['size'] = 20));
    await expect(client.files.downloadToBytes('short.txt')).rejects.toMatchObject({ name: 'IntegrityError', check: 'size' });
  });

  it('refuses a maxBytes that is not a byte count, before any request', async () => {
    const { client, emulator } = await seeded('a.txt', 'a');
    for (const maxBytes of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(client.files.downloadToString('a.txt', { maxBytes })).rejects.toThrow(InvalidParameterError);
    }
    expect(emulator.stats.total).toBe(0);
  });
});
