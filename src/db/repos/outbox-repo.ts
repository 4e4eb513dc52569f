import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface OutboxRow {
  id: number;
  dedupe_key: string;
  kind: string;
  payload: string;
  status: 'pending' | 'sending' | 'sent' | 'dead';
  attempts: number;
  next_attempt_at: number;
  depends_on: number | null;
  uncertain: number;
  last_error: string | null;
  result: string | null;
  created_at: number;
  sent_at: number | null;
}

export function outboxRepo(db: Db) {
  return memoForDb(db, 'outbox', () => {
    const insert = db.prepare(
      `INSERT INTO outbox (dedupe_key, kind, payload, status, next_attempt_at, depends_on, created_at)
       VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    );
    const byKey = db.prepare('SELECT * FROM outbox WHERE dedupe_key = ?');
    const byId = db.prepare('SELECT * FROM outbox WHERE id = ?');
    const due = db.prepare(
      `SELECT o.* FROM outbox o LEFT JOIN outbox p ON p.id = o.depends_on
       WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND (o.depends_on IS NULL OR p.status = 'sent')
       ORDER BY o.id LIMIT ?`,
    );
    const claim = db.prepare(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status = 'pending'`,
    );
    const sent = db.prepare(
      `UPDATE outbox SET status = 'sent', result = ?, sent_at = ?, last_error = NULL, uncertain = 0 WHERE id = ?`,
    );
    const retry = db.prepare(
      `UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, uncertain = MAX(uncertain, ?) WHERE id = ?`,
    );
    const dead = db.prepare(`UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?`);
    const recover = db.prepare(`UPDATE outbox SET status = 'pending', uncertain = 1 WHERE status = 'sending'`);
    const pendingCount = db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')`);
    const dropPending = db.prepare(`UPDATE outbox SET status = 'dead', last_error = ? WHERE status IN ('pending', 'sending')`);
    return {
      /** Records a message to send. Returns the row; an existing key is left as it is (exactly once). */
      enqueue(input: { key: string; kind: string; payload: unknown; dependsOn?: number; now: number }): OutboxRow {
        insert.run(input.key, input.kind, JSON.stringify(input.payload), input.now, input.dependsOn ?? null, input.now);
        return byKey.get(input.key) as OutboxRow;
      },
      byKey: (key: string) => byKey.get(key) as OutboxRow | undefined,
      byId: (id: number) => byId.get(id) as OutboxRow | undefined,
      due: (now: number, limit = 50) => due.all(now, limit) as OutboxRow[],
      claim: (id: number) => claim.run(id).changes === 1,
      markSent: (id: number, result: unknown, now: number) => void sent.run(JSON.stringify(result), now, id),
      /** `uncertain`: Slack may have taken it (no answer came); the retry looks for it before posting */
      markRetry: (id: number, at: number, error: string, uncertain = false) => void retry.run(at, error, uncertain ? 1 : 0, id),
      markDead: (id: number, error: string) => void dead.run(error, id),
      /** at start: sends cut short by a crash are retried, carefully */
      recoverInterrupted: () => recover.run().changes,
      pendingCount: () => (pendingCount.get() as { n: number }).n,
      /** gives up every message not sent yet (the demo's, addressed to made-up channels); returns how many */
      dropAllPending: (reason: string) => dropPending.run(reason).changes,
    };
  });
}
