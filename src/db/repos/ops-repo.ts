// What operations read about the bot itself: the outbox's backlog, settings by prefix (pollers'
// last success), and the database's own figures (for /metrics and `aispend doctor`).
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface OutboxBacklog {
  /** waiting to be sent (or being sent) */
  pending: number;
  /** when the oldest of them was recorded; null when none */
  oldestCreatedAt: number | null;
  /** given up: Slack refused them for good */
  dead: number;
}

export function opsRepo(db: Db) {
  return memoForDb(db, 'ops', () => {
    const backlog = db.prepare(
      `SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox WHERE status IN ('pending', 'sending')`,
    );
    const dead = db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status = 'dead'`);
    const settingsLike = db.prepare(`SELECT key, value FROM settings WHERE key >= ? AND key < ? ORDER BY key`);
    // the claims' key starts with the source: this reads one source's claims (webhook deliveries: few)
    const lastClaim = db.prepare('SELECT MAX(received_at) AS at FROM processed_deliveries WHERE source = ?');
    return {
      outboxBacklog(): OutboxBacklog {
        const b = backlog.get() as { pending: number; oldest: number | null };
        return { pending: b.pending, oldestCreatedAt: b.oldest, dead: (dead.get() as { n: number }).n };
      },
      /** settings whose key starts with `prefix`, the prefix removed */
      settingsWithPrefix(prefix: string): Map<string, string> {
        // keys in [prefix, prefix + U+FFFF): a range the primary key answers, no LIKE escaping
        const rows = settingsLike.all(prefix, `${prefix}\uffff`) as Array<{ key: string; value: string }>;
        return new Map(rows.map((r) => [r.key.slice(prefix.length), r.value]));
      },
      /** when a delivery of this source (github, jira, linear, generic-delivery) was last taken; null: never */
      lastDeliveryAt: (source: string): number | null => (lastClaim.get(source) as { at: number | null }).at,
      /** pages in use and free, and the page size (the file's size is pages × size) */
      pageStats(): { pages: number; freePages: number; pageSize: number } {
        return {
          pages: db.pragma('page_count', { simple: true }) as number,
          freePages: db.pragma('freelist_count', { simple: true }) as number,
          pageSize: db.pragma('page_size', { simple: true }) as number,
        };
      },
    };
  });
}
