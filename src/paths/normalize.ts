
/** Both separators Files.com accepts: `/`, and `\` as Windows users type it. */
const SEPARATORS = /[\\/]/;

/**
 * Files.com's canonical form of a path, the one to send: NUL bytes removed, `\` read as
 * `/`, empty, `.` and `..` segments dropped, no leading or trailing slash. Case, accents,
 * Unicode form and white space are kept as given, trailing white space included: this is
 * the official SDKs' `pathNormalizer.normalize`.
 *
 * Files.com drops `..` segments rather than resolving them (`a/b/../c` is `a/b/c`), so a
 * path can never climb above the root. Trailing white space is never trimmed: the API
 * does not trim it either, it refuses a folder name that ends in white space
 * (`bad-request/path-cannot-have-trailing-whitespace`), so trimming here would quietly
 * turn a path the API refuses into another one. Only {@link toComparable} folds it away,
 * to compare paths.
 *
 * @example normalizePath('/../Reports\\2024//./Q1.csv') // 'Reports/2024/Q1.csv'
 * @example normalizePath('Reports /Q1.csv ') // 'Reports /Q1.csv ' (kept: sent as is)
 */
export function normalizePath(path: string): string {
  return names(path).join('/');
}

/** The names of a path as {@link normalizePath} keeps them. */
function names(path: string): string[] {
  return path.replaceAll('\0', '').split(SEPARATORS).filter(isName);
}

/**
 * {@link normalizePath}, then trailing white space trimmed from the path as a whole, for
 * comparison only: the result never ends in white space or a slash (`a/b/ ` is `a/b`, and
 * `a/b/.. ` is `a/b`); white space at the start of a name, or inside it, is kept.
 */
function trimmedForComparison(path: string): string {
  const kept = names(path);
  while (kept.length > 0) {
    const last = (kept.pop() as string).trimEnd();
    if (isName(last)) {
      kept.push(last);
      break;
    }
  }
  return kept.join('/');
}

/**
 * The form in which Files.com compares paths: {@link normalizePath} with trailing white
 * space trimmed, then Unicode NFKC, then the accented Latin letters transliterated to ASCII
 * (`É` → `e`, `ß` → `ss`, see `transliterateLatin`), then lower case, then trailing
 * white space trimmed again. Two paths name the same file or folder on Files.com when their
 * comparable forms are equal. Not for sending: send {@link normalizePath}'s form.
 *
 * Lower-casing is done code point by code point (`Σ` is always `σ`, never the word-final
 * `ς` that `String.prototype.toLowerCase` picks), so a name's last letter compares like
 * any other.
 *
 * @example toComparable('/Équipe/Rapport FINAL.txt ') // 'equipe/rapport final.txt'
 */
export function toComparable(path: string): string {
  // NFKC can make separators and dot names (`＼` → `\`, `．．` → `..`): normalise once more after it.
  const folded = transliterateLatin(trimmedForComparison(trimmedForComparison(path).normalize('NFKC')));
  // Lower-casing can land in the transliterated block (`ẞ` → `ß`): transliterate once more after it.
  return transliterateLatin(lowerCase(folded)).trimEnd();
}

/**
 * Whether two paths name the same file or folder on Files.com (case-insensitive, accents
 * and Unicode forms folded, separators and dot segments normalised).
 *
 * @example pathsEqual('/Reports/Été.csv', 'reports\\ete.CSV') // true
 */
export function pathsEqual(a: string, b: string): boolean {
  return toComparable(a) === toComparable(b);
}

function isName(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..';
}

/** Lower case without `toLowerCase`'s one context rule (final sigma). */
function lowerCase(text: string): string {
  if (!text.includes('Σ')) return text.toLowerCase();
  return Array.from(text, (char) => char.toLowerCase()).join('');
}

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

/**
 * True when a file or folder name ends in white space as Files.com reads it (Ruby's `\s`:
 * space, tab, LF, VT, FF, CR). Files.com refuses such a folder name
 * (`bad-request/path-cannot-have-trailing-whitespace`) and folds the white space away when it
 * compares paths, so a name like this cannot be created as given.
 * @example endsInWhiteSpace('report.csv ') // true
 */
export function endsInWhiteSpace(name: string): boolean {
  return /[ \t\n\v\f\r]$/.test(name);
}
