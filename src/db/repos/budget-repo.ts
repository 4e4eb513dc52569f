// Budget-increase requests and approved increases. A request leaves 'pending' through one
// conditional UPDATE (settle), so when several approvers act at once exactly one of them wins.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export type RequestStatus = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';

export interface BudgetRequest {
  id: number;
  team_id: number;
  requester_slack_id: string;
  amount_usd: number;
  reason: string;
  /** YYYY-MM the increase is for (the month the request was made) */
  month: string;
  status: RequestStatus;
  created_at: number;
  channel_id: string | null;
  message_ts: string | null;
  decided_by: string | null;
  decided_at: number | null;
  approved_amount_usd: number | null;
  decision_note: string | null;
  reminded_at: number | null;
}

export interface BudgetIncrease {
  id: number;
  team_id: number;
  month: string;
  amount_usd: number;
  request_id: number | null;
  created_at: number;
  /** who approved it (from the request) */
  decided_by: string | null;
}

export interface SettleInput {
  id: number;
  status: Exclude<RequestStatus, 'pending'>;
  /** the approver, the requester (cancel), or null (expiry) */
  by: string | null;
  at: number;
  approvedAmountUsd?: number | null;
  note?: string | null;
}

export function budgetRepo(db: Db) {
  return memoForDb(db, 'budget', () => {
    const s = {
      insert: db.prepare(
        `INSERT INTO budget_requests (team_id, requester_slack_id, amount_usd, reason, month, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
      ),
      byId: db.prepare('SELECT * FROM budget_requests WHERE id = ?'),
      byThread: db.prepare('SELECT * FROM budget_requests WHERE channel_id = ? AND message_ts = ?'),
      setMessage: db.prepare('UPDATE budget_requests SET channel_id = ?, message_ts = ? WHERE id = ?'),
      withoutMessage: db.prepare(
        `SELECT id FROM budget_requests WHERE message_ts IS NULL AND created_at >= ? ORDER BY id`,
      ),
      pendingForTeam: db.prepare(`SELECT * FROM budget_requests WHERE team_id = ? AND status = 'pending' ORDER BY id`),
      pending: db.prepare(`SELECT * FROM budget_requests WHERE status = 'pending' ORDER BY id`),
      // the one statement that takes a request out of 'pending'
      settle: db.prepare(
        `UPDATE budget_requests SET status = ?, decided_by = ?, decided_at = ?, approved_amount_usd = ?, decision_note = ?
         WHERE id = ? AND status = 'pending'`,
      ),
      remind: db.prepare(
        `UPDATE budget_requests SET reminded_at = ? WHERE id = ? AND status = 'pending' AND reminded_at IS NULL`,
      ),
      increaseInsert: db.prepare(
        'INSERT INTO budget_increases (team_id, month, amount_usd, request_id, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      increaseTotal: db.prepare(
        'SELECT COALESCE(SUM(amount_usd), 0) AS total FROM budget_increases WHERE team_id = ? AND month = ?',
      ),
      increases: db.prepare(
        `SELECT i.*, r.decided_by FROM budget_increases i LEFT JOIN budget_requests r ON r.id = i.request_id
         WHERE i.team_id = ? AND i.month = ? ORDER BY i.created_at, i.id`,
      ),
      // threshold alerts are outbox messages keyed budget-threshold:<team>:<month>:<pct>
      alerted: db.prepare(`SELECT dedupe_key FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?`),
    };

    return {
      createRequest(input: {
        teamId: number;
        requester: string;
        amountUsd: number;
        reason: string;
        month: string;
        now: number;
      }): BudgetRequest {
        const id = Number(
          s.insert.run(input.teamId, input.requester, input.amountUsd, input.reason, input.month, input.now).lastInsertRowid,
        );
        return s.byId.get(id) as BudgetRequest;
      },
      byId: (id: number) => s.byId.get(id) as BudgetRequest | undefined,
      /** the request whose approval message is (channel, ts): thread replies find it this way */
      byThread: (channelId: string, messageTs: string) => s.byThread.get(channelId, messageTs) as BudgetRequest | undefined,
      setMessage: (id: number, channelId: string, messageTs: string) => void s.setMessage.run(channelId, messageTs, id),
      /** ids of requests made since `since` whose approval message ts is not recorded yet */
      withoutMessage: (since: number) => (s.withoutMessage.all(since) as Array<{ id: number }>).map((r) => r.id),
      pendingForTeam: (teamId: number) => s.pendingForTeam.all(teamId) as BudgetRequest[],
      pending: () => s.pending.all() as BudgetRequest[],
      /** Moves a pending request to its final status. false: it was not pending any more (someone else won). */
      settle(input: SettleInput): boolean {
        return (
          s.settle.run(input.status, input.by, input.at, input.approvedAmountUsd ?? null, input.note ?? null, input.id)
            .changes === 1
        );
      },
      /** marks the one reminder; false if already reminded or no longer pending */
      markReminded: (id: number, at: number) => s.remind.run(at, id).changes === 1,
      addIncrease(input: { teamId: number; month: string; amountUsd: number; requestId: number | null; now: number }): void {
        s.increaseInsert.run(input.teamId, input.month, input.amountUsd, input.requestId, input.now);
      },
      increasesTotal: (teamId: number, month: string) =>
        (s.increaseTotal.get(teamId, month) as { total: number }).total,
      increases: (teamId: number, month: string) => s.increases.all(teamId, month) as BudgetIncrease[],
      /** threshold levels (percent) already alerted for the team this month */
      alertedThresholds(teamId: number, month: string): number[] {
        const prefix = `budget-threshold:${teamId}:${month}:`;
        // [prefix, prefix + ';') covers every key that starts with the prefix (';' follows ':')
        const rows = s.alerted.all(prefix, prefix.slice(0, -1) + ';') as Array<{ dedupe_key: string }>;
        return rows.map((r) => Number(r.dedupe_key.slice(prefix.length))).filter((n) => Number.isFinite(n));
      },
    };
  });
}

export function thresholdKey(teamId: number, month: string, pct: number): string {
  return `budget-threshold:${teamId}:${month}:${pct}`;
}

export type BudgetRepo = ReturnType<typeof budgetRepo>;
