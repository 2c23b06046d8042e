/**
 * Characters that can drive a terminal or fake a line: C0 controls (line feed and tab
 * included), DEL, C1 controls (U+0080-U+009F, `\x9b` being a one-byte CSI), the Unicode line
 * and paragraph separators and the bidirectional overrides and isolates.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Makes text safe to print on one terminal line: every control character (see above) is
 * written as a visible escape (`\n`, `\r`, `\t`, `\x1b`, `\x9b`, `\u202e`), so a file name
 * or server message cannot clear the screen, move the cursor, set the window title or start
 * a fake line. Printable text, backslashes included, is left as it is: this is for safety,
 * not a reversible encoding.
 */
export function escapeControl(text: string): string {
  return CONTROL_TEST.test(text) ? text.replace(CONTROL, visible) : text;
}

/** Like {@link escapeControl}, but keeps the line feeds that separate lines (for help text). */
export function escapeLines(text: string): string {
  return CONTROL_TEST.test(text) ? text.split('\n').map(escapeControl).join('\n') : text;
}
