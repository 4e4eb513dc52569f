import { schemaVersion } from '../db/open.js';
import { defineRoute } from './route.js';

/** Liveness and a real database read. */
export function healthRoute() {
  return defineRoute({
    method: 'GET',
    path: '/healthz',
    auth: 'none',
    handle: ({ deps }) => {
      try {
        deps.db.prepare('SELECT 1').get();
        return { body: { ok: true, schema_version: schemaVersion(deps.db) } };
      } catch {
        return { status: 503, body: { ok: false, error: 'database_unavailable' } };
      }
    },
  });
}
