import { Command, InvalidArgumentError } from 'commander';
import type { TimeLayout } from '../../testing/index.js';
import type { CliIo } from '../io.js';
import { nonNegativeInt, positiveInt, rate } from '../option-parsers.js';

interface EmulatorCommandOptions {
  port: number;
  users: number;
  files: number;
  actionLogs: number;
  history: number;
  times?: TimeLayout;
  faults?: number;
  latency?: number;
  maxConcurrent?: number;
  retryAfter?: number;
  seed: string;
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

/**
 * `files-stream emulator`: serves a local Files.com over HTTP. Prints
 * `FILESCOM_BASE_URL=...` and `FILESCOM_API_KEY=...` on stdout (one line each, ready for
 * `export $(...)` or a parent process to read), then serves until SIGINT or SIGTERM.
 */
export function emulatorCommand(io: CliIo): Command {
  return new Command('emulator')
    .description('serve a local Files.com emulator until Ctrl-C (prints the base URL and key to use; --api-key sets the key it accepts, default emulator-key)')
    .option('--port <n>', 'TCP port on 127.0.0.1 (0: any free port)', nonNegativeInt, 0)
    .option('--users <n>', 'number of users', nonNegativeInt, 100)
    .option('--files <n>', 'number of files in the folder tree', nonNegativeInt, 200)
    .option('--action-logs <n>', 'number of action logs (one every 5 s from 2024-01-01T00:00:05Z unless --times says otherwise)', nonNegativeInt, 1000)
    .option('--history <n>', 'number of history records (one every 10 s from 2024-01-01T00:00:10Z unless --times says otherwise)', nonNegativeInt, 1000)
    .option('--times <layout>', 'how log times spread over their span: uniform, or burst:<share>:<width>[:<at>] (e.g. burst:0.9:0.05: 90% of the records in 5% of the span)', timesOption)
    .option('--faults <rate>', 'share of API requests that fail (429, 500, 503, reset in equal parts)', rate)
    .option('--latency <ms>', 'delay before each API answer', nonNegativeInt)
    .option('--max-concurrent <n>', 'API requests served at once; more get 429 with Retry-After, as a rate limit would', positiveInt)
    .option('--retry-after <s>', 'Retry-After of every 429 (of --max-concurrent and of --faults), in seconds (default 1)', nonNegativeInt)
    .option('--seed <seed>', 'seed of the generated data', '1')
    .action(async (options: EmulatorCommandOptions, command: Command) => {
      // The emulator (and msw, which it loads when installed) is only imported for this command.
      const { createEmulator } = await import('../../testing/index.js');
      const share = (options.faults ?? 0) / 4;
      const emulator = createEmulator({
        seed: options.seed,
        apiKey: explicitApiKey(command),
        users: options.users,
        files: options.files,
        actionLogs: options.actionLogs,
        history: options.history,
        ...(options.times ? { actionLogTimes: options.times, historyTimes: options.times } : {}),
        ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
        ...(options.retryAfter !== undefined ? { concurrencyRetryAfter: options.retryAfter } : {}),
        faults: {
          ...(share ? { rateLimited: share, serverError: share, unavailable: share, connectionReset: share } : {}),
          ...(options.latency ? { latencyMs: options.latency } : {}),
          ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
        },
      });
      // Listen for the signals before printing: a parent may signal as soon as it reads the URL.
      const stopped = untilSignal(['SIGINT', 'SIGTERM']);
      const server = await emulator.listen({ port: options.port });
      io.stdout.write(`FILESCOM_BASE_URL=${server.baseUrl}\nFILESCOM_API_KEY=${emulator.apiKey}\n`);
      await stopped;
      await server.close();
    });
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
