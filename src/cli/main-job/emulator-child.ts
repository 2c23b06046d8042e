import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** An emulator served by a child process (`files-stream emulator`). */
export interface EmulatorChild {
  /** `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** The key it accepts. */
  readonly apiKey: string;
  /** Stops the child (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Options of {@link startEmulatorChild}: the `files-stream emulator` options. */
export interface EmulatorChildOptions {
  readonly users?: number;
  readonly files?: number;
  /** Action logs, ending at the emulator's start (`--logs-until now`). Default: the emulator's 1,000, from 2024-01-01. */
  readonly actionLogsUntilNow?: number;
  /** Give up when the child has not printed its URL after this many ms. Default 30,000. */
  readonly startTimeoutMs?: number;
}

const BIN = fileURLToPath(new URL('../../../bin/files-stream.js', import.meta.url));

/**
 * Starts `files-stream emulator` in a child process, so its CPU and memory are not the
 * caller's, and reads `FILESCOM_BASE_URL=` and `FILESCOM_API_KEY=` from its stdout.
 *
 * @throws Error when the child exits or stays silent before printing both lines.
 */
export async function startEmulatorChild(options: EmulatorChildOptions = {}): Promise<EmulatorChild> {
  const args = [BIN, 'emulator', '--port', '0', '--users', String(options.users ?? 100), '--files', String(options.files ?? 200)];
  if (options.actionLogsUntilNow !== undefined) args.push('--action-logs', String(options.actionLogsUntilNow), '--logs-until', 'now');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const values = await readSettings(child, options.startTimeoutMs ?? 30_000);
    return { baseUrl: values.FILESCOM_BASE_URL!, apiKey: values.FILESCOM_API_KEY!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readSettings(child: ChildProcess, timeoutMs: number): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const values: Record<string, string> = {};
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => finish(new Error(`the emulator printed no base URL within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null): void => finish(new Error(`the emulator exited (status ${code}) before printing its base URL`));
    function finish(err?: Error): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
      if (err) reject(err);
      else resolve(values);
    }
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const match = /^(FILESCOM_BASE_URL|FILESCOM_API_KEY)=(.*)$/.exec(line.trim());
      if (match) values[match[1]!] = match[2]!;
      if (values.FILESCOM_BASE_URL && values.FILESCOM_API_KEY) finish();
    });
  });
}
