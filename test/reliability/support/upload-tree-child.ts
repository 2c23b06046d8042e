// A tree upload in a child process, for the upload kill test: the parent kills it with
// SIGKILL mid-way and runs it again. Usage (environment: FILESCOM_API_KEY, FILES_STREAM_TEST_LIBRARY):
//   node --import tsx upload-tree-child.ts <baseUrl> <localDir> <remoteDir> <partDelayMs>
// Each part's bytes wait partDelayMs before they are sent, so a kill lands mid-file (an
// upload opened, some of its parts sent, not completed). Prints `uploaded <path>` and
// `sending <path>` lines as they happen, then `DONE <result>`.
import type * as Library from '../../../src/index.js';

// The library as the parent says (FILES_STREAM_TEST_LIBRARY: the test run's build, which loads
// far faster than tsx loads the sources), or else the sources.
const { createClient, uploadTree }: typeof Library = await import(process.env.FILES_STREAM_TEST_LIBRARY ?? '../../../src/index.js');

const [baseUrl, localDir, remoteDir, delayArg] = process.argv.slice(2);
const partDelayMs = Number(delayArg ?? 0);

/** The global fetch, with each presigned part upload held back a little. */
const slowFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (url.includes('/emulator/upload/') && partDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, partDelayMs));
  return fetch(input, init);
};

const client = createClient({ baseUrl, fetch: slowFetch, retry: { backoffMs: 5, maxBackoffMs: 50 } });
const result = await uploadTree(client, localDir!, remoteDir!, {
  concurrency: 4,
  onProgress: (p) => {
    if (p.outcome === 'uploaded' || p.outcome === 'sending') process.stdout.write(`${p.outcome} ${p.path}\n`);
  },
});
process.stdout.write(`DONE ${JSON.stringify({ ...result, errors: result.errors.map((e) => `${e.path}: ${String(e.error)}`) })}\n`);
