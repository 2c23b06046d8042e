import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared` beside the repository: the spec and conformance vectors live there, never in the repo. */
export const sharedDir = join(repoRoot, '..', 'shared');

/** True when `../shared/<rel>` exists; tests that need it skip (and say so) otherwise. */
export function hasShared(rel: string): boolean {
  return existsSync(join(sharedDir, rel));
}

/** Reads a JSON file from `../shared`. */
export function readShared<T>(rel: string): T {
  return JSON.parse(readFileSync(join(sharedDir, rel), 'utf8')) as T;
}
