import { checkReadable, schemaVersion } from '../db/open.js';
import { defineRoute } from './route.js';

/** Liveness and a real database read. */
export function healthRoute() {
  return defineRoute({
    method: 'GET',
    path: '/healthz',
    auth: 'none',
    handle: ({ deps }) => {
      try {
        checkReadable(deps.db);
        return { body: { ok: true, schema_version: schemaVersion(deps.db) } };
      } catch {
        return { status: 503, body: { ok: false, error: 'database_unavailable' } };
      }
    },
  });
}
