import type { Command } from 'commander';

/**
 * The one line a usage error ends with: the command's usage and where the rest is,
 * `usage: files-stream export [options] <operation> [pathArgs...] (files-stream export --help for details)`.
 * Printed after the error message instead of the whole help.
 */
export function usageLine(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  const full = names.join(' ');
  return `usage: ${full} ${command.usage()} (${full} --help for details)`;
}
