/**
 * The main job (`npm start`): exports every user to `out/users.ndjson` and the folder tree
 * (a recursive walk of `/`) to `out/tree.ndjson` through the CLI's own `export` and
 * `ls -R --json` code, then prints a report (records, pages, time to first record,
 * records/s, peak memory).
 *
 * Without `FILESCOM_API_KEY` it runs against the embedded emulator (100,000 users, a
 * 10,000-file tree), started in a child process so its CPU and memory are not counted as the
 * exporter's. With `FILESCOM_API_KEY` it runs the same read-only export against the real
 * account (`FILESCOM_BASE_URL`, else https://app.files.com).
 */
import { mkdir } from 'node:fs/promises';
import { createClient, DEFAULT_BASE_URL } from '../src/index.js';
import { exportOperation } from '../src/cli/export/export-operation.js';
import { listFolder } from '../src/cli/ls/list-folder.js';
import { startEmulatorChild, type EmulatorChild } from '../src/cli/main-job/emulator-child.js';
import { formatReport, type JobLine } from '../src/cli/main-job/report.js';
import { CLI_PER_PAGE } from '../src/cli/global-options.js';
import { openFileSink } from '../src/cli/output/file-sink.js';
import { reportError } from '../src/cli/errors/report-error.js';

const USERS = 100_000;
const FILES = 10_000;
const OUT_DIR = 'out';

async function main(): Promise<number> {
  const started = performance.now();
  const realKey = process.env.FILESCOM_API_KEY;
  let emulator: EmulatorChild | undefined;
  const stopEmulator = () => void emulator?.stop();
  process.once('SIGINT', stopEmulator).once('SIGTERM', stopEmulator);
  try {
    if (!realKey) {
      process.stderr.write(`starting the emulator (${USERS} users, ${FILES} files) in a child process\n`);
      emulator = await startEmulatorChild({ users: USERS, files: FILES });
    }
    const baseUrl = emulator?.baseUrl ?? process.env.FILESCOM_BASE_URL ?? DEFAULT_BASE_URL;
    const client = createClient({ apiKey: emulator?.apiKey ?? realKey, baseUrl, perPage: CLI_PER_PAGE });
    const progress = Boolean(process.stderr.isTTY);
    await mkdir(OUT_DIR, { recursive: true });

    const usersOut = `${OUT_DIR}/users.ndjson`;
    const users = await exportOperation(
      client,
      { operation: 'users', format: 'ndjson', out: usersOut },
      { stdout: process.stdout, stderr: process.stderr, progress, quiet: false },
    );
    const treeOut = `${OUT_DIR}/tree.ndjson`;
    const tree = await listFolder(client, { path: '/', recursive: true, json: true, concurrency: 8 }, await openFileSink(treeOut), {
      stderr: process.stderr,
      progress,
    });

    const lines: JobLine[] = [
      { name: 'users', out: usersOut, stats: users },
      { name: 'tree', out: treeOut, stats: tree },
    ];
    const source = emulator ? `emulator in a child process at ${baseUrl}` : `real account at ${baseUrl}`;
    process.stdout.write(`${formatReport(source, lines, performance.now() - started, process.resourceUsage().maxRSS)}\n`);
    return 0;
  } catch (err) {
    const report = reportError(err, [realKey]);
    process.stderr.write(`${report.lines.join('\n')}\n`);
    return report.exitCode;
  } finally {
    await emulator?.stop();
  }
}

process.exitCode = await main();
