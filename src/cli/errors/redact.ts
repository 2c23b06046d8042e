import { escapeControl } from '../output/escape-control.js';

/** Shorter values are not treated as secrets (a one-letter test key would mangle every word). */
const MIN_SECRET_LENGTH = 6;

/** What a secret is replaced with. */
export const REDACTED = '***';

/**
 * The forms a secret can take in printed text: as given, JSON-escaped (an error message that
 * quotes a value with `JSON.stringify`; also with `/` as `\/`), percent-encoded (a URL: as
 * `encodeURIComponent` does, as RFC 3986 does with `'` as `%27`, with lower-case hex, and
 * form-encoded with a space as `+`), HTML-escaped (`&#39;`, `&quot;`, `&amp;`, ...),
 * and with its control characters escaped as the CLI prints them. Longest first, so no form
 * is left half-replaced. (The client's own errors are already redacted in every encoding.)
 */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const forms = new Set([secret, json, json.replace(/\//g, '\\/'), html, html.replace(/&#39;/g, '&#x27;'), escapeControl(secret), escapeControl(json)]);
  try {
    const uri = encodeURIComponent(secret);
    const strict = uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const form = new URLSearchParams({ k: secret }).toString().slice(2);
    for (const encoded of [uri, strict, strict.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()), form]) forms.add(encoded);
  } catch {
    // A lone surrogate cannot be percent-encoded: no URL holds that form.
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Removes secrets, in every form {@link secretForms} lists, from text. */
export class Redactor {
  #forms: string[] = [];

  /** @param secrets The values to hide; `undefined`, empty and very short ones are ignored. */
  constructor(secrets: readonly (string | undefined)[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret (ignored when undefined, too short or already known). */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const forms = new Set([...this.#forms, ...secretForms(secret)]);
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  /** True when there is nothing to hide. */
  get empty(): boolean {
    return this.#forms.length === 0;
  }

  /** `text` with every form of every secret replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const form of this.#forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }
}

/** Replaces every occurrence of each secret (in each of its forms) in `text` with `***`. Empty and very short values are ignored. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return new Redactor(secrets).redact(text);
}

/**
 * Option names whose value is a credential, or looks like one when mistyped: `--api-key`,
 * `--apikey`, `--session-id`, `--auth`, `--token`, `--secret`, `--password`.
 */
const CREDENTIAL_OPTION = /^--?[\w-]*(?:key|auth|session|token|secret|passw(?:or)?d)[\w-]*$/i;

/**
 * The values given on the command line to options that carry credentials, read before the
 * command line is parsed (so a parse error cannot echo them): `--api-key KEY`,
 * `--api-key=KEY`, and the same for a mistyped name such as `--apikey=KEY`.
 */
export function secretsInArgv(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!CREDENTIAL_OPTION.test(name)) continue;
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value !== undefined) found.push(value);
  }
  return found;
}

/**
 * The secrets the CLI hides from everything it prints: credentials on the command line
 * (see {@link secretsInArgv}), passwords of database URLs, and `FILESCOM_API_KEY` /
 * `FILESCOM_SESSION_ID` / `PGPASSWORD` from the environment.
 */
export function cliSecrets(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  return [...secretsInArgv(argv), ...databasePasswords(argv), env.FILESCOM_API_KEY, env.FILESCOM_SESSION_ID, env.PGPASSWORD].filter((s): s is string => Boolean(s));
}

/** Passwords in database URLs on the command line (`postgres://user:PASSWORD@host/db`, `?password=`), as given and decoded. */
export function databasePasswords(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (const arg of argv) {
    for (const match of arg.matchAll(/postgres(?:ql)?:\/\/[^/@?#:\s]*:([^/@?#\s]+)@|[?&]password=([^&#\s]+)/gi)) {
      const raw = match[1] ?? match[2]!;
      found.push(raw);
      try {
        found.push(decodeURIComponent(raw));
      } catch {
        // not percent-encoded
      }
    }
  }
  return found;
}
