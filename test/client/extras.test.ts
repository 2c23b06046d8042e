import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/index.js';
import { createEmulator } from '../../src/testing/index.js';
import { md5, testBytes } from '../helpers/bytes.js';

describe('client.files and client.folders extras', () => {
  it('adds downloadStream, downloadToFile, upload and walk beside the generated operations, lazily and once', () => {
    const client = createClient({ apiKey: 'k', baseUrl: 'https://wiring.files.test' });
    expect(typeof client.files.find).toBe('function');
    expect(typeof client.files.create).toBe('function');
    expect(typeof client.files.downloadStream).toBe('function');
    expect(typeof client.files.downloadToFile).toBe('function');
    expect(typeof client.files.upload).toBe('function');
    expect(typeof client.folders.listFor).toBe('function');
    expect(typeof client.folders.walk).toBe('function');
    expect(client.files).toBe(client.files);
    expect(client.folders).toBe(client.folders);
    expect(Object.keys(client)).toContain('files');
    const derived = client.with({ timeout: 5 });
    expect(typeof derived.folders.walk).toBe('function');
    expect(derived.files).not.toBe(client.files);
  });

  it("uses the client's fetch option for presigned URLs too (upload and download)", async () => {
    const emulator = createEmulator({ files: 0, uploadPartSize: 100, baseUrl: 'https://own-fetch.files.test' });
    const client = createClient({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl, fetch: emulator.fetch });
    const bytes = testBytes(450);
    await client.files.upload('f.bin', bytes);
    const { stream } = await client.files.downloadStream('f.bin');
    expect(md5(new Uint8Array(await new Response(stream).arrayBuffer()))).toBe(md5(bytes));
    expect(emulator.stats.byKind).toMatchObject({ upload: 5, download: 1 });
  });
});
