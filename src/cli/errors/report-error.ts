import { CommanderError } from 'commander';
import { FilesApiError } from '../../index.js';
import { ConfigurationError, InvalidParameterError, SyncError } from '../../index.js';
import { CheckpointError } from '../checkpoint/checkpoint-error.js';
import { ExitCode, type ExitCodeValue } from '../exit-code.js';
import { hintFor } from './hint.js';
import { InterruptedError } from './interrupted.js';
import { redact } from './redact.js';
import { UsageError } from './usage-error.js';

/** What the CLI prints for a failure, and the status it exits with. */
export interface ErrorReport {
  readonly exitCode: ExitCodeValue;
  /** Lines for stderr: `error: <message>`, then `type: ...` and `hint: ...` when known. */
  readonly lines: readonly string[];
}

/**
 * Describes a failure for stderr: `error: <message>`, then for an API error its `type:` and
 * HTTP status (said once: not in the message too), then a `hint:`. Usage problems (our `UsageError`, the client's
 * `InvalidParameterError` and `ConfigurationError`), unusable checkpoints (`CheckpointError`)
 * and a sync the destination refuses (`SyncError`: another sync's table, a column of another
 * type) exit 2; a command stopped by a signal (`InterruptedError`) exits 130
 * (SIGINT) or 143 (SIGTERM); anything else exits 1. The secrets are removed from every
 * line, whatever the message says (before its line breaks are joined, so a secret holding
 * one is still found). The CLI prints the lines through its message writer, which also
 * escapes control characters.
 */
export function reportError(err: unknown, secrets: readonly (string | undefined)[]): ErrorReport {
  const usage =
    err instanceof UsageError ||
    err instanceof InvalidParameterError ||
    err instanceof ConfigurationError ||
    err instanceof CheckpointError ||
    (err instanceof SyncError && (err.reason === 'state-mismatch' || err.reason === 'schema-conflict'));
  const message = err instanceof FilesApiError ? withoutStatus(err) : err instanceof Error ? err.message : String(err);
  const lines = [`error: ${oneLine(redact(message, secrets))}`];
  if (err instanceof FilesApiError) lines.push(`type: ${err.type ?? 'unknown'} (HTTP ${err.status})`);
  const hint = err instanceof ConfigurationError && err.option === 'apiKey'
    ? 'set FILESCOM_API_KEY or pass --api-key (files-stream emulator starts a local server with a key)'
    : err instanceof CheckpointError || err instanceof InterruptedError
      ? err.hint
      : hintFor(err);
  if (hint) lines.push(`hint: ${hint}`);
  return {
    exitCode: err instanceof InterruptedError
      ? err.signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated
      : usage || (err instanceof CommanderError && err.exitCode !== 0) ? ExitCode.usage : ExitCode.failure,
    lines: lines.map((line) => redact(line, secrets)),
  };
}

/**
 * An API error's message without its `HTTP 401 (not-authenticated/invalid-credentials): `,
 * which the `type:` line below it says: `users.list: Invalid API key.`, each fact once.
 */
function withoutStatus(err: FilesApiError): string {
  const shown = `HTTP ${err.status}${err.type ? ` (${err.type})` : ''}: `;
  const at = err.message.indexOf(shown);
  return at < 0 ? err.message : err.message.slice(0, at) + err.message.slice(at + shown.length);
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
