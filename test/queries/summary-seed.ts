// Seeds the schema directly (rollups included: they are what the queries read) for the query tests:
// summary, me, models and App Home. One org with known answers, "now" = Monday 2026-11-23 10:00 UTC.
import type { Db } from '../../src/db/open.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';

export const NOW = Date.parse('2026-11-23T10:00:00Z');
const at = (iso: string) => Date.parse(iso);

export interface RollupRow {
  day: string;
  teamId: number;
  personId?: number;
  provider?: string;
  model: string;
  cost: number;
  requests?: number;
  input?: number;
  output?: number;
  fitCost?: number;
  fitAlt?: number;
  fitRequests?: number;
}

export function rollup(db: Db, r: RollupRow): void {
  db.prepare(
    `INSERT INTO usage_daily_team (day, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens, requests, fit_cost_usd, fit_alt_cost_usd, fit_requests)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (team_id, day, provider, model, billing_source) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd,
       input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
       requests = requests + excluded.requests, fit_cost_usd = fit_cost_usd + excluded.fit_cost_usd,
       fit_alt_cost_usd = fit_alt_cost_usd + excluded.fit_alt_cost_usd, fit_requests = fit_requests + excluded.fit_requests`,
  ).run(r.day, r.teamId, r.provider ?? 'anthropic', r.model, `${r.provider ?? 'anthropic'}_api`, r.cost, r.input ?? 0, r.output ?? 0, r.requests ?? 0, r.fitCost ?? 0, r.fitAlt ?? 0, r.fitRequests ?? 0);
  if (r.personId !== undefined) {
    db.prepare(
      `INSERT INTO usage_daily_person (day, person_id, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens, requests)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_id, day, provider, model, billing_source, team_id) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd,
         input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
         requests = requests + excluded.requests`,
    ).run(r.day, r.personId, r.teamId, r.provider ?? 'anthropic', r.model, `${r.provider ?? 'anthropic'}_api`, r.cost, r.input ?? 0, r.output ?? 0, r.requests ?? 0);
  }
}

let storySeq = 0;
export function story(db: Db, s: { teamId: number; personId?: number; doneAt: string; points?: number | null; ai?: boolean; sprintId?: number }): void {
  storySeq += 1;
  db.prepare(
    `INSERT INTO stories (source, external_id, key, title, points, done, done_at, sprint_id, team_id, person_id, ai_assisted, updated_at)
     VALUES ('jira', ?, ?, 'A story', ?, 1, ?, ?, ?, ?, ?, ?)`,
  ).run(`s${storySeq}`, `PLAT-${storySeq}`, s.points ?? null, at(s.doneAt), s.sprintId ?? null, s.teamId, s.personId ?? null, s.ai ? 1 : 0, at(s.doneAt));
}

export function sprint(db: Db, s: { teamId: number; name: string; startsAt: string; endsAt: string; completedAt?: string; state?: string }): number {
  return Number(
    db
      .prepare(
        `INSERT INTO sprints (source, external_id, name, state, team_id, starts_at, ends_at, completed_at) VALUES ('jira', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.name, s.name, s.state ?? 'active', s.teamId, at(s.startsAt), at(s.endsAt), s.completedAt ? at(s.completedAt) : null).lastInsertRowid,
  );
}

export function session(
  db: Db,
  s: { id: string; teamId: number; personId: number; startedAt: string; lastActivityAt: string; cost: number; commits?: number; status?: 'active' | 'closed' },
): void {
  db.prepare(
    `INSERT INTO agent_sessions (session_id, source, person_id, team_id, started_at, last_activity_at, cost_usd, commits, status, closed_at)
     VALUES (?, 'otlp', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    s.id,
    s.personId,
    s.teamId,
    at(s.startedAt),
    at(s.lastActivityAt),
    s.cost,
    s.commits ?? 0,
    s.status ?? 'active',
    s.status === 'closed' ? at(s.lastActivityAt) : null,
  );
}

export function loopAlert(db: Db, a: { sessionId: string; teamId: number; firedAt: string; cost: number; reason: string; status?: string; rule?: string }): void {
  db.prepare(
    `INSERT INTO loop_alerts (session_id, rule, status, team_id, fired_at, updated_at, level, cost_at_alert, next_alert_cost, reason)
     VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
  ).run(a.sessionId, a.rule ?? 'no_commit_burn', a.status ?? 'open', a.teamId, at(a.firedAt), at(a.firedAt), a.cost, a.cost * 2, a.reason);
}

export interface SeededOrg {
  platform: number;
  data: number;
  ana: number;
  bo: number;
}

/**
 * platform: members ana (U0ANA) and bo (U0BO), approver U0LEAD; data: member dee (U0DEE).
 * Known answers (UTC, now = 2026-11-23 10:00):
 *  - platform last 7 days (Nov 17–23): $450 (opus 300, sonnet 100, gpt-4o 50) vs $360 (Nov 10–16) → ▲ 25%;
 *    3 stories (5 + 3 points + 1 unpointed, 2 AI-assisted) vs 2 → $150 per story vs $180 (▼ 17%); $56.25 per point;
 *    waste $75 (s-dead $30 closed without commit, s-loop $45 looping); fit 20 calls $40 → $8, saves $32.
 *  - ana last 7 days: $120 vs $60; sessions s-dead, s-loop, s-ok = 3, $95, 3 commits; 2 stories (5 + 3 points) → $60 per story.
 *  - platform November to date: $890 vs October 1–23: $100.
 *  - platform sprint 14 (Nov 16–, running): $450 vs sprint 13's first 8 days (Nov 2–9): $80, 1 story.
 */
export function seedOrg(db: Db): SeededOrg {
  const org = orgRepo(db);
  const platform = org.createTeam('platform', 'C0PLATFORM', NOW - 90 * 86_400_000).id;
  const data = org.createTeam('data', 'C0DATA', NOW - 90 * 86_400_000).id;
  const ana = org.linkSlackToEmail('U0ANA', 'ana@example.com', NOW);
  const bo = org.linkSlackToEmail('U0BO', 'bo@example.com', NOW);
  const dee = org.linkSlackToEmail('U0DEE', 'dee@example.com', NOW);
  org.setPersonTeam(ana.id, platform);
  org.setPersonTeam(bo.id, platform);
  org.setPersonTeam(dee.id, data);
  org.setApprovers(platform, ['U0LEAD']);

  // platform spend
  rollup(db, { day: '2026-11-20', teamId: platform, personId: ana.id, model: 'claude-opus-4-1', cost: 120, requests: 40, input: 4000, output: 2000 });
  rollup(db, { day: '2026-11-20', teamId: platform, personId: bo.id, model: 'claude-opus-4-1', cost: 180, requests: 60, fitCost: 40, fitAlt: 8, fitRequests: 20 });
  rollup(db, { day: '2026-11-22', teamId: platform, personId: bo.id, model: 'claude-sonnet-4-5', cost: 100, requests: 200 });
  rollup(db, { day: '2026-11-23', teamId: platform, provider: 'openai', model: 'gpt-4o', cost: 50, requests: 50 });
  rollup(db, { day: '2026-11-12', teamId: platform, personId: ana.id, model: 'claude-opus-4-1', cost: 60, requests: 10 });
  rollup(db, { day: '2026-11-12', teamId: platform, personId: bo.id, model: 'claude-opus-4-1', cost: 300, requests: 30 });
  rollup(db, { day: '2026-11-05', teamId: platform, model: 'claude-opus-4-1', cost: 80, requests: 8 });
  rollup(db, { day: '2026-10-01', teamId: platform, model: 'claude-sonnet-4-5', cost: 100, requests: 100 });
  // data spend (another team's figures)
  rollup(db, { day: '2026-11-21', teamId: data, personId: dee.id, model: 'claude-sonnet-4-5', cost: 999, requests: 10 });

  // delivered stories
  story(db, { teamId: platform, personId: ana.id, doneAt: '2026-11-18T12:00:00Z', points: 5, ai: true });
  story(db, { teamId: platform, personId: ana.id, doneAt: '2026-11-20T12:00:00Z', points: 3, ai: true });
  story(db, { teamId: platform, personId: bo.id, doneAt: '2026-11-21T12:00:00Z', points: null });
  story(db, { teamId: platform, personId: bo.id, doneAt: '2026-11-11T12:00:00Z', points: 2 });
  story(db, { teamId: platform, personId: bo.id, doneAt: '2026-11-13T12:00:00Z', points: 2 });
  story(db, { teamId: platform, doneAt: '2026-11-06T12:00:00Z', points: 1 });
  story(db, { teamId: platform, doneAt: '2026-10-02T12:00:00Z', points: 1 });

  // sprints
  sprint(db, { teamId: platform, name: 'Sprint 13', startsAt: '2026-11-02T09:00:00Z', endsAt: '2026-11-16T09:00:00Z', completedAt: '2026-11-16T10:00:00Z', state: 'closed' });
  sprint(db, { teamId: platform, name: 'Sprint 14', startsAt: '2026-11-16T09:00:00Z', endsAt: '2026-11-30T09:00:00Z' });

  // ana's sessions: one dead end, one looping, one that shipped
  session(db, { id: 's-dead', teamId: platform, personId: ana.id, startedAt: '2026-11-21T08:00:00Z', lastActivityAt: '2026-11-21T09:00:00Z', cost: 30, status: 'closed' });
  session(db, { id: 's-loop', teamId: platform, personId: ana.id, startedAt: '2026-11-23T07:00:00Z', lastActivityAt: '2026-11-23T09:50:00Z', cost: 45 });
  session(db, { id: 's-ok', teamId: platform, personId: ana.id, startedAt: '2026-11-22T08:00:00Z', lastActivityAt: '2026-11-22T11:00:00Z', cost: 20, commits: 3, status: 'closed' });
  loopAlert(db, { sessionId: 's-loop', teamId: platform, firedAt: '2026-11-23T09:00:00Z', cost: 40, reason: 'No commit for 2 h while spending $40.00' });

  return { platform, data, ana: ana.id, bo: bo.id };
}

/** every text of an answer's blocks, in order */
export function blockText(body: Record<string, unknown>): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const [k, x] of Object.entries(o)) if (k !== 'text' || typeof x !== 'string') walk(x);
    }
  };
  walk(body.blocks);
  return out.join('\n');
}
