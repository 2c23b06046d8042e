/**
 * The letters Files.com transliterates: Latin-1 Supplement and Latin Extended-A
 * (U+00C0 to U+017F). Files.com's published table (the one the official SDKs copy) covers
 * exactly this block, so letters outside it (`ǎ`, `ế`, `ṃ`) are left alone: stripping
 * their marks too would make two paths equal here that Files.com keeps apart.
 */
const TRANSLITERATED_BLOCK = /[\u00C0-\u017F]/g;

/** Combining Diacritical Marks, as `normalize('NFD')` splits them off a base letter. */
const COMBINING_MARKS = /[\u0300-\u036F]/g;

/**
 * The letters of that block that carry no separable accent, so `NFD` cannot take them
 * apart. Everything else in the block either decomposes to an ASCII letter plus marks
 * (`é`, `ą`, `İ`, `Ÿ`) or is deliberately kept as it is, as the conformance vectors
 * require: `Þ þ Ŋ ŋ Ŧ ŧ` (only lower-cased), `ı`, `ĸ`, `×`, `÷`. (`Ĳ ĳ Ŀ ŀ ŉ ſ` never get
 * here: NFKC has already rewritten them as `IJ ij L· l· ʼn s`.)
 */
const UNDECOMPOSABLE: Readonly<Record<string, string>> = {
  Æ: 'AE',
  æ: 'ae',
  Œ: 'OE',
  œ: 'oe',
  ß: 'ss',
  Ð: 'D',
  ð: 'd',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  Ł: 'L',
  ł: 'l',
  Ø: 'O',
  ø: 'o',
};

/**
 * Replaces the accented Latin letters of U+00C0 to U+017F with their ASCII spelling
 * (`É` → `E`, `ą` → `a`, `ß` → `ss`, `Æ` → `AE`), case preserved, as Files.com does when it
 * compares paths. Any other character, combining marks included, is left unchanged.
 */
export function transliterateLatin(text: string): string {
  return text.replace(
    TRANSLITERATED_BLOCK,
    (letter) => UNDECOMPOSABLE[letter] ?? letter.normalize('NFD').replace(COMBINING_MARKS, ''),
  );
}
