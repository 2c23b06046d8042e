import { fstatSync, statSync } from 'node:fs';

/** The terminal facts of a stream, as Node's `process.stdout` / `process.stderr` have them. */
interface MaybeTerminal {
  readonly isTTY?: boolean;
  readonly fd?: number;
}

/**
 * Whether `stdout` writes to the same terminal as `stderr`, so that a progress line drawn on
 * stderr would be drawn over the records printed on stdout. Both must be terminals; then
 * their device numbers (`fstat` `rdev`) are compared: `files-stream ls / > /dev/pts/3` from
 * another terminal is not the same terminal. When one of them was opened as `/dev/tty` (the
 * controlling terminal, whatever it is), or the device cannot be read (no `fstat`, Windows
 * consoles), two terminals are taken to be the same one: no progress line rather than a
 * garbled screen.
 */
export function sameTerminal(stdout: MaybeTerminal, stderr: MaybeTerminal): boolean {
  if (!stdout.isTTY || !stderr.isTTY) return false;
  const out = deviceOf(stdout.fd ?? 1);
  const err = deviceOf(stderr.fd ?? 2);
  if (out === undefined || err === undefined || out === 0 || err === 0 || out === err) return true;
  const controlling = controllingTerminalDevice();
  return controlling !== undefined && (out === controlling || err === controlling);
}

function deviceOf(fd: number): number | undefined {
  try {
    return fstatSync(fd).rdev;
  } catch {
    return undefined;
  }
}

/** The device number of `/dev/tty` (the alias of the controlling terminal), if there is one. */
function controllingTerminalDevice(): number | undefined {
  try {
    return statSync('/dev/tty').rdev;
  } catch {
    return undefined;
  }
}
