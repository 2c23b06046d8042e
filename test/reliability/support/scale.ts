/**
 * Sizes of the reliability suite. `RELIABILITY_FULL=1` (what `npm run test:reliability`
 * sets) runs the full form; otherwise the short form that fits `npm test` in CI.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';

/** The short-form value, or the full-form one. */
export function scaled<T>(short: T, full: T): T {
  return FULL ? full : short;
}

/** `short` or `full` for labels and reports. */
export const FORM: 'short' | 'full' = FULL ? 'full' : 'short';

/** Per-test timeout: generous in the full form, bounded in the short form. */
export function timeoutMs(shortMs: number, fullMs = shortMs * 8): number {
  return FULL ? fullMs : shortMs;
}
