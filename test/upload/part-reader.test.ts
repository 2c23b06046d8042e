import { describe, expect, it } from 'vitest';
import { PartReader } from '../../src/upload/source.js';

async function* chunks(sizes: number[]): AsyncGenerator<Uint8Array> {
  let value = 0;
  for (const size of sizes) yield Uint8Array.from({ length: size }, () => value++ & 0xff);
}

async function readAll(reader: PartReader, size: number): Promise<Uint8Array[]> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const part = await reader.read(size);
    if (part.byteLength === 0) return parts;
    parts.push(part);
  }
}

describe('PartReader', () => {
  it.each([
    ['one big chunk', [25]],
    ['many small chunks', [3, 3, 3, 3, 3, 3, 3, 4]],
    ['chunks on part boundaries', [10, 10, 5]],
    ['empty chunks in between', [0, 7, 0, 18, 0]],
  ])('cuts %s into parts of the size asked for, bytes in order', async (_, sizes) => {
    const parts = await readAll(new PartReader(chunks(sizes)[Symbol.asyncIterator]()), 10);
    expect(parts.map((p) => p.byteLength)).toEqual([10, 10, 5]);
    const joined = parts.flatMap((p) => [...p]);
    expect(joined).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('sends a source smaller than a part as its one chunk: no buffer of the part size (a small file costs no 5 MiB)', async () => {
    const reader = new PartReader(chunks([3])[Symbol.asyncIterator]());
    const part = await reader.read(5 * 1024 * 1024);
    expect([...part]).toEqual([0, 1, 2]);
    expect(part.buffer.byteLength).toBe(3);
    expect((await reader.read(5 * 1024 * 1024)).byteLength).toBe(0);
    expect(reader.ended).toBe(true);
  });

  it('gives an empty part for an empty source, and marks the end', async () => {
    const reader = new PartReader(chunks([])[Symbol.asyncIterator]());
    expect((await reader.read(10)).byteLength).toBe(0);
    expect(reader.ended).toBe(true);
  });

  it('does not know the end before reading past a source that ends on a boundary', async () => {
    const reader = new PartReader(chunks([10])[Symbol.asyncIterator]());
    expect((await reader.read(10)).byteLength).toBe(10);
    expect(reader.ended).toBe(false);
    expect((await reader.read(10)).byteLength).toBe(0);
    expect(reader.ended).toBe(true);
  });

  it('hands out views of a chunk that holds whole parts, without copying', async () => {
    const big = new Uint8Array(30);
    const reader = new PartReader((async function* () {
      yield big;
    })());
    const parts = [await reader.read(10), await reader.read(10), await reader.read(10)];
    for (const part of parts) expect(part.buffer).toBe(big.buffer);
  });

  it('honours a different size on each read', async () => {
    const reader = new PartReader(chunks([4, 4, 4, 4])[Symbol.asyncIterator]());
    expect((await reader.read(3)).byteLength).toBe(3);
    expect((await reader.read(7)).byteLength).toBe(7);
    expect((await reader.read(100)).byteLength).toBe(6);
  });
});
