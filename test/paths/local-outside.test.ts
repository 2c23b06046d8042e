import { describe, expect, it, vi } from 'vitest';

// The lexical checks already stop every way out on POSIX, so the final `path.resolve`
// check is defence in depth. Make `resolve` misbehave to prove that check still holds.
vi.mock('node:path', async (importOriginal) => {
  const path = await importOriginal<typeof import('node:path')>();
  const resolve = (...parts: string[]): string => {
    if (parts.includes('escape')) return '/somewhere/else';
    if (parts.includes('itself')) return path.resolve(parts[0] as string);
    return path.resolve(...parts);
  };
  return { ...path, default: { ...path, resolve }, resolve };
});

const { resolveInside } = await import('../../src/paths/node/local.js');
const { UnsafePathError } = await import('../../src/errors/client-errors.js');

describe('resolveInside, when resolution lands outside the folder', () => {
  it.each(['escape', 'a/escape', 'itself'])('refuses %j as outside', (name) => {
    const attempt = () => resolveInside('/data/export', name);
    expect(attempt).toThrow(UnsafePathError);
    expect(attempt).toThrow(expect.objectContaining({ reason: 'outside', path: name }));
  });

  it('still accepts what lands inside', () => {
    expect(resolveInside('/data/export', 'a/b.txt')).toBe('/data/export/a/b.txt');
  });
});
