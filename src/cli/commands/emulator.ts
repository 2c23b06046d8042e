import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { EmulatorOptions, TimeLayout } from '../../testing/index.js';
import type { CliIo } from '../io.js';
import { nonNegativeInt, parseInstant, positiveInt, rate } from '../option-parsers.js';

/** The options of `files-stream emulator`, as commander parses them. */
export interface EmulatorCommandOptions {
  port: number;
  users: number;
  files: number;
  actionLogs: number;
  history: number;
  times?: TimeLayout;
  /** `--logs-until`: `'now'` or ms since the epoch. */
  logsUntil?: 'now' | number;
  /** `--log-rate`: records per second. */
  logRate?: number;
  /** `--migration-ms`: how long a folder's copy or move takes. */
  migrationMs?: number;
  faults?: number;
  latency?: number;
  maxConcurrent?: number;
  retryAfter?: number;
  seed: string;
  /** `--https`: serve HTTPS with a self-signed certificate made at start. */
  https?: boolean;
}

/**
 * Commander parser of `--logs-until`: `now` (the emulator's moving clock), or an instant (ms
 * since the epoch): ISO 8601, or relative to now as `--since` takes them (`today`, `24h`).
 */
function logsUntilOption(value: string): 'now' | number {
  if (value.trim().toLowerCase() === 'now') return 'now';
  try {
    return parseInstant(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** Commander parser of `--log-rate`: a finite number of records per second above 0 (fractions allowed). */
function logRateOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError(`expected a number of records per second above 0 (e.g. 50, or 0.5 for one every 2 s), got "${value}"`);
  }
  return n;
}

/** Commander parser of `--times`: `uniform`, or `burst:<share>:<width>[:<at>]`. */
function timesOption(value: string): TimeLayout {
  if (value.trim() === 'uniform') return 'uniform';
  const match = /^burst:([^:]+):([^:]+)(?::([^:]+))?$/.exec(value.trim());
  const [share, width, at] = match ? [Number(match[1]), Number(match[2]), match[3] === undefined ? undefined : Number(match[3])] : [];
  if (!match || !(share! > 0 && share! <= 1) || !(width! > 0 && width! <= 1) || (at !== undefined && !(at >= 0 && at <= 1 - width!))) {
    throw new InvalidArgumentError(`expected uniform or burst:<share>:<width>[:<at>] (shares in 0..1, e.g. burst:0.9:0.05), got "${value}"`);
  }
  return { burst: { share: share!, width: width!, ...(at === undefined ? {} : { at }) } };
}

/** A self-signed certificate of {@link selfSignedCertificate}: PEM texts, and the certificate's file. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
  /** The certificate (PEM) in `dir`: what a client is to trust (`NODE_EXTRA_CA_CERTS`). */
  readonly certPath: string;
}

/**
 * Makes a self-signed certificate for `localhost` and `127.0.0.1` (RSA 2048, 2 days) with
 * `openssl req -x509`, writing `key.pem` and `cert.pem` into `dir`. Throws when openssl is
 * missing or fails.
 */
export async function selfSignedCertificate(dir: string): Promise<SelfSignedCertificate> {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyPath, '-out', certPath];
  await new Promise<void>((resolve, reject) => {
    execFile('openssl', args, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl could not make a self-signed certificate (is openssl installed?): ${(stderr || error.message).trim()}`));
      else resolve();
    });
  });
  return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8'), certPath };
}

/**
 * `files-stream emulator`: serves a local Files.com over HTTP. Prints
 * `FILESCOM_BASE_URL=...` and `FILESCOM_API_KEY=...` on stdout (one line each, ready for
 * `export $(...)` or a parent process to read), then serves until SIGINT or SIGTERM. With
 * `--https` it serves HTTPS with a self-signed certificate made at start (in a temporary
 * folder, removed at the end) and prints a third line, `NODE_EXTRA_CA_CERTS=<its path>`.
 */
export function emulatorCommand(io: CliIo): Command {
  return new Command('emulator')
    .description('serve a local Files.com emulator until Ctrl-C (prints the base URL and key to use; --api-key sets the key it accepts, default emulatorkey)')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', nonNegativeInt, 0)
    .option('--users <n>', 'number of users', nonNegativeInt, 100)
    .option('--files <n>', 'number of files in the folder tree', nonNegativeInt, 200)
    .option('--action-logs <n>', 'number of action logs (one every 5 s from 2024-01-01T00:00:05Z unless --times or --logs-until says otherwise)', nonNegativeInt, 1000)
    .option('--history <n>', 'number of history records (one every 10 s from 2024-01-01T00:00:10Z unless --times or --logs-until says otherwise)', nonNegativeInt, 1000)
    .option('--times <layout>', 'how log times spread over their span: uniform, or burst:<share>:<width>[:<at>] (e.g. burst:0.9:0.05: 90% of the records in 5% of the span)', timesOption)
    .option('--logs-until <when>', 'end every log at <when>: now (the start of the emulator), an ISO 8601 date-time, or a time before now (today, 24h); the last record of each log is at that second, the others before it (default: logs start at 2024-01-01)', logsUntilOption)
    .option('--log-rate <n>', 'records per second each log (action logs, history, the other logs) gains while the emulator runs, dated as they arrive (fractions allowed: 0.5 is one every 2 s)', logRateOption)
    .option('--migration-ms <ms>', 'how long a copy or move of a folder takes (its file migration pending until then; a file is done at once; 0: every one at once; default 1000)', nonNegativeInt)
    .option('--faults <rate>', 'share of API requests that fail (429, 500, 503, reset in equal parts)', rate)
    .option('--latency <ms>', 'delay before each API answer', nonNegativeInt)
    .option('--max-concurrent <n>', 'API requests served at once; more get 429 with Retry-After, as a rate limit would', positiveInt)
    .option('--retry-after <s>', 'Retry-After of every 429 (of --max-concurrent and of --faults), in seconds (default 1)', nonNegativeInt)
    .option('--seed <seed>', 'seed of the generated data', '1')
    .option('--https', 'serve HTTPS with a self-signed certificate for localhost and 127.0.0.1, made with openssl at start; prints NODE_EXTRA_CA_CERTS=<its path> for clients to trust it (the official JS SDK downloads over HTTPS only)')
    .addHelpText(
      'after',
      '\nAPI key: the emulator accepts the key given with --api-key as it is; without it, emulatorkey.\n' +
        'A valid key for the official Files.com SDKs is letters and digits only (A-Z, a-z, 0-9; no\n' +
        'dashes, spaces or other signs): the Python SDK refuses any other key before sending it.\n',
    )
    .action(async (options: EmulatorCommandOptions, command: Command) => {
      // The emulator (and msw, which it loads when installed) is only imported for this command.
      const { createEmulator } = await import('../../testing/index.js');
      const emulator = createEmulator(emulatorOptionsOf(options, explicitApiKey(command)));
      // Listen for the signals before printing: a parent may signal as soon as it reads the URL.
      const stopped = untilSignal(['SIGINT', 'SIGTERM']);
      const certDir = options.https ? await mkdtemp(join(tmpdir(), 'files-stream-emulator-')) : undefined;
      try {
        const tls = certDir ? await selfSignedCertificate(certDir) : undefined;
        const server = await emulator.listen({ port: options.port, ...(tls ? { tls } : {}) });
        io.stdout.write(`FILESCOM_BASE_URL=${server.baseUrl}\nFILESCOM_API_KEY=${emulator.apiKey}\n${tls ? `NODE_EXTRA_CA_CERTS=${tls.certPath}\n` : ''}`);
        await stopped;
        await server.close();
      } finally {
        if (certDir) await rm(certDir, { recursive: true, force: true });
      }
    });
}

/**
 * The `createEmulator` options of parsed command-line options: `--times` sets both layouts,
 * `--faults` splits its rate in four, `--logs-until`, `--log-rate` and `--migration-ms` become
 * `logsUntil`, `logRate` and `migrationMs`.
 *
 * @param apiKey The key given with `--api-key` (the emulator's default when `undefined`).
 */
export function emulatorOptionsOf(options: EmulatorCommandOptions, apiKey?: string): EmulatorOptions {
  const share = (options.faults ?? 0) / 4;
  return {
    seed: options.seed,
    apiKey,
    users: options.users,
    files: options.files,
    actionLogs: options.actionLogs,
    history: options.history,
    ...(options.times ? { actionLogTimes: options.times, historyTimes: options.times } : {}),
    ...(options.logsUntil !== undefined ? { logsUntil: options.logsUntil } : {}),
    ...(options.logRate !== undefined ? { logRate: options.logRate } : {}),
    ...(options.migrationMs !== undefined ? { migrationMs: options.migrationMs } : {}),
    ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
    ...(options.retryAfter !== undefined ? { concurrencyRetryAfter: options.retryAfter } : {}),
    faults: {
      ...(share ? { rateLimited: share, serverError: share, unavailable: share, connectionReset: share } : {}),
      ...(options.latency ? { latencyMs: options.latency } : {}),
      ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
    },
  };
}

/** Resolves on the first of these signals (which then no longer end the process by default). */
function untilSignal(signals: readonly NodeJS.Signals[]): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      for (const s of signals) process.off(s, stop);
      resolve();
    };
    for (const s of signals) process.on(s, stop);
  });
}

/**
 * The key given with `--api-key` on the command line. One from `FILESCOM_API_KEY` is ignored:
 * a real key must never become the emulator's (which prints it).
 */
function explicitApiKey(command: Command): string | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    if (c.getOptionValueSource('apiKey') === 'cli') return c.getOptionValue('apiKey') as string;
  }
  return undefined;
}
