/**
 * ETL in batches: every user, 500 at a time, "loaded" into a destination that takes
 * batches (here a stand-in that counts and checks them). `batch(500)` groups records across
 * page boundaries; memory holds one page and one batch, however many users there are.
 *
 *   FILESCOM_API_KEY=... node --conditions=files-stream-source --import tsx examples/etl-batches.ts
 */
import { createClient, type User } from 'files-stream';

/** A destination that accepts rows in batches (a database, a queue, a warehouse loader). */
interface BatchSink {
  load(rows: readonly { id: number; username: string; email: string | null }[]): Promise<void>;
}

let loaded = 0;
const sink: BatchSink = {
  async load(rows) {
    loaded += rows.length;
  },
};

const client = createClient(); // FILESCOM_API_KEY and FILESCOM_BASE_URL from the environment
let batches = 0;
for await (const batch of client.users.list({ per_page: 1000 }).batch(500)) {
  const rows = batch.map((user: User) => ({ id: user.id!, username: user.username ?? '', email: user.email ?? null }));
  await sink.load(rows);
  batches++;
  console.log(`batch ${batches}: ${rows.length} users (ids ${rows[0]!.id}-${rows.at(-1)!.id})`);
}
console.log(`loaded ${loaded} users in ${batches} batches`);
