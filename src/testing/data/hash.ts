/**
 * Small, fast, deterministic integer hashing. Every synthetic value the emulator serves
 * (names, sizes, timestamps, file bytes, faults) is derived from the seed and a record
 * index through these functions, so nothing needs to be stored per record.
 */

/** Mixes a 32-bit integer (the murmur3 finaliser). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hashes a seed, a salt and an index into an unsigned 32-bit integer. */
export function hash3(seed: number, salt: number, index: number): number {
  return mix32(mix32(seed ^ Math.imul(salt, 0x9e3779b1)) ^ Math.imul(index | 0, 0x27d4eb2d) ^ Math.floor(index / 0x100000000));
}

/** Hashes a string with a seed (FNV-1a, then mixed). */
export function hashString(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/** A uniform number in [0, 1) derived from `hash3(seed, salt, index)`. */
export function unit(seed: number, salt: number, index: number): number {
  return hash3(seed, salt, index) / 0x100000000;
}

/** Turns any seed (number or string) into an unsigned 32-bit integer. */
export function normalizeSeed(seed: number | string): number {
  return typeof seed === 'number' ? mix32(Math.trunc(seed) >>> 0) : hashString(0, seed);
}

/** Salts that keep the derived streams of different record kinds independent. */
export const Salt = {
  user: 1,
  group: 2,
  groupUser: 3,
  permission: 4,
  apiKey: 5,
  history: 6,
  actionLog: 7,
  tree: 8,
  size: 9,
  content: 10,
  fault: 11,
  latency: 12,
  cursor: 13,
  token: 14,
  generic: 15,
} as const;
