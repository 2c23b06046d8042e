import { inspect } from 'node:util';

/** The API key every emulator and client of the suite uses: distinctive, so a leak is unmistakable. */
export const API_KEY = 'rlb-KEY-9f4e2c7a1d-do-not-leak';
/** A session id (rejected by the emulator) used the same way. */
export const SESSION_ID = 'rlb-SESSION-3b8d6e0f52-do-not-leak';
/** Fragments that must never show either: a leak of part of a value counts too. */
const NEEDLES = [API_KEY, SESSION_ID, '9f4e2c7a1d', '3b8d6e0f52'];

/** Every way a caller might print a value: String, message, stack, JSON, util.inspect (hidden fields too). */
export function renderings(value: unknown): string[] {
  const out: string[] = [];
  const safe = (f: () => string) => {
    try {
      out.push(f());
    } catch {
      // Not every value can be rendered every way (a cycle in JSON): what can be, is scanned.
    }
  };
  safe(() => String(value));
  safe(() => inspect(value, { depth: 12, showHidden: true, getters: true }));
  safe(() => JSON.stringify(value) ?? '');
  if (value instanceof Error) {
    safe(() => value.message);
    safe(() => value.stack ?? '');
    safe(() => JSON.stringify(value, Object.getOwnPropertyNames(value)));
    for (let cause = value.cause, depth = 0; cause !== undefined && depth < 8; cause = (cause as Error).cause, depth++) {
      safe(() => inspect(cause, { depth: 12, showHidden: true }));
    }
  }
  return out;
}

/**
 * Collects everything a test file produced that a user could print or log (errors, hook
 * events as log lines, CLI output, `util.inspect` of clients and listings), and checks at
 * the end that none of it contains the API key or the session id.
 */
export class SecretScan {
  readonly #texts: { label: string; text: string }[] = [];

  /** Adds a value (rendered every way) under a label. */
  add(label: string, value: unknown): void {
    for (const text of typeof value === 'string' ? [value] : renderings(value)) this.#texts.push({ label, text });
  }

  /** How many texts were collected: a scan of nothing proves nothing. */
  get size(): number {
    return this.#texts.length;
  }

  /** Total characters scanned. */
  get chars(): number {
    return this.#texts.reduce((n, t) => n + t.text.length, 0);
  }

  /** Labels of the texts that contain a secret, as is or in an encoding a server may echo it in (see {@link decodeEchoes}). */
  leaks(): string[] {
    return [...new Set(this.#texts.filter((t) => holdsSecret(t.text)).map((t) => t.label))];
  }
}

/** True when `text` holds the API key, the session id or a fragment of either, as is or encoded. */
export function holdsSecret(text: string): boolean {
  if (NEEDLES.some((n) => text.includes(n))) return true;
  // Lower-cased too: a host name is.
  const decoded = decodeEchoes(text).toLowerCase();
  return NEEDLES.some((n) => decoded.includes(n.toLowerCase()));
}

/**
 * `text` with the encodings a server may echo a value in undone, twice over (so a mix of
 * them is undone too): percent-encoding (`%2D`, `+` for a space), JSON `\uXXXX` escapes and
 * HTML character references (`&#45;`, `&#x2d;`, `&amp;`).
 */
export function decodeEchoes(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  let out = text;
  for (let round = 0; round < 2; round++) {
    out = out
      .replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&#x([0-9a-f]{1,6});/gi, (m, h: string) => (parseInt(h, 16) <= 0x10ffff ? String.fromCodePoint(parseInt(h, 16)) : m))
      .replace(/&#(\d{1,7});/g, (m, d: string) => (Number(d) <= 0x10ffff ? String.fromCodePoint(Number(d)) : m))
      .replace(/&(amp|lt|gt|quot|apos);/gi, (_, n: string) => named[n.toLowerCase()]!)
      .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return out;
}

/** One scan per test file (vitest runs each file in its own module graph). */
export const scan = new SecretScan();
