import { describe, expect, it } from 'vitest';
import { PathClaims, type PathClaim } from '../../src/tree/path-claims.js';

type Entry = [path: string, type: 'file' | 'directory'];

/** Claims each entry in order; returns what was decided for each. */
function claimAll(entries: Entry[]): string[] {
  const claims = new PathClaims();
  return entries.map(([path, type]) => describeClaim(claims.claim(path, type)));
}

function describeClaim(claim: PathClaim): string {
  return claim.kind === 'write' ? `write ${claim.relative}` : claim.kind;
}

describe('PathClaims', () => {
  it('writes each distinct path once, in its own spelling', () => {
    expect(claimAll([['a', 'directory'], ['a/x.csv', 'file'], ['b/y.csv', 'file'], ['b', 'directory'], ['a.csv', 'file']])).toEqual([
      'write a',
      'write a/x.csv',
      'write b/y.csv',
      'write b',
      'write a.csv',
    ]);
  });

  it('refuses a file twin (case, accents, Unicode form, full width, trailing space); the first spelling wins', () => {
    expect(
      claimAll([
        ['Report.csv', 'file'],
        ['report.CSV', 'file'],
        ['\u00c9t\u00e9.csv', 'file'],
        ['ete.csv', 'file'],
        ['E\u0301te\u0301.csv', 'file'],
        ['ＡＢＣ', 'file'],
        ['abc', 'file'],
        ['x', 'file'],
        ['x ', 'file'],
        ['Straße', 'file'],
        ['STRASSE', 'file'],
      ]),
    ).toEqual(['write Report.csv', 'twin', 'write \u00c9t\u00e9.csv', 'twin', 'twin', 'write ＡＢＣ', 'twin', 'write x', 'twin', 'write Straße', 'twin']);
  });

  it('the same entry twice is a duplicate; the same folder twice (any spelling) is one folder', () => {
    expect(claimAll([['d/x.csv', 'file'], ['d/x.csv', 'file'], ['D', 'directory'], ['d', 'directory']])).toEqual([
      'write d/x.csv',
      'duplicate',
      'write d',
      'write d',
    ]);
  });

  it('every spelling of a folder is the first one, at any depth, so its files cannot collide on any disk', () => {
    expect(
      claimAll([
        ['A', 'directory'],
        ['a/x.csv', 'file'],
        ['A/X.csv', 'file'],
        ['a/B/c/y.csv', 'file'],
        ['A/b/C/z.csv', 'file'],
        ['A/B/C/Y.CSV', 'file'],
      ]),
    ).toEqual(['write A', 'write A/x.csv', 'twin', 'write A/B/c/y.csv', 'write A/B/c/z.csv', 'twin']);
  });

  it('a file and a folder at one path: whichever comes second is a twin, and so is everything below a file', () => {
    expect(claimAll([['Data', 'directory'], ['data', 'file'], ['DATA/in.csv', 'file']])).toEqual(['write Data', 'twin', 'write Data/in.csv']);
    expect(claimAll([['data', 'file'], ['Data', 'directory'], ['DATA/in.csv', 'file'], ['data', 'file']])).toEqual([
      'write data',
      'twin',
      'twin',
      'duplicate',
    ]);
  });

  it('names are compared one by one: a name that folds to nothing or to a separator stays where it is', () => {
    // `．．` folds to `..`, which Files.com drops; `a＼b` folds to `a\b`, a separator: neither moves a file.
    expect(claimAll([['a/．．/x', 'file'], ['a/x', 'file'], ['a＼b', 'file'], ['a/b', 'file']])).toEqual([
      'write a/．．/x',
      'write a/x',
      'write a＼b',
      'write a/b',
    ]);
  });
});
