// A small org for budget tests: team "platform" (budget $5,000, approvals in #approvals), its
// requester and two approvers, and team "data" with an outsider. Figures are seeded as rows.
import type { Db } from '../../src/db/open.js';
import { orgRepo, type Team } from '../../src/db/repos/org-repo.js';
import { budgetRepo, type BudgetRequest } from '../../src/db/repos/budget-repo.js';
import { budgetFeature } from '../../src/budgets/budget-feature.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';

export const NOW = Date.parse('2026-11-23T10:00:00Z');
export const REQUESTER = 'U0REQ';
export const APPROVER_1 = 'U0APPONE';
export const APPROVER_2 = 'U0APPTWO';
export const OUTSIDER = 'U0OUT';
export const TEAM_CHANNEL = 'C0PLATFORM';
export const APPROVALS_CHANNEL = 'C0APPROVALS';
export const DATA_CHANNEL = 'C0DATA';

export interface Org {
  platform: Team;
  data: Team;
}

export function startBudgetApp(opts: TestAppOptions = {}): Promise<TestApp> {
  return startTestApp({ now: NOW, features: [budgetFeature], ...opts });
}

export function seedOrg(db: Db, opts: { budget?: number | null; approvalsChannel?: boolean; approvers?: string[] } = {}): Org {
  const org = orgRepo(db);
  const platform = org.createTeam('platform', TEAM_CHANNEL, NOW - 90 * 86_400_000);
  const data = org.createTeam('data', DATA_CHANNEL, NOW - 90 * 86_400_000);
  if (opts.approvalsChannel !== false) org.setApprovalsChannel(platform.id, APPROVALS_CHANNEL);
  org.setBudget(platform.id, opts.budget === undefined ? 5000 : opts.budget);
  org.setApprovers(platform.id, opts.approvers ?? [APPROVER_1, APPROVER_2]);
  const member = (slack: string, email: string, name: string, team: Team) => {
    const p = org.ensurePersonBySlack(slack, NOW, email, name);
    org.setPersonTeam(p.id, team.id);
  };
  member(REQUESTER, 'rita@example.com', 'Rita Requester', platform);
  member(APPROVER_1, 'ann@example.com', 'Ann Approver', platform);
  member(APPROVER_2, 'bob@example.com', 'Bob Approver', platform);
  member(OUTSIDER, 'olga@example.com', 'Olga Outsider', data);
  return { platform: org.teamById(platform.id)!, data: org.teamById(data.id)! };
}

/** spend in the team rollup (what metrics-repo reads) */
export function addSpend(db: Db, teamId: number, day: string, costUsd: number, model = 'claude-sonnet-4-5'): void {
  db.prepare(
    `INSERT INTO usage_daily_team (day, team_id, provider, model, billing_source, cost_usd, requests) VALUES (?, ?, 'anthropic', ?, 'anthropic_api', ?, 1)
     ON CONFLICT (team_id, day, provider, model, billing_source) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`,
  ).run(day, teamId, model, costUsd);
}

let storySeq = 0;
export function addStory(db: Db, teamId: number, doneAt: number, points: number | null = 3): void {
  storySeq += 1;
  db.prepare(
    `INSERT INTO stories (source, external_id, key, title, points, done, done_at, team_id, updated_at)
     VALUES ('jira', ?, ?, 'story', ?, 1, ?, ?, ?)`,
  ).run(`s${storySeq}`, `PLAT-${storySeq}`, points, doneAt, teamId, doneAt);
}

/** a session that raised a loop alert (waste in loop sessions) */
export function addLoopSession(db: Db, teamId: number, id: string, costUsd: number, at: number): void {
  db.prepare(
    `INSERT INTO agent_sessions (session_id, source, team_id, started_at, last_activity_at, cost_usd) VALUES (?, 'otlp', ?, ?, ?, ?)`,
  ).run(id, teamId, at - 3_600_000, at, costUsd);
  db.prepare(
    `INSERT INTO loop_alerts (session_id, rule, status, team_id, fired_at, updated_at, cost_at_alert, next_alert_cost, reason)
     VALUES (?, 'no_commit', 'open', ?, ?, ?, ?, ?, 'no commit')`,
  ).run(id, teamId, at, at, costUsd, costUsd * 2);
}

export function requests(db: Db): BudgetRequest[] {
  return db.prepare('SELECT * FROM budget_requests ORDER BY id').all() as BudgetRequest[];
}

export function requestById(db: Db, id: number): BudgetRequest {
  return budgetRepo(db).byId(id)!;
}

export function increases(db: Db): Array<{ team_id: number; month: string; amount_usd: number; request_id: number }> {
  return db.prepare('SELECT team_id, month, amount_usd, request_id FROM budget_increases ORDER BY id').all() as Array<{
    team_id: number;
    month: string;
    amount_usd: number;
    request_id: number;
  }>;
}

export function auditActions(db: Db): string[] {
  return (db.prepare('SELECT action FROM audit_log ORDER BY id').all() as Array<{ action: string }>).map((r) => r.action);
}

/** text of a message's blocks and fallback, for "contains" checks */
export function allText(m: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${m?.text ?? ''}\n${JSON.stringify(m?.blocks ?? [])}`;
}

/** makes a request through the slash command and returns it with its approval message */
export async function requestThroughCommand(t: TestApp, text: string, user = REQUESTER) {
  const before = requests(t.db).length;
  const answer = await t.command(`request ${text}`, { user });
  const all = requests(t.db);
  const request = all.length > before ? all[all.length - 1] : undefined;
  const parent = request
    ? t.slack.messages.find((m) => m.metadata?.event_payload?.key === `approval:${request.id}`)
    : undefined;
  return { answer, request, parent };
}
