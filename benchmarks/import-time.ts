/**
 * Start-up cost: wall time of fresh `node` processes that do nothing, `import('files-stream')`
 * (the built package, through its own `exports`), import the official `files.com` package,
 * and run `files-stream --help` (the built CLI). Rounds interleave the four, so drift on a
 * shared machine hits all of them alike; medians are reported.
 *
 * Run: `npx tsx benchmarks/import-time.ts [--rounds 15]` (prints one JSON line; needs `npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchDir } from './lib/child.js';
import { median } from './lib/stats.js';

const root = join(benchDir, '..');
const args = process.argv.slice(2);
const ROUNDS = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 15);

const cases = {
  empty: ['--input-type=module', '-e', ''],
  filesStream: ['--input-type=module', '-e', "await import('files-stream')"],
  official: ['--input-type=module', '-e', "await import('files.com')"],
  cliHelp: [join(root, 'bin', 'files-stream.js'), '--help'],
} as const;

/** Wall time of one process, in ms. */
function time(argv: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, { cwd: root, stdio: 'ignore', env: { ...process.env, FILES_STREAM_FROM_SOURCE: '' } });
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

const samples: Record<keyof typeof cases, number[]> = { empty: [], filesStream: [], official: [], cliHelp: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, argv] of Object.entries(cases) as [keyof typeof cases, readonly string[]][]) samples[name].push(time(argv));
}
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, Math.round(median(v) * 10) / 10])) as Record<keyof typeof cases, number>;
console.log(
  JSON.stringify({
    bench: 'import-time',
    rounds: ROUNDS,
    medianMs: med,
    overEmptyMs: {
      filesStream: Math.round((med.filesStream - med.empty) * 10) / 10,
      official: Math.round((med.official - med.empty) * 10) / 10,
      cliHelp: Math.round((med.cliHelp - med.empty) * 10) / 10,
    },
  }),
);
