// Issue #19 point 10, the command line: `files-stream emulator --logs-until now --log-rate 50`.
// In this process: the flags are parsed by the command itself (its action replaced, so it does
// not serve) and turned into `createEmulator` options by the function the action uses.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { emulatorCommand, emulatorOptionsOf, type EmulatorCommandOptions } from '../../src/cli/commands/emulator.js';
import { createEmulator } from '../../src/testing/index.js';
import { runInProcess } from '../helpers/cli-in-process.js';

const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, stderrIsTTY: false };

/** The options the command's parser produces for `args`. */
async function parsed(args: string[]): Promise<EmulatorCommandOptions> {
  const command = emulatorCommand(io).exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let options: EmulatorCommandOptions | undefined;
  command.action((opts: EmulatorCommandOptions) => void (options = opts));
  await command.parseAsync(args, { from: 'user' });
  return options!;
}

describe('files-stream emulator --logs-until / --log-rate', () => {
  it('documents both flags in --help', async () => {
    const run = await runInProcess(['emulator', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--logs-until <when>\s+[^\n]*now/);
    expect(run.stdout).toMatch(/--log-rate <n>\s+[^\n]*per second/);
  });

  it('turns them into logsUntil and logRate', async () => {
    const now = await parsed(['--logs-until', 'now', '--log-rate', '50']);
    expect(emulatorOptionsOf(now)).toMatchObject({ logsUntil: 'now', logRate: 50 });
    const dated = await parsed(['--logs-until', '2025-01-31T23:59:59Z', '--log-rate', '0.5']);
    expect(emulatorOptionsOf(dated)).toMatchObject({ logsUntil: Date.parse('2025-01-31T23:59:59Z'), logRate: 0.5 });
    const plain = emulatorOptionsOf(await parsed([]));
    expect('logsUntil' in plain || 'logRate' in plain || 'migrationMs' in plain).toBe(false);
    expect(emulatorOptionsOf(await parsed(['--migration-ms', '0']))).toMatchObject({ migrationMs: 0 });
    // The options make an emulator whose logs end at its clock.
    const clock = Date.parse('2025-06-15T12:34:56.789Z');
    const emulator = createEmulator({ ...emulatorOptionsOf(now), now: () => clock });
    expect(new Date(emulator.timeline('actionLogs').timeOf(1000)).toISOString()).toBe('2025-06-15T12:34:56.000Z');
  });

  it.each([
    [['--log-rate', '0'], /--log-rate.*expected a number of records per second above 0/],
    [['--log-rate', 'fast'], /--log-rate.*expected a number of records per second above 0/],
    [['--logs-until', 'tomorrow'], /--logs-until.*is not an ISO 8601 date or date-time .*, now, today, yesterday, or a time ago/],
  ])('refuses %j (exit 2)', async (args, message) => {
    const run = await runInProcess(['emulator', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
