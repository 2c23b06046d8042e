// client.files.uploadData: a string or bytes held in memory, uploaded in one call (the
// official JS SDK's File.uploadData), through the same part flow as client.files.upload.
import { describe, expect, it } from 'vitest';
import { InvalidParameterError } from '../../src/index.js';
import { md5, testBytes } from '../helpers/bytes.js';
import { operationCount, startEmulator } from '../helpers/emulator.js';
import { useMswServer } from '../helpers/msw.js';

const server = useMswServer();
const PART = 1024;

const site = () => startEmulator({ files: 0, uploadPartSize: PART }, { msw: server });

describe('client.files.uploadData', () => {
  it('uploads a string as its UTF-8 bytes: open, one part, end', async () => {
    const { client, emulator } = await site();
    const text = 'Été, naïve café ✓\nline two\n';
    const bytes = new TextEncoder().encode(text);
    const file = await client.files.uploadData('notes/hello.txt', text, { mkdir_parents: true });
    expect(file).toMatchObject({ path: 'notes/hello.txt', size: bytes.byteLength, md5: md5(bytes) });
    expect(bytes.byteLength).toBeGreaterThan(text.length); // the size is in bytes, not characters
    expect(operationCount(emulator, 'files.create')).toBe(2);
    expect(emulator.stats.byKind.upload).toBe(1);
    expect(await client.files.downloadToString('notes/hello.txt')).toBe(text);
  });

  it('a string is the content, never a local path', async () => {
    const { client } = await site();
    const file = await client.files.uploadData('literal.txt', './package.json');
    expect(file.size).toBe('./package.json'.length);
    expect(await client.files.downloadToString('literal.txt')).toBe('./package.json');
  });

  it('uploads bytes in parts of the server\'s size, byte for byte', async () => {
    const { client, emulator } = await site();
    const bytes = testBytes(3 * PART + 5, 11);
    const file = await client.files.uploadData('bin/data.bin', bytes, { mkdir_parents: true });
    expect(file.md5).toBe(md5(bytes));
    expect(emulator.stats.byKind.upload).toBe(4);
    expect(await client.files.downloadToBytes('bin/data.bin')).toEqual(bytes);
  });

  it('an empty string makes an empty file', async () => {
    const { client } = await site();
    expect((await client.files.uploadData('empty.txt', '')).size).toBe(0);
    expect(await client.files.downloadToString('empty.txt')).toBe('');
  });

  it('refuses anything else with InvalidParameterError, before any request', async () => {
    const { client, emulator } = await site();
    for (const data of [42, null, undefined, { length: 1 }, new Blob(['x'])]) {
      await expect(client.files.uploadData('x.txt', data as unknown as string)).rejects.toThrow(InvalidParameterError);
    }
    await expect(client.files.uploadData('x.txt', 42 as unknown as string)).rejects.toThrow(
      'files.uploadData: invalid parameter "data": must be a string or a Uint8Array, got number',
    );
    expect(emulator.stats.total).toBe(0);
  });
});
