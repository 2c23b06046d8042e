import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../helpers/shared.js';
import { FORM } from './scale.js';

/** Where a run's figures go (`.tmp/` is git-ignored): one folder per form, one file per section. */
export function figuresDir(form: string = FORM): string {
  return join(repoRoot, '.tmp', 'reliability', form);
}

/** Writes one section of figures (test files run in parallel workers: one file each, no merging). */
export async function recordFigures(section: string, figures: object): Promise<void> {
  const path = join(figuresDir(), `${section}.json`);
  await mkdir(dirname(path), { recursive: true });
  const doc = { section, form: FORM, node: process.version, recordedAt: new Date().toISOString(), ...figures };
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
}

/** The figures of one listing run of the fault suite. */
export interface RunFigures {
  name: string;
  records: number;
  pages: number;
  /** Requests the client sent (its `beforeRequest` hook). */
  requests: number;
  /** Retries the client's `beforeRetry` hook saw (refetches included), by reason. */
  retries: number;
  retriesByReason: Record<string, number>;
  /** Of those, pages fetched again because their body broke off (the emulator's truncated bodies). */
  refetches: number;
  /** Faults the emulator injected, by kind. */
  faults: Record<string, number>;
  ms: number;
  /** Time relative to the fault-free run of the same listing. */
  vsFaultFree?: number;
}
