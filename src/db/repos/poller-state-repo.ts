// One cursor per provider poller (JSON), written in the same transaction as the page it follows,
// so a restart resumes exactly where the last committed page ended.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export function pollerStateRepo(db: Db) {
  return memoForDb(db, 'poller-state', () => {
    const get = db.prepare('SELECT cursor FROM poller_state WHERE name = ?');
    const set = db.prepare(
      `INSERT INTO poller_state (name, cursor, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    );
    return {
      get<T>(name: string): T | undefined {
        const r = get.get(name) as { cursor: string } | undefined;
        return r ? (JSON.parse(r.cursor) as T) : undefined;
      },
      set: (name: string, cursor: unknown, now: number) => void set.run(name, JSON.stringify(cursor), now),
    };
  });
}
