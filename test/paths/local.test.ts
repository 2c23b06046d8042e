import { join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

import { FilesError } from '../../src/errors/files-error.js';
import { relativeRemotePath, resolveInside } from '../../src/paths/local.js';
import { UnsafePathError, type UnsafePathReason } from '../../src/paths/unsafe-path-error.js';
import { unsafePathReason } from '../../src/paths/unsafe-path-reason.js';

const localDir = join(tmpdir(), 'files-stream-export');

function refusal(run: () => unknown): UnsafePathError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafePathError);
    expect(error).toBeInstanceOf(FilesError);
    return error as UnsafePathError;
  }
  throw new Error('expected an UnsafePathError');
}

describe('resolveInside', () => {
  it.each([
    'report.txt',
    'a..b.txt',
    '.hidden',
    '..hidden',
    'dir/.config/settings.json',
    'with space/file name.txt',
    ' leading space.txt',
    'ends with dot.',
    '日本語/ファイル.txt',
    'Zürich/Été 2024.csv',
    '😂/❤️.png',
    '-dash/~tilde/#hash%20?.txt',
    'x/..y/y..',
  ])('accepts %j', (name) => {
    const local = resolveInside(localDir, name);
    expect(local).toBe(resolve(localDir, ...name.split('/')));
    expect(local.startsWith(resolve(localDir) + sep)).toBe(true);
  });

  it.each<[string, UnsafePathReason]>([
    ['..', 'dot-segment'],
    ['../etc/passwd', 'dot-segment'],
    ['a/../../b', 'dot-segment'],
    ['a/..', 'dot-segment'],
    ['.', 'dot-segment'],
    ['a/./b', 'dot-segment'],
    ['a/...', 'dot-segment'],
    ['a/.. /b', 'dot-segment'],
    ['/etc/passwd', 'absolute'],
    ['//server/share/x', 'absolute'],
    ['a\\b.txt', 'backslash'],
    ['..\\..\\windows\\win.ini', 'backslash'],
    ['a\0.txt', 'nul-byte'],
    ['', 'empty'],
    ['a//b', 'empty'],
    ['a/', 'empty'],
    ['a/ /b', 'empty'],
    ['C:/Windows/x', 'drive-letter'],
    ['c:x', 'drive-letter'],
    ['a/D:/x', 'drive-letter'],
  ])('refuses %j (%s)', (name, reason) => {
    const error = refusal(() => resolveInside(localDir, name));
    expect(error.reason).toBe(reason);
    expect(error.path).toBe(name);
    expect(error.name).toBe('UnsafePathError');
    expect(unsafePathReason(name)).toBe(reason);
  });
});

describe('relativeRemotePath', () => {
  it.each([
    ['/Reports', 'reports/2024/Q1.csv', '2024/Q1.csv'],
    ['Reports/', '/REPORTS/a.txt', 'a.txt'],
    ['/Équipe', 'equipe\\Rapport FINAL.txt', 'Rapport FINAL.txt'],
    ['Straße', 'STRASSE/x', 'x'],
    ['a/b', '/a/b/c/d', 'c/d'],
    ['a/b', 'a/b', ''],
    ['', 'a/b', 'a/b'],
    ['/', '//a//b/', 'a/b'],
    ['a', 'a/../../etc', 'etc'],
  ])('relativeRemotePath(%j, %j) is %j', (root, full, expected) => {
    expect(relativeRemotePath(root, full)).toBe(expected);
  });

  it.each([
    ['a/b', 'a/bc/d'],
    ['a/b', 'a'],
    ['reports', 'other/reports/x'],
    ['a/b', ''],
  ])('refuses %j → %j as outside', (root, full) => {
    const error = refusal(() => relativeRemotePath(root, full));
    expect(error.reason).toBe('outside');
    expect(error.path).toBe(full);
  });

  it('gives names that resolveInside accepts', () => {
    const relative = relativeRemotePath('/Exports', '/exports/2024/a..b.csv');
    expect(resolveInside(localDir, relative)).toBe(resolve(localDir, '2024', 'a..b.csv'));
  });
});
