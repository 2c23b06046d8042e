const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * A byte count in binary units, for people: `0 B`, `812 B`, `1.5 KiB`, `12.3 MiB`,
 * `512 MiB`, `1.0 GiB` (one decimal below 100, none from 100 up).
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0))} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Step up while the value would print as 1024 or more ("1024.0 KiB" is "1.0 MiB").
  while (Math.round(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${UNITS[unit]}`;
}

/** A rate in bytes per second, for people: `2.4 MiB/s`. */
export function formatRate(bytes: number, elapsedMs: number): string {
  return `${formatBytes(elapsedMs > 0 ? (bytes * 1000) / elapsedMs : 0)}/s`;
}
