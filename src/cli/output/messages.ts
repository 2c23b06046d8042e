import type { Writable } from 'node:stream';
import { Redactor } from '../errors/redact.js';
import { escapeControl, escapeLines } from './escape-control.js';

/**
 * The one way the CLI prints anything that is not exported data: errors, warnings,
 * summaries, per-file error lists, retry lines, progress labels, `ls` text and the argument
 * parser's messages and help. Every text is redacted (the API key and session id, in every
 * form, see `secretForms`) and its control characters escaped (see `escapeControl`), so
 * neither a secret nor a hostile name or server message reaches the terminal as is.
 */
export interface MessageWriter {
  /** Writes one line on stderr; a line feed inside `text` is escaped, not a line break. */
  line(text: string): void;
  /** Writes text of several lines (help, usage) on stdout or stderr; its line feeds are kept. */
  text(to: 'stdout' | 'stderr', text: string): void;
  /** One line made printable: redacted, every control character escaped. */
  clean(text: string): string;
  /** Hides this secret too from now on (a key known only once the command line is parsed). */
  addSecret(secret: string | undefined): void;
}

/** Where a {@link MessageWriter} writes. */
export interface MessageStreams {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/**
 * A writer over `streams` that hides `secrets`. Redaction runs before and after escaping,
 * so a secret holding control characters is found both as it is and as it would be printed.
 */
export function createMessageWriter(streams: MessageStreams, secrets: readonly (string | undefined)[] = []): MessageWriter {
  const redactor = new Redactor(secrets);
  const clean = (text: string): string => redactor.redact(escapeControl(redactor.redact(text)));
  return {
    line(text) {
      streams.stderr.write(`${clean(text)}\n`);
    },
    text(to, text) {
      streams[to].write(redactor.redact(escapeLines(redactor.redact(text))));
    },
    clean,
    addSecret: (secret) => redactor.add(secret),
  };
}
