/**
 * A command was used wrongly (unknown operation, bad option value, missing `--out` for
 * `--checkpoint`). The CLI prints its message and exits with status 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
