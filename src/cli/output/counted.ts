/**
 * A count and its noun, singular for exactly one: `1 page`, `2 pages`, `0 records`, `1 retry`,
 * `3 retries`. The one way the CLI's summaries, progress lines and errors count things.
 *
 * @param plural The plural when it is not `singular` + `s` (`retries`, `entries`).
 */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
