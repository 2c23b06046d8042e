#!/usr/bin/env node
// The `files-stream` executable. Runs the built CLI (dist/cli/main.js) when present;
// otherwise registers tsx and runs the TypeScript sources, so a fresh clone works without a
// build. FILES_STREAM_FROM_SOURCE=1 forces the sources (the tests set it, so a stale dist/
// never hides a change).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'cli', 'main.js');

if (existsSync(built) && process.env.FILES_STREAM_FROM_SOURCE !== '1') {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'cli', 'main.ts')).href);
}
