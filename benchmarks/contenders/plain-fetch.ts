/** The limit: a plain `fetch` + `JSON.parse` cursor loop, one page after the other. */
import { env, measure } from './measure.js';

await measure(async (onRecord) => {
  let cursor: string | null = null;
  let requests = 0;
  do {
    const qs: string = `per_page=${env.perPage}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res: Response = await fetch(`${env.baseUrl}/api/rest/v1/users?${qs}`, { headers: { 'X-FilesAPI-Key': env.apiKey } });
    requests++;
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const users = JSON.parse(await res.text()) as unknown[];
    for (let i = 0; i < users.length; i++) onRecord();
    cursor = res.headers.get('x-files-cursor-next');
  } while (cursor);
  return requests;
});
