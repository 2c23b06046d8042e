/**
 * CRC-32 (IEEE 802.3, the one zlib and Files.com use), incremental, web-standard. The
 * Node download path prefers `node:zlib`'s native `crc32` and falls back to this one on
 * Node versions without it (before 20.15).
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/**
 * Folds `bytes` into a running CRC-32 (start with `0`), with the same signature as
 * `node:zlib`'s `crc32(data, value)`.
 *
 * @example crc32(new TextEncoder().encode('hello')) // 0x3610a686
 */
export function crc32(bytes: Uint8Array, value = 0): number {
  const t = crcTable();
  let c = ~value >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
