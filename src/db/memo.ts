import type { Db } from './open.js';

// Repositories prepare their statements once per database; this caches one instance per (db, name).
const cache = new WeakMap<Db, Map<string, unknown>>();

export function memoForDb<T>(db: Db, name: string, make: () => T): T {
  let m = cache.get(db);
  if (!m) {
    m = new Map();
    cache.set(db, m);
  }
  if (!m.has(name)) m.set(name, make());
  return m.get(name) as T;
}
