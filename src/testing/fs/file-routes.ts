import type { Site } from '../data/site.js';
import { fail } from '../server/errors.js';
import { boolParam, stringParam, timeParam, type Params } from '../server/params.js';
import { emptyReply, jsonReply } from '../server/reply.js';
import type { ApiCall, RouteDef } from '../server/routing.js';
import { fileAttributes, fileRecord, recordView, type FileAttributes } from './file-record.js';
import type { MigrationOperation } from './migrations.js';
import { downloadUrl } from './presigned.js';
import { refuseSpecialPath } from './special-paths.js';
import type { FileEntry } from './store.js';

function entryAt(site: Site, path: string): FileEntry {
  refuseSpecialPath(path);
  const entry = site.files.stat(path);
  if (!entry) fail(404, 'not-found/file-not-found', `${path} not found.`);
  return entry;
}

/**
 * The limits of `custom_metadata`: "Custom metadata map of keys and values. Limited to 32
 * keys, 256 characters per key and 1024 characters per value." (the File model's docs, and
 * the `File.update` parameter's).
 */
const METADATA_LIMITS = { keys: 32, keyLength: 256, valueLength: 1024 } as const;

/**
 * The `custom_metadata` of `PATCH /files/{path}`, or `undefined` when it is not sent. The map
 * sent replaces the record's (`{}`, `null` or an empty form value clears it): the docs give
 * the parameter as the whole "map of keys and values" and document no way to delete one key,
 * which a merge would need. Values "are always stored as text" (Files.com's Custom Metadata
 * docs): numbers and booleans are kept as their text, a null value drops its key. A value
 * that is not a map, or a map holding a list or a map, is a `400
 * bad-request/request-params-invalid`; a map over the documented limits is a `422
 * processing-failure/model-save-error`, and nothing is changed.
 */
function customMetadataParam(params: Params): Record<string, string> | undefined {
  if (!Object.hasOwn(params, 'custom_metadata')) return undefined;
  const raw = params['custom_metadata'];
  if (raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    fail(400, 'bad-request/request-params-invalid', 'custom_metadata must be a map of keys and values.');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') fail(400, 'bad-request/request-params-invalid', `custom_metadata values are text: ${JSON.stringify(key)} holds a ${Array.isArray(value) ? 'list' : 'map'}.`);
    out[key] = String(value);
  }
  const keys = Object.keys(out);
  const chars = (text: string) => [...text].length;
  if (keys.length > METADATA_LIMITS.keys) {
    fail(422, 'processing-failure/model-save-error', `Custom metadata is limited to ${METADATA_LIMITS.keys} keys (${keys.length} sent).`);
  }
  const longKey = keys.find((key) => chars(key) > METADATA_LIMITS.keyLength);
  if (longKey !== undefined) {
    fail(422, 'processing-failure/model-save-error', `Custom metadata keys are limited to ${METADATA_LIMITS.keyLength} characters (${chars(longKey)} in ${JSON.stringify(longKey.slice(0, 32))}...).`);
  }
  const longValue = keys.find((key) => chars(out[key]!) > METADATA_LIMITS.valueLength);
  if (longValue !== undefined) {
    fail(422, 'processing-failure/model-save-error', `Custom metadata values are limited to ${METADATA_LIMITS.valueLength} characters (${chars(out[longValue]!)} for ${JSON.stringify(longValue)}).`);
  }
  return out;
}

/**
 * The priority colors `PATCH /files/{path}` takes. The docs name none ("Priority/Bookmark
 * color of file."); their examples use `red` (File) and `pink` (Priority), and the spec's
 * errors have `processing-failure/invalid-priority-color`, so the API checks the color
 * against a list. The emulator's list: these eight color names, lower case.
 */
export const PRIORITY_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'gray'] as const;

/**
 * The `priority_color` of `PATCH /files/{path}`: `undefined` when it is not sent (the color
 * is kept), null to clear it (`null` or an empty value), else one of {@link PRIORITY_COLORS};
 * any other is a `422 processing-failure/invalid-priority-color`.
 */
function priorityColorParam(params: Params): string | null | undefined {
  if (!Object.hasOwn(params, 'priority_color')) return undefined;
  const raw = params['priority_color'];
  if (raw === null || raw === '') return null;
  const color = stringParam(params, 'priority_color');
  if (color === undefined || !(PRIORITY_COLORS as readonly string[]).includes(color)) {
    fail(422, 'processing-failure/invalid-priority-color', `Invalid priority color ${JSON.stringify(raw)}: one of ${PRIORITY_COLORS.join(', ')}.`);
  }
  return color;
}

/**
 * Routes of `/files` and `/file_actions` except uploads: download, metadata, update, delete,
 * copy, move; and `GET /file_migrations/{id}`, the progress of a copy or move.
 */
export function fileRoutes(site: Site): RouteDef[] {
  const store = site.files;
  const attributes = fileAttributes(site);
  // The spec's FileAction: `{ status: 'pending', file_migration_id }`, the work done in the
  // background (see migrations.ts).
  // Custom metadata and priority colors go with what is copied or moved (file-record.ts).
  const transfer = (kind: MigrationOperation) => (call: ApiCall) => {
    const source = call.pathParams['path'] ?? '';
    refuseSpecialPath(source);
    const destination = stringParam(call.params, 'destination');
    if (!destination) fail(400, 'bad-request/request-params-required', 'Parameter missing: destination');
    refuseSpecialPath(destination);
    const overwrite = boolParam(call.params, 'overwrite');
    const carried = attributes.below(source);
    site.journal.actAs(call.principal);
    const id = site.migrations.start(kind, source, destination, overwrite);
    attributes.carry(id, kind, carried, destination);
    return jsonReply(201, { status: 'pending', file_migration_id: id });
  };
  return [
    {
      method: 'GET',
      path: '/files/{path}',
      handle: (call) => {
        const entry = entryAt(site, call.pathParams['path'] ?? '');
        const view = recordView(call.params, call.origin);
        if (entry.type === 'directory') fail(400, 'bad-request/cannot-download-directory', `${entry.path} is a folder.`);
        const action = stringParam(call.params, 'action');
        if (action === 'stat') return jsonReply(200, fileRecord(site, entry, view));
        const uri = downloadUrl(site, call.origin, entry.path);
        site.journal.read(call.principal, entry.path);
        if (action === 'redirect') return emptyReply(302, { location: uri });
        return jsonReply(200, fileRecord(site, entry, { ...view, downloadUri: uri }));
      },
    },
    {
      method: 'GET',
      path: '/file_actions/metadata/{path}',
      // No `download_uri`: "Provided only in response to a download request" (the File
      // model's docs), which is `GET /files/{path}`.
      handle: (call) => {
        const entry = entryAt(site, call.pathParams['path'] ?? '');
        return jsonReply(200, fileRecord(site, entry, recordView(call.params, call.origin)));
      },
    },
    {
      method: 'PATCH',
      path: '/files/{path}',
      // "Update File/Folder Metadata": `custom_metadata`, `provided_mtime`, `priority_color`
      // (the spec's `PATCH /files/{path}` parameters), all checked before anything changes.
      // A file's `provided_mtime` is written with its content, as an upload's (the copy or
      // move of it keeps it); a folder's is kept with its custom metadata.
      handle: (call) => {
        let entry = entryAt(site, call.pathParams['path'] ?? '');
        const view = recordView(call.params, call.origin);
        const current: FileAttributes = attributes.get(entry);
        const customMetadata = customMetadataParam(call.params) ?? current.customMetadata;
        const color = priorityColorParam(call.params);
        const mtime = timeParam(call.params, 'provided_mtime');
        let providedMtime = current.providedMtime;
        if (mtime !== undefined && entry.type === 'file') entry = store.writeFile(entry.path, entry.content!, { providedMtime: mtime });
        else if (mtime !== undefined) providedMtime = mtime;
        attributes.set(entry, {
          customMetadata,
          priorityColor: color === undefined ? current.priorityColor : color,
          ...(providedMtime === undefined ? {} : { providedMtime }),
        });
        return jsonReply(200, fileRecord(site, entry, view));
      },
    },
    {
      method: 'DELETE',
      path: '/files/{path}',
      handle: ({ pathParams, params, principal }) => {
        const path = pathParams['path'] ?? '';
        refuseSpecialPath(path);
        site.journal.actAs(principal);
        store.remove(path, boolParam(params, 'recursive'));
        attributes.clear(path);
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
