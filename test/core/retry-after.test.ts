import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/core/retry.js';
import { hasShared, readShared } from '../helpers/shared.js';

const vectorsFile = 'conformance/header_test_data.json';
type Vector = { headers: { 'Retry-After'?: string[] }; result: number | null };

describe.skipIf(!hasShared(vectorsFile))(`Retry-After conformance vectors (skipped when ../shared/${vectorsFile} is absent)`, () => {
  const vectors = hasShared(vectorsFile) ? readShared<Vector[]>(vectorsFile) : [];
  it('has the seven vectors', () => expect(vectors).toHaveLength(7));
  it.each(vectors.map((v, i) => [i, v] as const))('vector %i', (_i, vector) => {
    const now = Date.now();
    // `%s` stands for an HTTP date about 8 s ahead.
    const values = vector.headers['Retry-After']?.map((v) => (v === '%s' ? new Date(now + 8_000).toUTCString() : v));
    expect(parseRetryAfter(values ?? null, now)).toBe(vector.result);
    // The same values joined as fetch's Headers.get() returns them.
    expect(parseRetryAfter(values?.join(', ') ?? null, now)).toBe(vector.result);
  });
});

describe('parseRetryAfter edge cases', () => {
  it('refuses negative and past dates, accepts 0 and 59', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('59')).toBe(59);
    expect(parseRetryAfter('-1')).toBeNull();
    expect(parseRetryAfter(new Date(Date.now() - 10_000).toUTCString())).toBeNull();
  });
});
