import { Command } from 'commander';
import type { CliIo } from '../io.js';
import { nonNegativeInt, rate } from '../option-parsers.js';

interface EmulatorCommandOptions {
  port: number;
  users: number;
  files: number;
  faults?: number;
  latency?: number;
  seed: string;
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
    .option('--faults <rate>', 'share of API requests that fail (429, 500, 503, reset in equal parts)', rate)
    .option('--latency <ms>', 'delay before each API answer', nonNegativeInt)
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
        faults: {
          ...(share ? { rateLimited: share, serverError: share, unavailable: share, connectionReset: share } : {}),
          ...(options.latency ? { latencyMs: options.latency } : {}),
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
