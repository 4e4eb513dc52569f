// The after-ingest queue (migration 012): sessions and teams an ingest touched, recorded in the
// ingest's own transaction and removed once the background after-ingest run has looked at them.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface QueuedItem {
  kind: 'session' | 'team';
  ref: string;
  version: number;
}

export function afterIngestRepo(db: Db) {
  return memoForDb(db, 'after-ingest', () => {
    const s = {
      upsert: db.prepare(
        `INSERT INTO after_ingest_queue (kind, ref, version, queued_at) VALUES (?, ?, 1, ?)
         ON CONFLICT (kind, ref) DO UPDATE SET version = version + 1`,
      ),
      pending: db.prepare('SELECT kind, ref, version FROM after_ingest_queue ORDER BY queued_at, kind, ref LIMIT ?'),
      done: db.prepare('DELETE FROM after_ingest_queue WHERE kind = ? AND ref = ? AND version = ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM after_ingest_queue'),
    };
    return {
      /** call inside the ingest's transaction */
      add(kind: QueuedItem['kind'], ref: string, now: number): void {
        s.upsert.run(kind, ref, now);
      },
      /** the oldest `limit` items */
      pending: (limit: number) => s.pending.all(limit) as QueuedItem[],
      /** removes the items as they were read; one touched again since stays for the next run */
      done(items: QueuedItem[]): void {
        db.transaction(() => {
          for (const i of items) s.done.run(i.kind, i.ref, i.version);
        })();
      },
      count: () => (s.count.get() as { n: number }).n,
    };
  });
}
