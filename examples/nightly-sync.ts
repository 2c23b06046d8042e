/**
 * A nightly job: action logs and users into a DuckDB file, exactly once and incrementally.
 * Run it every night (cron, a Kubernetes CronJob): each run adds only what is new; a run
 * killed half-way is finished by the next. See docs/loading-into-a-database.md.
 *
 *   FILESCOM_API_KEY=... node --conditions=files-stream-source --import tsx examples/nightly-sync.ts [files.duckdb]
 */
import { createClient } from 'files-stream';
import { duckdb, sync } from 'files-stream/sync';

const client = createClient(); // FILESCOM_API_KEY and FILESCOM_BASE_URL from the environment
const db = duckdb(process.argv[2] ?? 'files.duckdb');
// The first run starts 30 days back; later runs go on from where the last one ended.
const logs = await sync(client, 'actionLogs', db, { since: Date.now() - 30 * 86_400_000, parallel: 8 });
console.log(`action_logs: ${logs.appended} rows appended, complete up to ${new Date(logs.highWater!).toISOString()}`);
const users = await sync(client, 'users', db);
console.log(`users: ${users.inserted} inserted, ${users.updated} updated, ${users.deleted} deleted`);
