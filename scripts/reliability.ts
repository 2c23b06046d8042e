// `npm run test:reliability`: runs the reliability suite (test/reliability) in its full form
// (RELIABILITY_FULL=1), then prints the figures of the run as the Markdown table the README's
// "Reliability" section shows. `--short` runs the short form that `npm test` runs.
//
//   npm run test:reliability             # full form: 100,000-record listings, 8 kills per export, ...
//   npm run test:reliability -- --short  # short form (about a minute)
//   npm run test:reliability -- --report # only print the figures of the last run
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunFigures } from '../test/reliability/support/report.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const form = args.includes('--short') ? 'short' : 'full';

type Run = RunFigures;

interface Figures {
  faults?: { users: number; treeFiles: number; perPage: number; runs: Run[]; recordedAt: string; node: string };
  crash?: Record<string, unknown> & { recordedAt: string };
}

let status = 0;
if (!args.includes('--report')) {
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const started = Date.now();
  const result = spawnSync(process.execPath, [vitest, 'run', 'test/reliability'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RELIABILITY_FULL: form === 'full' ? '1' : '0' },
  });
  status = result.status ?? 1;
  process.stdout.write(`\nreliability suite (${form} form): ${status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s\n\n`);
}
process.stdout.write(report(readFigures(form)));
process.exit(status);

function readFigures(which: string): Figures {
  const dir = join(root, '.tmp', 'reliability', which);
  const figures: Record<string, unknown> = {};
  if (!existsSync(dir)) return figures;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    figures[name.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  }
  return figures as Figures;
}

function report(figures: Figures): string {
  const lines: string[] = [];
  const { faults, crash } = figures;
  if (!faults) return `No figures for the ${form} form yet (.tmp/reliability/${form}/): run the suite first.\n`;
  lines.push(
    `Figures of the last ${form} run (${faults.recordedAt.slice(0, 10)}, Node ${faults.node}, emulator over loopback, ` +
      `${faults.perPage} records a page, 10% of API requests failing: 2% each of 429 with Retry-After: 0, HTML 500, 503, connection reset, truncated body):`,
    '',
    '| Run | Records | Requests | Retries | Refetches | Time | vs fault-free |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const r of faults.runs) {
    lines.push(
      `| ${r.name} | ${r.records.toLocaleString('en')} | ${r.requests.toLocaleString('en')} | ${r.retries} | ${r.refetches} | ${(r.ms / 1000).toFixed(2)} s | ${r.vsFaultFree ? `${r.vsFaultFree}x` : '-'} |`,
    );
  }
  if (crash) {
    lines.push('');
    for (const [name, value] of Object.entries(crash)) {
      if (name === 'recordedAt' || name === 'section' || name === 'form' || name === 'node' || typeof value !== 'object' || value === null) continue;
      const v = value as { kills?: unknown[]; users?: number; files?: number; ms?: number; tempFilesLeft?: number; checkpointTempFilesLeft?: number };
      const what = v.users !== undefined ? `${v.users.toLocaleString('en')} records` : `${v.files} files`;
      const left = v.tempFilesLeft ?? v.checkpointTempFilesLeft ?? 0;
      lines.push(`- ${name}: ${what}, killed ${v.kills?.length ?? 0} times with SIGKILL and resumed${v.ms ? ` (${(v.ms / 1000).toFixed(1)} s in all)` : ''}; exactly once; temporary files left: ${left}.`);
    }
  }
  return `${lines.join('\n')}\n`;
}
