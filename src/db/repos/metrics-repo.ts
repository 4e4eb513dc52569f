// Read model shared by digests, /aispend queries, App Home and budgets: spend from the rollups,
// delivered stories, and waste in agent sessions. Periods are [from, to) local days or [startMs, endMs).
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

/** a team id, 0 for unattributed, or 'org' for everything */
export type Scope = number | 'org';

export interface SpendTotals {
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  requests: number;
  /** model fit: spend on top-tier models for small-output calls, and the same calls on the cheaper model */
  fitCostUsd: number;
  fitAltCostUsd: number;
  fitRequests: number;
}

export interface ModelSpend extends SpendTotals {
  provider: string;
  model: string;
}

export interface SourceSpend {
  billingSource: string;
  costUsd: number;
}

export interface StoriesDone {
  stories: number;
  points: number;
  aiAssisted: number;
  /** stories without points */
  unpointed: number;
}

export interface SprintRow {
  id: number;
  name: string | null;
  state: string | null;
  startsAt: number;
  endsAt: number | null;
  completedAt: number | null;
}

export interface StoryDoneRow {
  doneAt: number;
  points: number | null;
  aiAssisted: number;
}

export interface SessionStats {
  sessions: number;
  costUsd: number;
  commits: number;
  active: number;
}

export interface OpenLoopAlert {
  id: number;
  sessionId: string;
  rule: string;
  reason: string;
  level: number;
  firedAt: number;
  teamId: number | null;
  costUsd: number;
  startedAt: number;
  lastActivityAt: number;
  ownerSlackId: string | null;
  ownerName: string | null;
  ownerEmail: string | null;
}

export interface Waste {
  /** sessions last active in the period that closed with no commit */
  noCommitSessions: number;
  noCommitCostUsd: number;
  /** sessions that raised a loop alert in the period (not those marked expected long tasks) */
  loopSessions: number;
  loopCostUsd: number;
  /** both together, each session counted once */
  totalCostUsd: number;
}

const SPEND_COLS = `COALESCE(SUM(cost_usd),0) AS costUsd, COALESCE(SUM(input_tokens),0) AS inputTokens,
  COALESCE(SUM(output_tokens),0) AS outputTokens, COALESCE(SUM(cache_read_tokens),0) AS cacheReadTokens,
  COALESCE(SUM(cache_write_tokens),0) AS cacheWriteTokens, COALESCE(SUM(requests),0) AS requests`;
const FIT_COLS = `COALESCE(SUM(fit_cost_usd),0) AS fitCostUsd, COALESCE(SUM(fit_alt_cost_usd),0) AS fitAltCostUsd,
  COALESCE(SUM(fit_requests),0) AS fitRequests`;
const NO_FIT = '0 AS fitCostUsd, 0 AS fitAltCostUsd, 0 AS fitRequests';

export function metricsRepo(db: Db) {
  return memoForDb(db, 'metrics', () => {
    const s = {
      teamFirstDay: db.prepare('SELECT MIN(day) AS day FROM usage_daily_team WHERE team_id = ?'),
      orgFirstDay: db.prepare('SELECT MIN(day) AS day FROM usage_daily_team'),
      teamSpend: db.prepare(`SELECT ${SPEND_COLS}, ${FIT_COLS} FROM usage_daily_team WHERE team_id = ? AND day >= ? AND day < ?`),
      orgSpend: db.prepare(`SELECT ${SPEND_COLS}, ${FIT_COLS} FROM usage_daily_team WHERE day >= ? AND day < ?`),
      teamByDay: db.prepare(
        `SELECT day, COALESCE(SUM(cost_usd),0) AS costUsd FROM usage_daily_team WHERE team_id = ? AND day >= ? AND day < ? GROUP BY day ORDER BY day`,
      ),
      orgByDay: db.prepare(
        `SELECT day, COALESCE(SUM(cost_usd),0) AS costUsd FROM usage_daily_team WHERE day >= ? AND day < ? GROUP BY day ORDER BY day`,
      ),
      teamByModel: db.prepare(
        `SELECT provider, model, ${SPEND_COLS}, ${FIT_COLS} FROM usage_daily_team WHERE team_id = ? AND day >= ? AND day < ?
         GROUP BY provider, model ORDER BY costUsd DESC`,
      ),
      orgByModel: db.prepare(
        `SELECT provider, model, ${SPEND_COLS}, ${FIT_COLS} FROM usage_daily_team WHERE day >= ? AND day < ?
         GROUP BY provider, model ORDER BY costUsd DESC`,
      ),
      teamBySource: db.prepare(
        `SELECT billing_source AS billingSource, COALESCE(SUM(cost_usd),0) AS costUsd FROM usage_daily_team
         WHERE team_id = ? AND day >= ? AND day < ? GROUP BY billing_source ORDER BY costUsd DESC, billing_source`,
      ),
      orgBySource: db.prepare(
        `SELECT billing_source AS billingSource, COALESCE(SUM(cost_usd),0) AS costUsd FROM usage_daily_team
         WHERE day >= ? AND day < ? GROUP BY billing_source ORDER BY costUsd DESC, billing_source`,
      ),
      byTeam: db.prepare(
        `SELECT team_id AS teamId, COALESCE(SUM(cost_usd),0) AS costUsd FROM usage_daily_team WHERE day >= ? AND day < ?
         GROUP BY team_id ORDER BY costUsd DESC`,
      ),
      personSpend: db.prepare(`SELECT ${SPEND_COLS}, ${NO_FIT} FROM usage_daily_person WHERE person_id = ? AND day >= ? AND day < ?`),
      personByModel: db.prepare(
        `SELECT provider, model, ${SPEND_COLS}, ${NO_FIT} FROM usage_daily_person WHERE person_id = ? AND day >= ? AND day < ?
         GROUP BY provider, model ORDER BY costUsd DESC`,
      ),
      teamStories: db.prepare(
        `SELECT COUNT(*) AS stories, COALESCE(SUM(points),0) AS points, COALESCE(SUM(ai_assisted),0) AS aiAssisted,
           COALESCE(SUM(points IS NULL),0) AS unpointed
         FROM stories WHERE team_id = ? AND done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      unattributedStories: db.prepare(
        `SELECT COUNT(*) AS stories, COALESCE(SUM(points),0) AS points, COALESCE(SUM(ai_assisted),0) AS aiAssisted,
           COALESCE(SUM(points IS NULL),0) AS unpointed
         FROM stories WHERE team_id IS NULL AND done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      orgStories: db.prepare(
        `SELECT COUNT(*) AS stories, COALESCE(SUM(points),0) AS points, COALESCE(SUM(ai_assisted),0) AS aiAssisted,
           COALESCE(SUM(points IS NULL),0) AS unpointed
         FROM stories WHERE done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      personStories: db.prepare(
        `SELECT COUNT(*) AS stories, COALESCE(SUM(points),0) AS points, COALESCE(SUM(ai_assisted),0) AS aiAssisted,
           COALESCE(SUM(points IS NULL),0) AS unpointed
         FROM stories WHERE person_id = ? AND done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      // a session belongs to the period of its last activity
      teamWaste: db.prepare(wasteSql('s.team_id = ?')),
      unattributedWaste: db.prepare(wasteSql('s.team_id IS NULL')),
      orgWaste: db.prepare(ORG_WASTE_SQL),
      personWaste: db.prepare(wasteSql('s.person_id = ?')),
      hasDelivery: db.prepare(
        `SELECT EXISTS (SELECT 1 FROM stories WHERE team_id = ?) OR EXISTS (SELECT 1 FROM commits WHERE team_id = ?) AS v`,
      ),
      hasAnyDelivery: db.prepare(`SELECT EXISTS (SELECT 1 FROM stories) OR EXISTS (SELECT 1 FROM commits) AS v`),
      // queries (summary sprint, me, App Home)
      teamSprints: db.prepare(
        `SELECT id, name, state, starts_at AS startsAt, ends_at AS endsAt, completed_at AS completedAt FROM sprints
         WHERE team_id = ? AND starts_at IS NOT NULL AND starts_at <= ? ORDER BY starts_at DESC, id DESC LIMIT ?`,
      ),
      personSessions: db.prepare(
        `SELECT COUNT(*) AS sessions, COALESCE(SUM(cost_usd),0) AS costUsd, COALESCE(SUM(commits),0) AS commits,
           COALESCE(SUM(status = 'active'),0) AS active
         FROM agent_sessions WHERE person_id = ? AND last_activity_at >= ? AND last_activity_at < ?`,
      ),
      teamStoryRows: db.prepare(
        `SELECT done_at AS doneAt, points, ai_assisted AS aiAssisted FROM stories WHERE team_id = ? AND done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      unattributedStoryRows: db.prepare(
        `SELECT done_at AS doneAt, points, ai_assisted AS aiAssisted FROM stories WHERE team_id IS NULL AND done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      orgStoryRows: db.prepare(
        `SELECT done_at AS doneAt, points, ai_assisted AS aiAssisted FROM stories WHERE done = 1 AND done_at >= ? AND done_at < ?`,
      ),
      personOpenAlerts: db.prepare(openAlertsSql('s.person_id = ?')),
      teamOpenAlerts: db.prepare(openAlertsSql('a.team_id = ?')),
    };

    const spendArgs = (scope: Scope, from: string, to: string) => (scope === 'org' ? [from, to] : [scope, from, to]);

    return {
      spend(scope: Scope, from: string, to: string): SpendTotals {
        return (scope === 'org' ? s.orgSpend : s.teamSpend).get(...spendArgs(scope, from, to)) as SpendTotals;
      },
      /** the first local day with any counted usage, null when none */
      firstSpendDay(scope: Scope): string | null {
        const r = (scope === 'org' ? s.orgFirstDay.get() : s.teamFirstDay.get(scope)) as { day: string | null };
        return r.day;
      },
      spendByDay(scope: Scope, from: string, to: string): Array<{ day: string; costUsd: number }> {
        return (scope === 'org' ? s.orgByDay : s.teamByDay).all(...spendArgs(scope, from, to)) as Array<{
          day: string;
          costUsd: number;
        }>;
      },
      spendByModel(scope: Scope, from: string, to: string): ModelSpend[] {
        return (scope === 'org' ? s.orgByModel : s.teamByModel).all(...spendArgs(scope, from, to)) as ModelSpend[];
      },
      /** spend by billing source (anthropic_api, bedrock, subscription, …), largest first */
      spendBySource(scope: Scope, from: string, to: string): SourceSpend[] {
        return (scope === 'org' ? s.orgBySource : s.teamBySource).all(...spendArgs(scope, from, to)) as SourceSpend[];
      },
      /** spend per team (0 = unattributed), largest first */
      spendByTeam(from: string, to: string): Array<{ teamId: number; costUsd: number }> {
        return s.byTeam.all(from, to) as Array<{ teamId: number; costUsd: number }>;
      },
      personSpend(personId: number, from: string, to: string): SpendTotals {
        return s.personSpend.get(personId, from, to) as SpendTotals;
      },
      personSpendByModel(personId: number, from: string, to: string): ModelSpend[] {
        return s.personByModel.all(personId, from, to) as ModelSpend[];
      },
      storiesDone(scope: Scope, startMs: number, endMs: number): StoriesDone {
        if (scope === 'org') return s.orgStories.get(startMs, endMs) as StoriesDone;
        if (scope === 0) return s.unattributedStories.get(startMs, endMs) as StoriesDone;
        return s.teamStories.get(scope, startMs, endMs) as StoriesDone;
      },
      personStoriesDone(personId: number, startMs: number, endMs: number): StoriesDone {
        return s.personStories.get(personId, startMs, endMs) as StoriesDone;
      },
      waste(scope: Scope, startMs: number, endMs: number): Waste {
        if (scope === 'org') return s.orgWaste.get({ start: startMs, end: endMs }) as Waste;
        if (scope === 0) return s.unattributedWaste.get(startMs, endMs) as Waste;
        return s.teamWaste.get(scope, startMs, endMs) as Waste;
      },
      personWaste(personId: number, startMs: number, endMs: number): Waste {
        return s.personWaste.get(personId, startMs, endMs) as Waste;
      },
      /** each story done in [startMs, endMs): one read that callers split into several periods (summary trend) */
      storiesDoneRows(scope: Scope, startMs: number, endMs: number): StoryDoneRow[] {
        if (scope === 'org') return s.orgStoryRows.all(startMs, endMs) as StoryDoneRow[];
        if (scope === 0) return s.unattributedStoryRows.all(startMs, endMs) as StoryDoneRow[];
        return s.teamStoryRows.all(scope, startMs, endMs) as StoryDoneRow[];
      },
      /** the team's latest sprints or cycles that have started by `nowMs`, newest first */
      sprintsStarted(teamId: number, nowMs: number, limit = 2): SprintRow[] {
        return s.teamSprints.all(teamId, nowMs, limit) as SprintRow[];
      },
      /** agent sessions of a person last active in [startMs, endMs) */
      personSessions(personId: number, startMs: number, endMs: number): SessionStats {
        return s.personSessions.get(personId, startMs, endMs) as SessionStats;
      },
      /** open loop alerts on a person's sessions, newest first */
      personOpenAlerts(personId: number, limit = 10): OpenLoopAlert[] {
        return s.personOpenAlerts.all(personId, limit) as OpenLoopAlert[];
      },
      /** open loop alerts of a team, newest first */
      teamOpenAlerts(teamId: number, limit = 10): OpenLoopAlert[] {
        return s.teamOpenAlerts.all(teamId, limit) as OpenLoopAlert[];
      },
      /** whether any delivery data (stories or commits) was ever linked to the team */
      hasDelivery(scope: Scope): boolean {
        const r = (scope === 'org' ? s.hasAnyDelivery.get() : s.hasDelivery.get(scope, scope)) as { v: number };
        return r.v === 1;
      },
    };
  });
}

function wasteSql(filter: string): string {
  return `
    WITH sess AS (
      SELECT s.session_id, s.cost_usd, (s.status = 'closed' AND s.commits = 0 AND s.expected = 0) AS dead_end,
        EXISTS (SELECT 1 FROM loop_alerts a WHERE a.session_id = s.session_id AND a.status <> 'expected') AS looped
      FROM agent_sessions s
      WHERE ${filter} AND s.last_activity_at >= ? AND s.last_activity_at < ?
    )
    SELECT
      COALESCE(SUM(dead_end AND cost_usd > 0), 0) AS noCommitSessions,
      COALESCE(SUM(CASE WHEN dead_end THEN cost_usd ELSE 0 END), 0) AS noCommitCostUsd,
      COALESCE(SUM(looped), 0) AS loopSessions,
      COALESCE(SUM(CASE WHEN looped THEN cost_usd ELSE 0 END), 0) AS loopCostUsd,
      COALESCE(SUM(CASE WHEN dead_end OR looped THEN cost_usd ELSE 0 END), 0) AS totalCostUsd
    FROM sess`;
}

// The same figures as wasteSql over every session, in a form that stays fast on a year of sessions:
// dead ends summed from the covering index sessions_status_activity (migration 007) less the expected
// ones (partial index, migration 018), looping sessions from the covering index sessions_activity
// (migration 009).
const ORG_WASTE_SQL = `
  WITH all_dead AS (
    SELECT COALESCE(SUM(cost_usd > 0), 0) AS n, COALESCE(SUM(cost_usd), 0) AS cost FROM agent_sessions
    WHERE status = 'closed' AND commits = 0 AND last_activity_at >= @start AND last_activity_at < @end
  ), expected_dead AS (
    SELECT COALESCE(SUM(cost_usd > 0), 0) AS n, COALESCE(SUM(cost_usd), 0) AS cost FROM agent_sessions INDEXED BY sessions_expected_activity
    WHERE expected = 1 AND status = 'closed' AND commits = 0 AND last_activity_at >= @start AND last_activity_at < @end
  ), dead AS (
    SELECT all_dead.n - expected_dead.n AS n, all_dead.cost - expected_dead.cost AS cost FROM all_dead, expected_dead
  ), looped AS MATERIALIZED (
    -- the period's sessions from the covering index sessions_activity (migration 009), each probed
    -- for an alert; materialized, as it is read three times below (npm run bench: 120 ms → 7 ms)
    -- (a session with an alert not marked expected is not an expected session: confirming one marks
    -- every alert of it expected)
    SELECT s.cost_usd, (s.status = 'closed' AND s.commits = 0) AS dead_end FROM agent_sessions s
    WHERE s.last_activity_at >= @start AND s.last_activity_at < @end
      AND EXISTS (SELECT 1 FROM loop_alerts a WHERE a.session_id = s.session_id AND a.status <> 'expected')
  )
  SELECT dead.n AS noCommitSessions, dead.cost AS noCommitCostUsd,
    (SELECT COUNT(*) FROM looped) AS loopSessions,
    (SELECT COALESCE(SUM(cost_usd), 0) FROM looped) AS loopCostUsd,
    dead.cost + (SELECT COALESCE(SUM(cost_usd), 0) FROM looped WHERE NOT dead_end) AS totalCostUsd
  FROM dead`;

function openAlertsSql(filter: string): string {
  return `
    SELECT a.id, a.session_id AS sessionId, a.rule, a.reason, a.level, a.fired_at AS firedAt, a.team_id AS teamId,
      s.cost_usd AS costUsd, s.started_at AS startedAt, s.last_activity_at AS lastActivityAt,
      p.slack_user_id AS ownerSlackId, p.name AS ownerName, COALESCE(p.email, s.email) AS ownerEmail
    FROM loop_alerts a
    JOIN agent_sessions s ON s.session_id = a.session_id
    LEFT JOIN people p ON p.id = s.person_id
    WHERE ${filter} AND a.status = 'open'
    ORDER BY a.fired_at DESC, a.id DESC
    LIMIT ?`;
}

export type MetricsRepo = ReturnType<typeof metricsRepo>;
