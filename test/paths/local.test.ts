import { lstat, mkdir, readdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';

import { FilesError } from '../../src/errors/files-error.js';
import { findSymlink, makeFolderInside, resolveInside } from '../../src/paths/node/local.js';
import { UnsafePathError, type UnsafePathReason } from '../../src/errors/client-errors.js';
import { relativeRemotePath, unsafePathReason } from '../../src/paths/remote.js';
import { useTempDirs } from '../helpers/temp-dir.js';

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

describe('findSymlink and makeFolderInside', () => {
  const tempDir = useTempDirs();
  /** A real target folder holding `real/`, `up -> ..` and `loop -> loop`, beside an `outside/` folder. */
  async function target(): Promise<{ root: string; outside: string }> {
    const box = await realpath(await tempDir('files-stream-links-'));
    const root = join(box, 'target');
    const outside = join(box, 'outside');
    await mkdir(join(root, 'real'), { recursive: true });
    await mkdir(outside);
    await symlink('..', join(root, 'up'));
    await symlink('loop', join(root, 'loop'));
    await symlink(outside, join(root, 'real', 'out'));
    return { root, outside };
  }

  it('findSymlink names the first link on the way, the path itself included, and never follows one', async () => {
    const { root } = await target();
    expect(await findSymlink(root, root)).toBeUndefined();
    expect(await findSymlink(root, join(root, 'real'))).toBeUndefined();
    expect(await findSymlink(root, join(root, 'real', 'missing', 'deeper'))).toBeUndefined();
    expect(await findSymlink(root, join(root, 'up'))).toBe(join(root, 'up'));
    expect(await findSymlink(root, join(root, 'up', 'target', 'real'))).toBe(join(root, 'up'));
    expect(await findSymlink(root, join(root, 'loop', 'x'))).toBe(join(root, 'loop'));
    expect(await findSymlink(root, join(root, 'real', 'out', 'x'))).toBe(join(root, 'real', 'out'));
  });

  it('makeFolderInside makes missing folders one by one and stops at a link, making nothing beyond it', async () => {
    const { root, outside } = await target();
    expect(await makeFolderInside(root, join(root, 'real', 'a', 'b'))).toBeUndefined();
    expect((await lstat(join(root, 'real', 'a', 'b'))).isDirectory()).toBe(true);
    expect(await makeFolderInside(root, join(root, 'real', 'a', 'b'))).toBeUndefined();
    expect(await makeFolderInside(root, join(root, 'real', 'out', 'c', 'd'))).toBe(join(root, 'real', 'out'));
    expect(await makeFolderInside(root, join(root, 'up', 'escaped'))).toBe(join(root, 'up'));
    expect(await readdir(outside)).toEqual([]);
    expect((await readdir(join(root, '..'))).sort()).toEqual(['outside', 'target']);
  });

  it('makeFolderInside fails with ENOTDIR on a file; both refuse a path outside the root', async () => {
    const { root } = await target();
    await writeFile(join(root, 'real', 'file'), 'x');
    await expect(makeFolderInside(root, join(root, 'real', 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    for (const outside of [join(root, '..'), join(root, '..', 'outside', 'x'), '/']) {
      await expect(makeFolderInside(root, outside)).rejects.toMatchObject({ name: 'UnsafePathError', reason: 'outside' });
      await expect(findSymlink(root, outside)).rejects.toMatchObject({ name: 'UnsafePathError', reason: 'outside' });
    }
  });
});

describe('UnsafePathError for a link or a case twin', () => {
  it('names the link found, and says why a twin was not written', () => {
    const link = new UnsafePathError('root/reports/x.csv', 'symlink', { link: '/data/out/reports' });
    expect(link).toMatchObject({ reason: 'symlink', path: 'root/reports/x.csv', link: '/data/out/reports' });
    expect(link.message).toBe('Unsafe path "root/reports/x.csv": a symbolic link inside the target folder (/data/out/reports)');
    const twin = new UnsafePathError('root/A.csv', 'case-twin');
    expect(twin.link).toBeUndefined();
    expect(twin.message).toBe(
      'Unsafe path "root/A.csv": the same Files.com path as an earlier entry of the listing (the names differ only in case, accents or Unicode form)',
    );
  });
});
