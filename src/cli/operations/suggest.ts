/**
 * Up to `max` names close to `input`, for "did you mean" messages: those containing it
 * (case-insensitively), then those within two edits of it.
 */
export function suggestNames(input: string, names: readonly string[], max = 5): string[] {
  const wanted = input.toLowerCase();
  const containing = names.filter((n) => n.toLowerCase().includes(wanted));
  const near = names.filter((n) => !containing.includes(n) && editDistance(n.toLowerCase(), wanted) <= 2);
  return [...near, ...containing].slice(0, max);
}

/** Levenshtein distance of two strings. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
