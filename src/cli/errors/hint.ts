import { FilesApiError } from '../../index.js';
import { NetworkError, ProxyAuthenticationError, SyncError, TimeoutError } from '../../index.js';

const FAMILY_HINTS: Readonly<Record<string, string>> = {
  'not-authenticated': 'check FILESCOM_API_KEY and FILESCOM_BASE_URL (or --api-key / --base-url)',
  'not-authorized': 'the API key is valid but may not do this: check its permissions (or use a site admin key)',
  'rate-limited': 'Files.com is rate limiting this key: wait a minute and rerun (with --checkpoint, the export resumes), or lower --parallel (export) or --concurrency (ls, download)',
  'not-found': 'check the path or id (files-stream ls <folder> shows what exists)',
  'bad-request': 'check the parameters: files-stream operations lists the operations, --help the options',
  'service-unavailable': 'Files.com is unavailable right now: rerun later (with --checkpoint, the export resumes)',
  'processing-failure': 'Files.com could not process the request: check the parameters, or rerun later',
  'site-configuration': 'the site is configured to refuse this (e.g. IP allow list, disabled API): check the site settings',
};

const SYNC_HINTS: Readonly<Record<SyncError['reason'], string | undefined>> = {
  'driver-missing': 'install the driver next to files-stream (npm install @duckdb/node-api, or pg pg-copy-streams for PostgreSQL), then rerun',
  destination: 'check --to: a file\'s folder must exist and be writable, and a file there must be a database of that kind; a PostgreSQL server must be up, the user, password and database right',
  'in-use': 'rerun when the other sync is done, or without --no-wait to wait for it',
  'state-mismatch': undefined,
  'schema-conflict': undefined,
};

/** A one-line hint for an error, or `undefined` when there is nothing useful to add. */
export function hintFor(err: unknown): string | undefined {
  if (err instanceof FilesApiError) {
    const family = err.type?.split('/')[0] ?? familyOfStatus(err.status);
    return family ? FAMILY_HINTS[family] : undefined;
  }
  if (err instanceof SyncError) return SYNC_HINTS[err.reason];
  if (err instanceof TimeoutError) return 'the server did not answer in time: check FILESCOM_BASE_URL and the network, or rerun';
  if (err instanceof ProxyAuthenticationError) {
    return 'the proxy refused the request for lack of valid credentials: set them in the proxy URL, e.g. HTTPS_PROXY=http://user:pass@host:port (user and password percent-encoded)';
  }
  if (err instanceof NetworkError && err.proxy) return 'could not reach the server through the proxy: check HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) and the network';
  if (err instanceof NetworkError) return 'could not reach the server: check FILESCOM_BASE_URL and the network';
  return undefined;
}

function familyOfStatus(status: number): string | undefined {
  if (status === 401) return 'not-authenticated';
  if (status === 403) return 'not-authorized';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'service-unavailable';
  return undefined;
}
