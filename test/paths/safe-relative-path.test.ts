import { describe, expect, it } from 'vitest';
import { UnsafePathError } from '../../src/errors/client-errors.js';
import { safeRelativePath } from '../../src/paths/remote.js';

describe('safeRelativePath', () => {
  it('gives the part below the root, remote spelling kept', () => {
    expect(safeRelativePath('exports', 'exports/2024/Q1.csv')).toBe('2024/Q1.csv');
    expect(safeRelativePath('/Exports/', 'exports/a.txt')).toBe('a.txt');
    expect(safeRelativePath('', 'a/b.txt')).toBe('a/b.txt');
  });

  it.each([
    ['../../etc/passwd', 'dot-segment'],
    ['exports/../../etc/passwd', 'dot-segment'],
    ['/abs', 'absolute'],
    ['exports/a\\b', 'backslash'],
    ['exports/x\u0000y', 'nul-byte'],
    ['exports/C:evil', 'drive-letter'],
    ['exports//a', 'empty'],
    ['other/a.txt', 'outside'],
    ['exportsx/a.txt', 'outside'],
    ['exports', 'outside'],
  ])('refuses %j (%s) before any normalisation', (path, reason) => {
    const attempt = () => safeRelativePath('exports', path);
    expect(attempt).toThrow(UnsafePathError);
    expect(attempt).toThrow(expect.objectContaining({ reason, path }));
  });

  it('refuses a missing path', () => {
    expect(() => safeRelativePath('', undefined)).toThrow(UnsafePathError);
  });
});
