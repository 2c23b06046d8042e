import { crc32 } from '../../download/crc32.js';
import { mix32 } from '../data/hash.js';
import { Md5 } from './md5.js';

/** File content: stored bytes (uploads) or bytes derived from a key (no memory per file). */
export type Content =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'derived'; readonly key: number; readonly size: number };

/** Checksums Files.com reports on File records. */
export interface Checksums {
  readonly crc32: string;
  readonly md5: string;
}

/** Size of a content in bytes. */
export function contentSize(content: Content): number {
  return content.kind === 'bytes' ? content.bytes.length : content.size;
}

/** Bytes `[start, end)` of derived content: little-endian words `mix32(key ^ wordIndex * φ)`. */
function derivedRange(key: number, start: number, end: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, end - start));
  let offset = start;
  let i = 0;
  // Whole words: four bytes per hash.
  if (offset % 4 === 0) {
    for (; i + 4 <= out.length; i += 4, offset += 4) {
      const word = mix32(key ^ Math.imul(offset / 4 + 1, 0x9e3779b1));
      out[i] = word & 0xff;
      out[i + 1] = (word >>> 8) & 0xff;
      out[i + 2] = (word >>> 16) & 0xff;
      out[i + 3] = word >>> 24;
    }
  }
  while (i < out.length) {
    const word = mix32(key ^ Math.imul(Math.floor(offset / 4) + 1, 0x9e3779b1));
    for (let byte = offset % 4; byte < 4 && i < out.length; byte++, i++, offset++) out[i] = (word >>> (8 * byte)) & 0xff;
  }
  return out;
}

/** Bytes `[start, end)` of a content. */
export function readRange(content: Content, start = 0, end = contentSize(content)): Uint8Array {
  return content.kind === 'bytes' ? content.bytes.subarray(start, end) : derivedRange(content.key, start, end);
}

const CHUNK = 64 * 1024;

/** A stream of bytes `[start, end)`, generated chunk by chunk (so large derived files cost no memory). */
export function contentStream(content: Content, start = 0, end = contentSize(content)): ReadableStream<Uint8Array> {
  let at = start;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= end) {
        controller.close();
        return;
      }
      const next = Math.min(end, at + CHUNK);
      controller.enqueue(readRange(content, at, next).slice());
      at = next;
    },
  });
}

const cache = new Map<string, Checksums>();
const CACHE_LIMIT = 10_000;
const stored = new WeakMap<Uint8Array, Checksums>();

/** CRC-32 and MD5 of a content (cached: per byte array, and for up to 10,000 derived contents). */
export function checksumsOf(content: Content): Checksums {
  if (content.kind === 'bytes') {
    let sums = stored.get(content.bytes);
    if (!sums) stored.set(content.bytes, (sums = computeChecksums(content)));
    return sums;
  }
  const cacheKey = `${content.key}:${content.size}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const sums = computeChecksums(content);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, sums);
  return sums;
}

function computeChecksums(content: Content): Checksums {
  let crc = 0;
  const md5 = new Md5();
  for (let at = 0; at < contentSize(content); at += CHUNK) {
    const chunk = readRange(content, at, Math.min(contentSize(content), at + CHUNK));
    crc = crc32(chunk, crc);
    md5.update(chunk);
  }
  return { crc32: crc.toString(16).padStart(8, '0'), md5: md5.hex() };
}
