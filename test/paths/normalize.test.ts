import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { normalizePath, pathsEqual, toComparable } from '../../src/paths/normalize.js';
import { transliterateLatin } from '../../src/paths/normalize.js';

const conformanceDir = fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));
const vectorsFile = join(conformanceDir, 'normalization_for_comparison_test_data.json');
const vectors: [string, string][] = existsSync(vectorsFile)
  ? JSON.parse(readFileSync(vectorsFile, 'utf8'))
  : [];

describe.skipIf(!existsSync(conformanceDir))(
  'normalization_for_comparison_test_data.json (skipped: ../shared/conformance not found)',
  () => {
    it('holds the 49 vectors', () => {
      expect(vectors).toHaveLength(49);
    });

    it.each(vectors)('toComparable(%j) is %j', (input, expected) => {
      expect(toComparable(input)).toBe(expected);
    });

    it.each(vectors)('%j and %j are the same path, and the expected form is stable', (input, expected) => {
      expect(pathsEqual(input, expected)).toBe(true);
      expect(toComparable(expected)).toBe(expected);
      expect(toComparable(normalizePath(input))).toBe(expected);
    });
  },
);

describe('normalizePath', () => {
  it.each([
    ['/../../remote\\path//./to/file.txt', 'remote/path/to/file.txt'],
    ['remote/../path/to/file.txt', 'remote/path/to/file.txt'],
    ['/Reports/Été/Q1.CSV', 'Reports/Été/Q1.CSV'],
    ['a/b/', 'a/b'],
    ['a/b/ ', 'a/b/ '], // trailing white space is kept, as the official SDKs' normalize keeps it (the API refuses it)
    ['a/b/.. \t', 'a/b/.. \t'],
    ['a/b/c.txt\r\n', 'a/b/c.txt\r\n'],
    [' leading space/ x', ' leading space/ x'],
    ['a\0b/c', 'ab/c'],
    ['three/.../dots', 'three/.../dots'],
    ['', ''],
    ['/', ''],
    ['./..', ''],
  ])('normalizePath(%j) is %j', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it('keeps the Unicode form it is given', () => {
    const decomposed = 'e\u0301.txt';
    expect(normalizePath(`/${decomposed}`)).toBe(decomposed);
  });
});

describe('toComparable', () => {
  it('folds NFC and NFD spellings together', () => {
    expect(pathsEqual('caf\u00e9', 'cafe\u0301')).toBe(true);
    expect(toComparable('Caf\u00c9')).toBe('cafe');
  });

  it('lower-cases sigma the same wherever it stands', () => {
    expect(toComparable('ΟΔΟΣ')).toBe('οδοσ');
    expect(pathsEqual('ΟΔΟΣ/ΣΑΣ', 'οδοσ/σασ')).toBe(true);
  });

  it('leaves letters outside Latin-1 Supplement and Latin Extended-A as they are', () => {
    expect(toComparable('Ǎ-ế-ṃ')).toBe('ǎ-ế-ṃ');
  });

  it('keeps combining marks and variation selectors that are not on an accented Latin letter', () => {
    expect(toComparable('ば')).toBe('ば');
    expect(toComparable('ば'.normalize('NFD'))).toBe('ば');
    expect(toComparable('❤️')).toBe('❤️');
  });

  it('tells different paths apart', () => {
    expect(pathsEqual('a/b', 'a/bc')).toBe(false);
    expect(pathsEqual('a b', 'ab')).toBe(false);
    expect(pathsEqual(' a', 'a')).toBe(false);
  });
});

describe('transliterateLatin', () => {
  it('keeps case and replaces letters that do not decompose from its table', () => {
    expect(transliterateLatin('Æsir Œuvre Straße Łódź Ørsted Đakovo Ħamrun Ðe')).toBe(
      'AEsir OEuvre Strasse Lodz Orsted Dakovo Hamrun De',
    );
  });

  it('leaves Þ, Ŋ, Ŧ, ı and ĸ alone', () => {
    expect(transliterateLatin('ÞþŊŋŦŧıĸ')).toBe('ÞþŊŋŦŧıĸ');
  });
});
