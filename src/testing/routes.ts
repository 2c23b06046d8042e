import { fileRoutes } from './fs/file-routes.js';
import { folderRoutes } from './fs/folder-routes.js';
import { uploadRoutes } from './fs/upload-routes.js';
import { actionLogRoutes } from './resources/action-logs.js';
import { apiKeyRoutes } from './resources/api-keys.js';
import { genericRoutes } from './resources/generic.js';
import { groupUserRoutes } from './resources/group-users.js';
import { groupRoutes } from './resources/groups.js';
import { historyRoutes } from './resources/history.js';
import { permissionRoutes } from './resources/permissions.js';
import { sessionRoutes } from './resources/sessions.js';
import { userRoutes } from './resources/users.js';
import { Router } from './router.js';
import type { Site } from './site.js';

/** The router of a site: hand-written behaviour first, then every other spec operation from its example. */
export function buildRouter(site: Site): Router {
  const router = new Router();
  router.add([
    ...userRoutes(site),
    ...groupRoutes(site),
    ...groupUserRoutes(site),
    ...permissionRoutes(site),
    ...apiKeyRoutes(site),
    ...historyRoutes(site),
    ...actionLogRoutes(site),
    ...sessionRoutes(site),
    ...folderRoutes(site),
    ...fileRoutes(site),
    ...uploadRoutes(site),
  ]);
  router.add(genericRoutes(site));
  return router;
}
