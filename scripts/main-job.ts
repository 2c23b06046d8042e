/**
 * The main job (`npm start`): exports every user to `out/users.ndjson` and the folder tree
 * (a recursive walk of `/`) to `out/tree.ndjson` through the CLI's own `export` and
 * `ls -R --json` code, then syncs the users and the last 30 days of action logs into
 * `out/files.duckdb` (`files-stream/sync`, incrementally: a rerun adds only what is new) and
 * answers one question from it: the five most active users of the last week. Then it prints a
 * report (records, pages, time to first record, records/s, peak memory).
 *
 * Without `FILESCOM_API_KEY` it runs against the embedded emulator (100,000 users, a
 * 10,000-file tree, 100,000 action logs ending now), started in a child process so its CPU and
 * memory are not counted as the exporter's. With `FILESCOM_API_KEY` it runs the same
 * read-only job against the real account (`FILESCOM_BASE_URL`, else https://app.files.com),
 * and says so on stderr before it starts (with how to run against the emulator instead).
 */
import { mkdir } from 'node:fs/promises';
import { createClient, DEFAULT_BASE_URL } from '../src/index.js';
import { exportOperation } from '../src/cli/export/export-operation.js';
import { listFolder } from '../src/cli/ls/list-folder.js';
import { startEmulatorChild, type EmulatorChild } from '../src/cli/main-job/emulator-child.js';
import { realAccountNotice } from '../src/cli/main-job/announce.js';
import { formatReport, type JobLine } from '../src/cli/main-job/report.js';
import { CLI_PER_PAGE } from '../src/cli/global-options.js';
import { openFileSink } from '../src/cli/output/file-sink.js';
import { reportError } from '../src/cli/errors/report-error.js';
import { duckdb, sync } from '../src/sync/index.js';

const USERS = 100_000;
const FILES = 10_000;
const ACTION_LOGS = 100_000;
const OUT_DIR = 'out';
const DAY = 86_400_000;

async function main(): Promise<number> {
  const started = performance.now();
  const realKey = process.env.FILESCOM_API_KEY;
  let emulator: EmulatorChild | undefined;
  const stopEmulator = () => void emulator?.stop();
  process.once('SIGINT', stopEmulator).once('SIGTERM', stopEmulator);
  try {
    if (!realKey) {
      process.stderr.write(`starting the emulator (${USERS} users, ${FILES} files, ${ACTION_LOGS} action logs ending now) in a child process\n`);
      emulator = await startEmulatorChild({ users: USERS, files: FILES, actionLogsUntilNow: ACTION_LOGS });
    }
    const baseUrl = emulator?.baseUrl ?? process.env.FILESCOM_BASE_URL ?? DEFAULT_BASE_URL;
    // Said before anything is sent: a key left in the environment would otherwise export the real account unannounced.
    if (realKey) process.stderr.write(`${realAccountNotice(baseUrl, realKey)}\n`);
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

    // Users and the last 30 days of action logs into a DuckDB file; a rerun adds only what is new.
    const dbOut = `${OUT_DIR}/files.duckdb`;
    const db = duckdb(dbOut);
    const syncStarted = performance.now();
    const logs = await sync(client, 'actionLogs', db, { since: Date.now() - 30 * DAY, parallel: 8 });
    const logsStats = statsOf(logs.appended, logs.pages, performance.now() - syncStarted);
    const usersSyncStarted = performance.now();
    const synced = await sync(client, 'users', db);
    const usersSynced = statsOf(synced.inserted + synced.updated, synced.pages, performance.now() - usersSyncStarted);
    const busiest = await mostActiveUsers(dbOut);

    const lines: JobLine[] = [
      { name: 'users', out: usersOut, stats: users },
      { name: 'tree', out: treeOut, stats: tree },
      { name: 'logs', out: `${dbOut} (action_logs, ${logs.appended} new)`, stats: logsStats },
      { name: 'users', out: `${dbOut} (users: ${synced.inserted} inserted, ${synced.updated} updated, ${synced.deleted} deleted)`, stats: usersSynced },
    ];
    const source = emulator ? `emulator in a child process at ${baseUrl}` : `real account at ${baseUrl}`;
    process.stdout.write(`${formatReport(source, lines, performance.now() - started, process.resourceUsage().maxRSS)}\n`);
    process.stdout.write(`\nMost active users in the last week of the data (from ${dbOut}):\n`);
    for (const row of busiest) process.stdout.write(`  ${String(row.username ?? '(no user)').padEnd(24)} ${String(row.actions).padStart(6)} actions\n`);
    if (busiest.length === 0) process.stdout.write('  (no action logs in the last week)\n');
    process.stdout.write(`Explore it further with any DuckDB client, e.g. SELECT action, count(*) FROM action_logs GROUP BY 1; files-stream sync --status --to ${dbOut} says what each table holds.\n`);
    return 0;
  } catch (err) {
    const report = reportError(err, [realKey]);
    process.stderr.write(`${report.lines.join('\n')}\n`);
    return report.exitCode;
  } finally {
    await emulator?.stop();
  }
}

/** Counters of a sync step, in the report's terms. */
function statsOf(records: number, pages: number, elapsedMs: number) {
  return { records, pages, elapsedMs, firstRecordMs: undefined, recordsPerSecond: elapsedMs > 0 ? (records * 1000) / elapsedMs : 0 };
}

/** The five users with the most actions in the last 7 days of the synced action logs. */
async function mostActiveUsers(path: string): Promise<{ username: unknown; actions: unknown }[]> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll(
      `SELECT username, count(*)::INTEGER AS actions FROM action_logs
       WHERE created_at >= (SELECT max(created_at) FROM action_logs) - INTERVAL 7 DAY
       GROUP BY username ORDER BY actions DESC, username LIMIT 5`,
    );
    return result.getRowObjectsJson() as { username: unknown; actions: unknown }[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

process.exitCode = await main();
