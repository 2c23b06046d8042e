/** MD5, incremental and web-standard (Web Crypto has no MD5). */

/** An incremental MD5 digest. */
export class Md5 {
  #a = 0x67452301 | 0;
  #b = 0xefcdab89 | 0;
  #c = 0x98badcfe | 0;
  #d = 0x10325476 | 0;
  readonly #block = new Uint8Array(64);
  #used = 0;
  #length = 0;

  /** Adds bytes to the digest. */
  update(bytes: Uint8Array): this {
    this.#length += bytes.length;
    let i = 0;
    if (this.#used === 0) {
      for (; i + 64 <= bytes.length; i += 64) this.#compress(bytes, i);
    }
    while (i < bytes.length) {
      const take = Math.min(64 - this.#used, bytes.length - i);
      this.#block.set(bytes.subarray(i, i + take), this.#used);
      this.#used += take;
      i += take;
      if (this.#used === 64) {
        this.#compress(this.#block, 0);
        this.#used = 0;
        for (; i + 64 <= bytes.length; i += 64) this.#compress(bytes, i);
      }
    }
    return this;
  }

  /** Finishes and returns the digest as 32 lower-case hex digits. */
  hex(): string {
    const bits = this.#length * 8;
    const pad = new Uint8Array(((this.#used < 56 ? 56 : 120) - this.#used) + 8);
    pad[0] = 0x80;
    const view = new DataView(pad.buffer);
    view.setUint32(pad.length - 8, bits >>> 0, true);
    view.setUint32(pad.length - 4, Math.floor(bits / 0x100000000), true);
    const length = this.#length;
    this.update(pad);
    this.#length = length;
    let out = '';
    for (const word of [this.#a, this.#b, this.#c, this.#d]) {
      for (let k = 0; k < 4; k++) out += ((word >>> (8 * k)) & 0xff).toString(16).padStart(2, '0');
    }
    return out;
  }

  /** One 64-byte block; the 64 steps are written out (V8 would not inline helper calls here). */
  #compress(b8: Uint8Array, offset: number): void {
    const w0 = b8[offset + 0]! | (b8[offset + 1]! << 8) | (b8[offset + 2]! << 16) | (b8[offset + 3]! << 24);
    const w1 = b8[offset + 4]! | (b8[offset + 5]! << 8) | (b8[offset + 6]! << 16) | (b8[offset + 7]! << 24);
    const w2 = b8[offset + 8]! | (b8[offset + 9]! << 8) | (b8[offset + 10]! << 16) | (b8[offset + 11]! << 24);
    const w3 = b8[offset + 12]! | (b8[offset + 13]! << 8) | (b8[offset + 14]! << 16) | (b8[offset + 15]! << 24);
    const w4 = b8[offset + 16]! | (b8[offset + 17]! << 8) | (b8[offset + 18]! << 16) | (b8[offset + 19]! << 24);
    const w5 = b8[offset + 20]! | (b8[offset + 21]! << 8) | (b8[offset + 22]! << 16) | (b8[offset + 23]! << 24);
    const w6 = b8[offset + 24]! | (b8[offset + 25]! << 8) | (b8[offset + 26]! << 16) | (b8[offset + 27]! << 24);
    const w7 = b8[offset + 28]! | (b8[offset + 29]! << 8) | (b8[offset + 30]! << 16) | (b8[offset + 31]! << 24);
    const w8 = b8[offset + 32]! | (b8[offset + 33]! << 8) | (b8[offset + 34]! << 16) | (b8[offset + 35]! << 24);
    const w9 = b8[offset + 36]! | (b8[offset + 37]! << 8) | (b8[offset + 38]! << 16) | (b8[offset + 39]! << 24);
    const w10 = b8[offset + 40]! | (b8[offset + 41]! << 8) | (b8[offset + 42]! << 16) | (b8[offset + 43]! << 24);
    const w11 = b8[offset + 44]! | (b8[offset + 45]! << 8) | (b8[offset + 46]! << 16) | (b8[offset + 47]! << 24);
    const w12 = b8[offset + 48]! | (b8[offset + 49]! << 8) | (b8[offset + 50]! << 16) | (b8[offset + 51]! << 24);
    const w13 = b8[offset + 52]! | (b8[offset + 53]! << 8) | (b8[offset + 54]! << 16) | (b8[offset + 55]! << 24);
    const w14 = b8[offset + 56]! | (b8[offset + 57]! << 8) | (b8[offset + 58]! << 16) | (b8[offset + 59]! << 24);
    const w15 = b8[offset + 60]! | (b8[offset + 61]! << 8) | (b8[offset + 62]! << 16) | (b8[offset + 63]! << 24);
    let a = this.#a;
    let b = this.#b;
    let c = this.#c;
    let d = this.#d;
    let n: number;
    n = (a + ((b & c) | (~b & d)) + w0 + 0xd76aa478) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + w1 + 0xe8c7b756) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + w2 + 0x242070db) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + w3 + 0xc1bdceee) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + w4 + 0xf57c0faf) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + w5 + 0x4787c62a) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + w6 + 0xa8304613) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + w7 + 0xfd469501) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + w8 + 0x698098d8) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + w9 + 0x8b44f7af) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + w10 + 0xffff5bb1) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + w11 + 0x895cd7be) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & c) | (~b & d)) + w12 + 0x6b901122) | 0;
    a = (((n << 7) | (n >>> 25)) + b) | 0;
    n = (d + ((a & b) | (~a & c)) + w13 + 0xfd987193) | 0;
    d = (((n << 12) | (n >>> 20)) + a) | 0;
    n = (c + ((d & a) | (~d & b)) + w14 + 0xa679438e) | 0;
    c = (((n << 17) | (n >>> 15)) + d) | 0;
    n = (b + ((c & d) | (~c & a)) + w15 + 0x49b40821) | 0;
    b = (((n << 22) | (n >>> 10)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + w1 + 0xf61e2562) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + w6 + 0xc040b340) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + w11 + 0x265e5a51) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + w0 + 0xe9b6c7aa) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + w5 + 0xd62f105d) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + w10 + 0x02441453) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + w15 + 0xd8a1e681) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + w4 + 0xe7d3fbc8) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + w9 + 0x21e1cde6) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + w14 + 0xc33707d6) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + w3 + 0xf4d50d87) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + w8 + 0x455a14ed) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + ((b & d) | (c & ~d)) + w13 + 0xa9e3e905) | 0;
    a = (((n << 5) | (n >>> 27)) + b) | 0;
    n = (d + ((a & c) | (b & ~c)) + w2 + 0xfcefa3f8) | 0;
    d = (((n << 9) | (n >>> 23)) + a) | 0;
    n = (c + ((d & b) | (a & ~b)) + w7 + 0x676f02d9) | 0;
    c = (((n << 14) | (n >>> 18)) + d) | 0;
    n = (b + ((c & a) | (d & ~a)) + w12 + 0x8d2a4c8a) | 0;
    b = (((n << 20) | (n >>> 12)) + c) | 0;
    n = (a + (b ^ c ^ d) + w5 + 0xfffa3942) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + w8 + 0x8771f681) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + w11 + 0x6d9d6122) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + w14 + 0xfde5380c) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + w1 + 0xa4beea44) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + w4 + 0x4bdecfa9) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + w7 + 0xf6bb4b60) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + w10 + 0xbebfbc70) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + w13 + 0x289b7ec6) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + w0 + 0xeaa127fa) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + w3 + 0xd4ef3085) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + w6 + 0x04881d05) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (b ^ c ^ d) + w9 + 0xd9d4d039) | 0;
    a = (((n << 4) | (n >>> 28)) + b) | 0;
    n = (d + (a ^ b ^ c) + w12 + 0xe6db99e5) | 0;
    d = (((n << 11) | (n >>> 21)) + a) | 0;
    n = (c + (d ^ a ^ b) + w15 + 0x1fa27cf8) | 0;
    c = (((n << 16) | (n >>> 16)) + d) | 0;
    n = (b + (c ^ d ^ a) + w2 + 0xc4ac5665) | 0;
    b = (((n << 23) | (n >>> 9)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + w0 + 0xf4292244) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + w7 + 0x432aff97) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + w14 + 0xab9423a7) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + w5 + 0xfc93a039) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + w12 + 0x655b59c3) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + w3 + 0x8f0ccc92) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + w10 + 0xffeff47d) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + w1 + 0x85845dd1) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + w8 + 0x6fa87e4f) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + w15 + 0xfe2ce6e0) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + w6 + 0xa3014314) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + w13 + 0x4e0811a1) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    n = (a + (c ^ (b | ~d)) + w4 + 0xf7537e82) | 0;
    a = (((n << 6) | (n >>> 26)) + b) | 0;
    n = (d + (b ^ (a | ~c)) + w11 + 0xbd3af235) | 0;
    d = (((n << 10) | (n >>> 22)) + a) | 0;
    n = (c + (a ^ (d | ~b)) + w2 + 0x2ad7d2bb) | 0;
    c = (((n << 15) | (n >>> 17)) + d) | 0;
    n = (b + (d ^ (c | ~a)) + w9 + 0xeb86d391) | 0;
    b = (((n << 21) | (n >>> 11)) + c) | 0;
    this.#a = (this.#a + a) | 0;
    this.#b = (this.#b + b) | 0;
    this.#c = (this.#c + c) | 0;
    this.#d = (this.#d + d) | 0;
  }
}

/** MD5 of some bytes, as hex. */
export function md5Hex(bytes: Uint8Array): string {
  return new Md5().update(bytes).hex();
}
