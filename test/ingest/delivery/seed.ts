// Test data for the delivery tests: teams, people and agent sessions written straight into the schema.
import type { Db } from '../../../src/db/open.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';

export function seedTeam(db: Db, name: string, now = 0): number {
  return orgRepo(db).createTeam(name, null, now).id;
}

export function seedPerson(db: Db, email: string, teamId: number | null = null, now = 0): number {
  const org = orgRepo(db);
  const p = org.ensurePersonByEmail(email, now);
  if (teamId !== null) org.setPersonTeam(p.id, teamId);
  return p.id;
}

export interface SessionSeed {
  personId: number | null;
  repo?: string | null;
  startedAt: number;
  lastActivityAt: number;
  commits?: number;
  costUsd?: number;
}

export function seedSession(db: Db, sessionId: string, s: SessionSeed): void {
  db.prepare(
    // commits seeded here are the session's own report (claude_code.commit.count)
    `INSERT INTO agent_sessions (session_id, source, person_id, repo, started_at, last_activity_at, commits, telemetry_commits, cost_usd)
     VALUES (?, 'claude_code', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(sessionId, s.personId, s.repo ?? null, s.startedAt, s.lastActivityAt, s.commits ?? 0, s.commits ?? 0, s.costUsd ?? 0);
}

export function session(db: Db, sessionId: string) {
  return db
    .prepare('SELECT commits, last_commit_at, cost_at_last_commit FROM agent_sessions WHERE session_id = ?')
    .get(sessionId) as { commits: number; last_commit_at: number | null; cost_at_last_commit: number };
}

export function rows<T = Record<string, unknown>>(db: Db, sql: string, ...params: unknown[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}
