import { setImmediate as nextTurn } from 'node:timers/promises';

/** Captures unhandled rejections while a test runs. */
export function captureUnhandled(): { readonly reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/**
 * Lets pending callbacks, microtasks and socket closes run. The short sleep is kept on purpose:
 * it backs checks that nothing happens (no unhandled rejection, no handle left open), and a
 * socket's close has no event a test can wait on here.
 */
export async function settle(turns = 5, ms = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await nextTurn();
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (let i = 0; i < turns; i++) await nextTurn();
}

/** Counts of `process.getActiveResourcesInfo()` by type. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** The resource types of which there are more now than in `before` (and how many more). */
export function resourcesAdded(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const added: Record<string, number> = {};
  for (const [type, n] of Object.entries(after)) if (n > (before[type] ?? 0)) added[type] = n - (before[type] ?? 0);
  return added;
}
