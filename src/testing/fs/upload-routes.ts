import type { JsonRecord } from '../data/collection.js';
import type { Site } from '../data/site.js';
import { modelExample } from '../data/spec-facts.js';
import { isoSeconds } from '../data/time.js';
import { fail } from '../server/errors.js';
import { boolParam, intParam, stringParam, timeParam, type Params } from '../server/params.js';
import { jsonReply, type Reply } from '../server/reply.js';
import type { ApiCall, RouteDef } from '../server/routing.js';
import { fileAttributes, fileRecord } from './file-record.js';
import { uploadUrl } from './presigned.js';
import { refuseSpecialPath } from './special-paths.js';
import type { UploadSession } from './uploads.js';

/** Most parts an upload may have (`available_parts`). */
const MAX_PARTS = 10_000;

/** The FileUploadPart record of one part: where and how to send its bytes. */
function partRecord(site: Site, call: ApiCall, session: UploadSession, part: number): JsonRecord {
  const { uploadPartSize, urlTtlSeconds, now } = site.options;
  const record: JsonRecord = {
    ...modelExample('FileUploadPart'),
    send: { partsize: 'required-parts', partdata: 'body' },
    action: 'multipart',
    ask_about_overwrites: false,
    available_parts: MAX_PARTS,
    expires: isoSeconds(now() + urlTtlSeconds * 1000),
    headers: {},
    http_method: 'PUT',
    next_partsize: uploadPartSize,
    parallel_parts: true,
    retry_parts: true,
    parameters: {},
    part_number: part,
    partsize: uploadPartSize,
    path: session.path,
    ref: session.ref,
    upload_uri: uploadUrl(site, call.origin, session.ref, part),
  };
  delete record['direct_connection_info'];
  return record;
}

/** Opens an upload (or continues the one named by `ref`) and checks the destination. */
function sessionFor(site: Site, path: string, params: Params): UploadSession {
  const ref = stringParam(params, 'ref');
  if (ref) {
    const session = site.uploads.get(ref);
    if (!session) fail(404, 'not-found/file-upload-not-found', `Upload ${ref} not found.`);
    return session;
  }
  const mkdirParents = boolParam(params, 'mkdir_parents');
  site.files.checkWritable(path, mkdirParents);
  return site.uploads.open(path, mkdirParents);
}

function partNumber(params: Params, fallback: number): number {
  const part = intParam(params, 'part') ?? fallback;
  if (!Number.isInteger(part) || part < 1 || part > MAX_PARTS) fail(400, 'bad-request/part-number-too-large', `part must be between 1 and ${MAX_PARTS}.`);
  return part;
}

/** `action: "end"`: assembles the parts in order into the file. */
function endUpload(site: Site, path: string, params: Params): Reply {
  const ref = stringParam(params, 'ref');
  if (!ref) fail(400, 'bad-request/request-params-required', 'Parameter missing: ref');
  const session = site.uploads.get(ref);
  if (!session) fail(404, 'not-found/file-upload-not-found', `Upload ${ref} not found.`);
  const bytes = site.uploads.assemble(session);
  if (!(bytes instanceof Uint8Array)) fail(400, 'bad-request/invalid-upload-part-gap', `Part ${bytes.missing} was never uploaded.`);
  const mkdirParents = params['mkdir_parents'] === undefined ? session.mkdirParents : boolParam(params, 'mkdir_parents');
  const entry = site.files.writeFile(path || session.path, { kind: 'bytes', bytes }, {
    mkdirParents,
    providedMtime: timeParam(params, 'provided_mtime'),
  });
  // The file written is a new record (the emulator dates it anew): it starts without the
  // custom metadata or priority color of the one it replaces.
  fileAttributes(site).clear(entry.path);
  site.uploads.close(ref);
  return jsonReply(201, fileRecord(site, entry));
}

/**
 * The upload flow as the official SDKs drive it: `POST /files/{path}` with `action: "put"`
 * (then `part` + `ref` for each part) answers a FileUploadPart whose `upload_uri` takes a
 * `PUT` of the bytes; `action: "end"` + `ref` writes the file. `POST
 * /file_actions/begin_upload/{path}` answers `parts` parts at once. Neither takes a path below
 * `_/RemoteServers`, `_/Snapshots` or `_/Sites` (special-paths.ts).
 */
export function uploadRoutes(site: Site): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/files/{path}',
      handle: (call) => {
        const path = call.pathParams['path'] ?? '';
        refuseSpecialPath(path);
        const action = stringParam(call.params, 'action');
        site.journal.actAs(call.principal);
        if (action === 'end') return endUpload(site, path, call.params);
        if (action !== 'put') fail(400, 'bad-request/request-params-invalid', 'action must be "put" or "end".');
        const session = sessionFor(site, path, call.params);
        return jsonReply(201, partRecord(site, call, session, partNumber(call.params, 1)));
      },
    },
    {
      method: 'POST',
      path: '/file_actions/begin_upload/{path}',
      handle: (call) => {
        const path = call.pathParams['path'] ?? '';
        refuseSpecialPath(path);
        const session = sessionFor(site, path, call.params);
        const first = partNumber(call.params, 1);
        const count = Math.min(Math.max(intParam(call.params, 'parts') ?? 1, 1), MAX_PARTS - first + 1);
        return jsonReply(200, Array.from({ length: count }, (_, i) => partRecord(site, call, session, first + i)));
      },
    },
  ];
}
