// Seeds the tables the digest reads (rollups, stories, sessions, loop alerts) with plain SQL.
import type { Db } from '../../src/db/open.js';

export function seedSpend(
  db: Db,
  row: { day: string; teamId: number; provider?: string; model?: string; costUsd: number; requests?: number; fit?: [number, number, number] },
): void {
  const [fitCost, fitAlt, fitReq] = row.fit ?? [0, 0, 0];
  db.prepare(
    `INSERT INTO usage_daily_team (day, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens, requests,
       fit_cost_usd, fit_alt_cost_usd, fit_requests)
     VALUES (?, ?, ?, ?, ?, ?, 1000, 200, ?, ?, ?, ?)
     ON CONFLICT (team_id, day, provider, model, billing_source) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`,
  ).run(row.day, row.teamId, row.provider ?? 'anthropic', row.model ?? 'claude-sonnet-4-5', `${row.provider ?? 'anthropic'}_api`, row.costUsd, row.requests ?? 10, fitCost, fitAlt, fitReq);
}

let storySeq = 0;
export function seedStory(db: Db, row: { teamId: number | null; doneAt: number; points?: number | null; ai?: boolean }): void {
  storySeq += 1;
  db.prepare(
    `INSERT INTO stories (source, external_id, key, title, points, done, done_at, team_id, ai_assisted, updated_at)
     VALUES ('generic', ?, ?, 'A story', ?, 1, ?, ?, ?, ?)`,
  ).run(`S-${storySeq}`, `S-${storySeq}`, row.points === undefined ? 3 : row.points, row.doneAt, row.teamId, row.ai ? 1 : 0, row.doneAt);
}

export function seedSession(
  db: Db,
  row: { id: string; teamId: number; personId?: number | null; start: number; end: number; costUsd: number; commits: number; closed: boolean; loop?: boolean },
): void {
  db.prepare(
    `INSERT INTO agent_sessions (session_id, source, person_id, team_id, started_at, last_activity_at, cost_usd, commits, status, closed_at)
     VALUES (?, 'otlp', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(row.id, row.personId ?? null, row.teamId, row.start, row.end, row.costUsd, row.commits, row.closed ? 'closed' : 'active', row.closed ? row.end : null);
  if (row.loop) {
    db.prepare(
      `INSERT INTO loop_alerts (session_id, rule, status, team_id, fired_at, updated_at, cost_at_alert, next_alert_cost, reason)
       VALUES (?, 'no_commit_burn', 'open', ?, ?, ?, ?, ?, 'burning without commits')`,
    ).run(row.id, row.teamId, row.end, row.end, row.costUsd, row.costUsd * 2);
  }
}
