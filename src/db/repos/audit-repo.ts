// The audit log: who did what, to which team, when. Budgets, approvals and admin changes write here;
// `/aispend budget history` reads it. Rows are never updated or deleted.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface AuditInput {
  /** Slack user id of whoever acted, or 'aispend' for the bot's own steps (reminders, expiry, alerts) */
  actor: string;
  /** dotted verb: budget.set, budget.request, budget.approve, team.create, … */
  action: string;
  teamId?: number | null;
  /** what was acted on: 'request:12', 'team', … */
  subject?: string | null;
  /** structured facts (amounts, reasons), stored as JSON; a string is kept as { text }. Never secrets or prompt text. */
  details?: Record<string, unknown> | string | null;
  at: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  team_id: number | null;
  subject: string | null;
  /** parsed JSON of `details`, {} when none */
  details: Record<string, unknown>;
}

interface AuditRow extends Omit<AuditEntry, 'details'> {
  details: string | null;
}

function parseDetails(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { text: raw };
  }
}

export function auditRepo(db: Db) {
  return memoForDb(db, 'audit', () => {
    const s = {
      insert: db.prepare('INSERT INTO audit_log (at, actor, action, team_id, subject, details) VALUES (?, ?, ?, ?, ?, ?)'),
      forTeam: db.prepare('SELECT * FROM audit_log WHERE team_id = ? ORDER BY at DESC, id DESC LIMIT ?'),
      count: db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE team_id = ? AND action = ?'),
      // audit_subject index (migration 013); subjects as a JSON array, one statement for any number
      forSubjects: db.prepare(
        'SELECT * FROM audit_log WHERE subject IN (SELECT value FROM json_each(?)) ORDER BY at DESC, id DESC LIMIT ?',
      ),
    };
    return {
      /** Appends one entry; call inside the transaction of the change it records. Returns its id. */
      record(e: AuditInput): number {
        const obj = typeof e.details === 'string' ? { text: e.details } : e.details;
        const details = obj && Object.keys(obj).length > 0 ? JSON.stringify(obj) : null;
        return Number(s.insert.run(e.at, e.actor, e.action, e.teamId ?? null, e.subject ?? null, details).lastInsertRowid);
      },
      /** newest first */
      forTeam(teamId: number, limit = 20): AuditEntry[] {
        return (s.forTeam.all(teamId, limit) as AuditRow[]).map((r) => ({ ...r, details: parseDetails(r.details) }));
      },
      /** the latest `limit` entries about any of these subjects, oldest first */
      forSubjects(subjects: string[], limit = 50): AuditEntry[] {
        if (subjects.length === 0) return [];
        const rows = s.forSubjects.all(JSON.stringify(subjects), limit) as AuditRow[];
        return rows.reverse().map((r) => ({ ...r, details: parseDetails(r.details) }));
      },
      countFor(teamId: number, action: string): number {
        return (s.count.get(teamId, action) as { n: number }).n;
      },
    };
  });
}

export type AuditRepo = ReturnType<typeof auditRepo>;
