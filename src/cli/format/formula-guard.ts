import { cell } from './flatten.js';

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Neutralises a text cell a spreadsheet would run as a formula: one that starts with `=`,
 * `+`, `-`, `@`, a tab or a carriage return gets a leading single quote (`'=1+1`), which
 * spreadsheets show and do not evaluate. Other text is returned as it is.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The CSV text of a value with formulas neutralised: strings (and header names) go through
 * {@link neutraliseFormula}; real JSON numbers (`-5`), booleans, `null`, arrays and objects
 * (written as JSON text, starting with `[` or `{`) are written as {@link cell} writes them.
 * A string that merely looks like a number (`"-5"`) is text and is neutralised.
 */
export function safeCell(value: unknown): string {
  return typeof value === 'string' ? neutraliseFormula(value) : cell(value);
}
