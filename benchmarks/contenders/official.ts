/** The official `files.com` npm package, auto-pagination on, as its README shows. */
import Files from 'files.com/lib/Files.js';
import User from 'files.com/lib/models/User.js';
import { env, measure } from './measure.js';

Files.setApiKey(env.apiKey);
Files.setBaseUrl(env.baseUrl);
Files.configureDebugging?.({ debugRequest: false, debugResponseHeaders: false });
Files.setLogLevel?.(Files.LogLevel?.NONE ?? 0);

await measure(async (onRecord) => {
  const users = (await User.list({ per_page: env.perPage })) as unknown[];
  for (let i = 0; i < users.length; i++) onRecord();
  return Math.ceil(env.records / env.perPage);
});
