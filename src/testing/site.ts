import type { CursorCodec } from './cursor.js';
import type { FileStore } from './fs/store.js';
import type { UploadSessions } from './fs/uploads.js';
import type { ListableCollection } from './list-reply.js';
import type { ResolvedOptions } from './options.js';
import type { Memberships } from './resources/memberships.js';

/** The emulated site: every collection and store, shared by all route handlers and front ends. */
export interface Site {
  readonly options: ResolvedOptions;
  readonly codec: CursorCodec;
  readonly memberships: Memberships;
  readonly users: ListableCollection;
  readonly groups: ListableCollection;
  readonly groupUsers: ListableCollection;
  readonly permissions: ListableCollection;
  readonly apiKeys: ListableCollection;
  readonly history: ListableCollection;
  readonly actionLogs: ListableCollection;
  readonly files: FileStore;
  readonly uploads: UploadSessions;
  /** API keys accepted besides `options.apiKey` (created with `POST /api_keys`), mapped to their record id. */
  readonly extraKeys: Map<string, number>;
  /** Live session ids (from `POST /sessions`), mapped to their user id. */
  readonly sessions: Map<string, number>;
  /** Secret that keys cursor checksums and URL signatures. */
  readonly secret: number;
}
