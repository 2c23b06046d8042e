// A tree download in a child process, for the crash-and-resume test: the parent kills it
// with SIGKILL mid-way and runs it again. Usage (environment: FILESCOM_API_KEY, FILES_STREAM_TEST_LIBRARY):
//   node --import tsx tree-child.ts <baseUrl> <localDir> <chunkDelayMs>
// Each file's body is slowed (every chunk waits chunkDelayMs), so a kill lands mid-file.
import type * as Library from '../../../src/index.js';

// The library as the parent says (FILES_STREAM_TEST_LIBRARY: the test run's build, which loads
// far faster than tsx loads the sources), or else the sources.
const { createClient, downloadTree }: typeof Library = await import(process.env.FILES_STREAM_TEST_LIBRARY ?? '../../../src/index.js');

const [baseUrl, localDir, delayArg] = process.argv.slice(2);
const chunkDelayMs = Number(delayArg ?? 0);

/** The global fetch, with the bodies of presigned downloads trickling in. */
const slowFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = input instanceof Request ? input.url : String(input);
  if (!url.includes('/emulator/download/') || !response.body || chunkDelayMs <= 0) return response;
  const slowed = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        for (let at = 0; at < chunk.byteLength; at += 16 * 1024) {
          await new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
          controller.enqueue(chunk.subarray(at, at + 16 * 1024));
        }
      },
    }),
  );
  return new Response(slowed, { status: response.status, statusText: response.statusText, headers: response.headers });
};

const client = createClient({ baseUrl, fetch: slowFetch, retry: { backoffMs: 5, maxBackoffMs: 50 } });
const result = await downloadTree(client, '', localDir!, {
  concurrency: 4,
  onProgress: (p) => process.stdout.write(`${p.outcome} ${p.path}\n`),
});
process.stdout.write(`DONE ${JSON.stringify({ ...result, errors: result.errors.map((e) => `${e.path}: ${String(e.error)}`) })}\n`);
