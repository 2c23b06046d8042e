import type { Site } from '../data/site.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, timeParam } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { ApiCall, RouteDef } from '../server/routing.js';
import { fileRecord } from './file-record.js';
import { downloadUrl } from './presigned.js';
import type { FileEntry } from './store.js';

function entryAt(site: Site, path: string): FileEntry {
  const entry = site.files.stat(path);
  if (!entry) fail(404, 'not-found/file-not-found', `${path} not found.`);
  return entry;
}

/** Routes of `/files` and `/file_actions` except uploads: download, metadata, update, delete, copy, move. */
export function fileRoutes(site: Site): RouteDef[] {
  const store = site.files;
  let migrations = 0;
  const transfer = (kind: 'copy' | 'move') => (call: ApiCall) => {
    const destination = stringParam(call.params, 'destination');
    if (!destination) fail(400, 'bad-request/request-params-required', 'Parameter missing: destination');
    const overwrite = boolParam(call.params, 'overwrite');
    store[kind](call.pathParams['path'] ?? '', destination, overwrite);
    return jsonReply(201, { status: 'completed', file_migration_id: ++migrations });
  };
  return [
    {
      method: 'GET',
      path: '/files/{path}',
      handle: (call) => {
        const entry = entryAt(site, call.pathParams['path'] ?? '');
        if (entry.type === 'directory') fail(400, 'bad-request/cannot-download-directory', `${entry.path} is a folder.`);
        const action = stringParam(call.params, 'action');
        if (action === 'stat') return jsonReply(200, fileRecord(entry));
        const uri = downloadUrl(site, call.origin, entry.path);
        if (action === 'redirect') return emptyReply(302, { location: uri });
        return jsonReply(200, fileRecord(entry, uri));
      },
    },
    {
      method: 'GET',
      path: '/file_actions/metadata/{path}',
      handle: (call) => {
        const entry = entryAt(site, call.pathParams['path'] ?? '');
        return jsonReply(200, fileRecord(entry, entry.type === 'file' ? downloadUrl(site, call.origin, entry.path) : undefined));
      },
    },
    {
      method: 'PATCH',
      path: '/files/{path}',
      handle: ({ pathParams, params }) => {
        const entry = entryAt(site, pathParams['path'] ?? '');
        const mtime = timeParam(params, 'provided_mtime');
        const updated = entry.type === 'file' && mtime !== undefined ? store.writeFile(entry.path, entry.content!, { providedMtime: mtime }) : entry;
        return jsonReply(200, fileRecord(updated));
      },
    },
    {
      method: 'DELETE',
      path: '/files/{path}',
      handle: ({ pathParams, params }) => {
        store.remove(pathParams['path'] ?? '', boolParam(params, 'recursive'));
        return emptyReply();
      },
    },
    { method: 'POST', path: '/file_actions/copy/{path}', handle: transfer('copy') },
    { method: 'POST', path: '/file_actions/move/{path}', handle: transfer('move') },
  ];
}
