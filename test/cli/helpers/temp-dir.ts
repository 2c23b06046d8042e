import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory and its removal. */
export async function tempDir(prefix = 'files-stream-cli-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Parses NDJSON text: one JSON value per non-empty line (throws on an invalid line). */
export function parseNdjson<T = Record<string, unknown>>(text: string): T[] {
  if (text !== '' && !text.endsWith('\n')) throw new Error('NDJSON output does not end with a newline');
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as T);
}
