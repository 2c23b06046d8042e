import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/download/crc32.js';

describe('crc32 (table implementation)', () => {
  it('matches known values', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('is incremental and agrees with node:zlib when Node has it', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) & 0xff);
    const whole = crc32(bytes);
    expect(crc32(bytes.subarray(60_000), crc32(bytes.subarray(0, 60_000)))).toBe(whole);
    const native = (zlib as { crc32?: (b: Uint8Array, v?: number) => number }).crc32;
    if (native) expect(native(bytes)).toBe(whole);
  });
});
