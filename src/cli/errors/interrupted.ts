/** The signals that interrupt a command cleanly (a second one ends the process at once). */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** One of {@link INTERRUPT_SIGNALS}. */
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/**
 * A command was stopped by SIGINT (Ctrl-C) or SIGTERM: it sent no request after the signal,
 * finished writing the page in hand, saved its checkpoint and closed its output. The CLI
 * prints the message and the hint and exits with 128 + the signal's number (130, 143), as a
 * shell reports a process the signal ended.
 */
export class InterruptedError extends Error {
  override name = 'InterruptedError';

  constructor(
    /** The signal received. */
    readonly signal: InterruptSignal,
    message = `interrupted by ${signal}`,
    /** What to do about it, printed as the `hint:` line. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Aborts the returned signal on the first SIGINT or SIGTERM (its reason an
 * {@link InterruptedError}), so a command can stop cleanly; the handlers are removed then, so a
 * second signal ends the process at once. `onSignal` runs first (to say what happens).
 * `dispose` removes the handlers when the command ends.
 */
export function abortOnSignals(onSignal?: (signal: InterruptSignal) => void): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handlers = INTERRUPT_SIGNALS.map((name) => [name, () => {
    dispose();
    onSignal?.(name);
    controller.abort(new InterruptedError(name));
  }] as const);
  const dispose = (): void => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
  for (const [name, handler] of handlers) process.on(name, handler);
  return { signal: controller.signal, dispose };
}
