import type { Site } from '../data/site.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, timeParam } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { ApiCall, RouteDef } from '../server/routing.js';
import { fileRecord } from './file-record.js';
import type { MigrationOperation } from './migrations.js';
import { downloadUrl } from './presigned.js';
import type { FileEntry } from './store.js';

function entryAt(site: Site, path: string): FileEntry {
  const entry = site.files.stat(path);
  if (!entry) fail(404, 'not-found/file-not-found', `${path} not found.`);
  return entry;
}

/**
 * Routes of `/files` and `/file_actions` except uploads: download, metadata, update, delete,
 * copy, move; and `GET /file_migrations/{id}`, the progress of a copy or move.
 */
export function fileRoutes(site: Site): RouteDef[] {
  const store = site.files;
  // The spec's FileAction: `{ status: 'pending', file_migration_id }`, the work done in the
  // background (see migrations.ts).
  const transfer = (kind: MigrationOperation) => (call: ApiCall) => {
    const destination = stringParam(call.params, 'destination');
    if (!destination) fail(400, 'bad-request/request-params-required', 'Parameter missing: destination');
    const overwrite = boolParam(call.params, 'overwrite');
    const id = site.migrations.start(kind, call.pathParams['path'] ?? '', destination, overwrite);
    return jsonReply(201, { status: 'pending', file_migration_id: id });
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
      // No `download_uri`: "Provided only in response to a download request" (the File
      // model's docs), which is `GET /files/{path}`.
      handle: (call) => jsonReply(200, fileRecord(entryAt(site, call.pathParams['path'] ?? ''))),
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
    {
      method: 'GET',
      path: '/file_migrations/{id}',
      handle: ({ pathParams }) => {
        const raw = pathParams['id'] ?? '';
        const migration = /^[0-9]+$/.test(raw) ? site.migrations.find(Number(raw)) : undefined;
        // A bare `not-found`, as Files.com answered an unknown migration in the Go SDK's
        // recorded exchange (files-sdk-go filemigration/fixtures/TestClient_Wait.yaml).
        if (!migration) fail(404, 'not-found', 'Not Found');
        return jsonReply(200, migration);
      },
    },
  ];
}
