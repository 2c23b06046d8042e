/**
 * Download a folder tree: every file below a remote folder into a local folder, four at a
 * time, with a line per file. Files already there and unchanged are skipped, so running it
 * again resumes an interrupted download.
 *
 *   FILESCOM_API_KEY=... node --conditions=files-stream-source --import tsx \
 *     examples/download-tree.ts <remote-folder> <local-dir>
 */
import { parseArgs } from 'node:util';
import { createClient, downloadTree } from 'files-stream';

const { positionals } = parseArgs({ allowPositionals: true });
const [remote = '/', localDir = 'downloads'] = positionals;

const client = createClient(); // FILESCOM_API_KEY and FILESCOM_BASE_URL from the environment
const result = await downloadTree(client, remote, localDir, {
  concurrency: 4,
  onProgress: (p) => console.log(`${p.outcome.padEnd(10)} ${p.path}`),
});
console.log(`downloaded ${result.downloaded}, skipped ${result.skipped}, failed ${result.failed}, refused ${result.refused} (${result.bytes} bytes)`);
for (const { path, error } of result.errors) console.error(`  ${path}: ${error instanceof Error ? error.message : String(error)}`);
process.exitCode = result.failed + result.refused > 0 ? 1 : 0;
