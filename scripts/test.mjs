// `npm test`: the typecheck (`tsc --noEmit`, as `npm run typecheck`) and the tests
// (`vitest run`, with any arguments given) side by side. The typecheck runs at a lower
// priority, in the CPU time the tests leave idle (they wait on child processes, databases and
// servers for much of their run), instead of 11 s before them on this 2-core machine. Its
// errors are printed as soon as it ends, and again after the tests' summary; `npm test` fails
// if either fails.
import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `node ...args` in the repository; resolves with its exit code (1 for a signal). */
function run(args, stdio) {
  const child = spawn(process.execPath, args, { cwd: root, stdio });
  const done = new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
  return { child, done };
}

const typecheck = run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'], ['ignore', 'pipe', 'pipe']);
try {
  setPriority(typecheck.child.pid, 10);
} catch {
  // Not allowed here: it runs at the same priority, and only takes longer.
}
let output = '';
typecheck.child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
typecheck.child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

let testsEnded = false;
typecheck.done.then((code) => {
  if (code !== 0 && !testsEnded) process.stderr.write(`\nThe typecheck failed (the tests go on):\n${output}\n`);
});

const tests = run([join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)], 'inherit');

const testsCode = await tests.done;
testsEnded = true;
const typecheckCode = await typecheck.done;
if (typecheckCode !== 0) {
  process.stderr.write(`${output}\nThe typecheck failed (exit ${typecheckCode}): see the errors above, or run npm run typecheck.\n`);
  process.exit(typecheckCode);
}
process.stdout.write(' Typecheck  passed (tsc --noEmit -p tsconfig.json)\n');
process.exit(testsCode);
