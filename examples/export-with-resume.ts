/**
 * Export with resume: every user to an NDJSON file, page by page, saving the next page's
 * cursor (and the file size) after each page. Run it again after a crash or Ctrl-C and it
 * continues from the saved cursor: records already written are not written again.
 *
 *   FILESCOM_API_KEY=... node --conditions=files-stream-source --import tsx \
 *     examples/export-with-resume.ts [--out users.ndjson] [--pages N]
 *
 * `--pages N` stops after N pages, to try the resume. The saved state names the site it was
 * read from: a cursor means nothing to another site, so a rerun against another
 * FILESCOM_BASE_URL is refused. (The CLI's `export --checkpoint` does the same with fsync,
 * atomic saves and a lock: `files-stream export users --out f --checkpoint c`.)
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, rename, truncate, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createClient } from 'files-stream';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'users.ndjson' }, pages: { type: 'string' } },
});
const out = values.out!;
const stateFile = `${out}.cursor.json`;
const maxPages = values.pages === undefined ? Infinity : Number(values.pages);

/** What is saved after each page: where to continue and how much of the file is complete. */
interface SavedState {
  /** The site the cursor belongs to. */
  site: string;
  cursor: string | null;
  bytes: number;
  records: number;
}

const client = createClient(); // FILESCOM_API_KEY and FILESCOM_BASE_URL from the environment
const site = client.info.baseUrl;
const saved: SavedState | undefined = existsSync(stateFile) ? JSON.parse(await readFile(stateFile, 'utf8')) : undefined;
if (saved && saved.site !== site) {
  console.error(`${stateFile} was saved for ${saved.site ?? 'an unknown site'}, not ${site}: set FILESCOM_BASE_URL to it, or delete ${stateFile} and ${out} to start over`);
  process.exit(2);
}
if (saved && saved.cursor === null) {
  console.log(`already complete: ${saved.records} users in ${out}`);
  process.exit(0);
}
if (saved) await truncate(out, saved.bytes); // drop a page written after the last save
else await writeFile(out, '');

const users = client.users.list({ per_page: 1000 }, saved ? { startCursor: saved.cursor! } : {});
let { bytes, records } = saved ?? { bytes: 0, records: 0 };
let pages = 0;
for await (const page of users.pages()) {
  const text = page.items.map((user) => `${JSON.stringify(user)}\n`).join('');
  await appendFile(out, text);
  bytes += Buffer.byteLength(text);
  records += page.items.length;
  const state: SavedState = { site, cursor: page.nextCursor ?? null, bytes, records };
  await writeFile(`${stateFile}.tmp`, JSON.stringify(state));
  await rename(`${stateFile}.tmp`, stateFile); // atomic: the old state or the new one, never half
  if (++pages >= maxPages && page.nextCursor) {
    console.log(`stopped after ${pages} ${pages === 1 ? 'page' : 'pages'}: ${records} users in ${out}; run again to continue`);
    process.exit(0);
  }
}
console.log(`${saved ? 'resumed and finished' : 'finished'}: ${records} users in ${out}`);
