/**
 * The paths Files.com reads as something other than a folder of the site: below `_/` at the
 * root, `_/RemoteServers/<id>/...` names a path on a remote server, `_/Snapshots/<id>/...`
 * one in a snapshot, `_/Sites/<id>/...` one in a child site. The official SDKs build them in
 * their `upload_to_*`, `copy_to_*` and `move_to_*` helpers (files-sdk-python
 * files_sdk/models/file.py: `_underscore_destination_path(root, destination_id,
 * relative_path)` is `path_util.normalize(f"_/{root}/{destination_id}/{relative_path or ''}")`,
 * with `root` one of `"RemoteServers"`, `"Snapshots"`, `"Sites"`; the JS, Ruby and Go SDKs
 * the same).
 *
 * The emulated site has no remote servers, no snapshots and no child sites, so every such path
 * is refused, as the API answers an id it does not know: `404` with the bare `not-found` type
 * (the spec's `errors` list has no `remote-server-not-found` or `snapshot-not-found`; a bare
 * `not-found` is what Files.com answered for an unknown record id in the Go SDK's recorded
 * exchange, files-sdk-go filemigration/fixtures/TestClient_Wait.yaml). `_/Snapshots` and the
 * others without an id are refused too: the names are Files.com's, not a folder to create.
 *
 * Anything else below `_` is an ordinary path: a folder named `_` at the root, `_/other/...`,
 * and `Snapshots/1` or `a/_/Snapshots/1` (not at the root) are plain files and folders.
 * Names compare as Files.com compares paths (case and accents folded: `_/snapshots/1` is
 * special too).
 */
import { toComparable } from '../../paths/index.js';
import { fail } from '../server/errors.js';

/** The special roots below `_/`, by their comparable (lower-case) name, and what they hold. */
const SPECIAL_ROOTS: Readonly<Record<string, string>> = {
  remoteservers: 'Remote server',
  snapshots: 'Snapshot',
  sites: 'Child site',
};

/** What a special path names: the kind of thing and its id (`undefined` when the path stops before it). */
export interface SpecialPath {
  /** `RemoteServers`, `Snapshots` or `Sites`, as Files.com spells it. */
  readonly root: 'RemoteServers' | 'Snapshots' | 'Sites';
  /** The id segment as sent (`undefined` for `_/Snapshots` itself). */
  readonly id: string | undefined;
}

const SPELLING: Readonly<Record<string, SpecialPath['root']>> = {
  remoteservers: 'RemoteServers',
  snapshots: 'Snapshots',
  sites: 'Sites',
};

/** The special location `path` names, or `undefined` for an ordinary path of the site. */
export function specialPath(path: string): SpecialPath | undefined {
  const parts = toComparable(path).split('/');
  if (parts[0] !== '_' || parts.length < 2) return undefined;
  const root = SPELLING[parts[1]!];
  if (!root) return undefined;
  return { root, id: parts[2] };
}

/**
 * Refuses (`404 not-found`) a path below `_/RemoteServers`, `_/Snapshots` or `_/Sites`: the
 * emulated site has none of them. Every route that takes a path calls it first, for each
 * path it takes (a copy's or move's source and destination).
 */
export function refuseSpecialPath(path: string): void {
  const special = specialPath(path);
  if (!special) return;
  const what = SPECIAL_ROOTS[special.root.toLowerCase()]!;
  if (special.id === undefined) {
    fail(404, 'not-found', `_/${special.root} is where Files.com puts the ${what.toLowerCase()}s of a site (_/${special.root}/<id>/...); this site has none.`);
  }
  fail(404, 'not-found', `${what} ${special.id} not found (_/${special.root}/${special.id}): this site has none.`);
}
