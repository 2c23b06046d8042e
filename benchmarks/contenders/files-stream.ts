/** files-stream: `for await` over `client.users.list()`, validation from BENCH_VALIDATION. */
import { createClient, type ValidationMode } from 'files-stream';
import { env, measure } from './measure.js';

const validation = (process.env.BENCH_VALIDATION ?? 'passthrough') as ValidationMode;
let requests = 0;
const prefetch = process.env.BENCH_PREFETCH === undefined ? undefined : Number(process.env.BENCH_PREFETCH);
const client = createClient({ apiKey: env.apiKey, baseUrl: env.baseUrl, validation, prefetch, hooks: { afterResponse: () => void requests++ } });

await measure(async (onRecord) => {
  for await (const _user of client.users.list({ per_page: env.perPage })) onRecord();
  return requests;
});
