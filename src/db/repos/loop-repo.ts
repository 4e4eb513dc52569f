// Loop alerts (loop_alerts) and the reads loop detection needs over agent_sessions (with their owner
// and alerts). Session aggregates, tool results and closing belong to session-repo; here only the
// loop-specific flag `expected`, the judgements waiting to settle (loop_watch) and the owners'
// requests to have a session marked expected (loop_expect_requests).
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

/** loop_alerts.rule: the rules of src/loops/loop-rules.ts */
export type LoopRule = 'no_commit_burn' | 'repeating_failure' | 'burn_without_change';
/** loop_alerts.status (its CHECK constraint) */
export type AlertStatus = 'open' | 'acknowledged' | 'snoozed' | 'expected';

/** An agent_sessions row with its owner (people row by person_id, else by the session's email). */
export interface LoopSession {
  session_id: string;
  source: string;
  person_id: number | null;
  team_id: number | null;
  email: string | null;
  repo: string | null;
  project: string | null;
  started_at: number;
  last_activity_at: number;
  cost_usd: number;
  commits: number;
  lines_added: number;
  lines_removed: number;
  last_commit_at: number | null;
  cost_at_last_commit: number;
  lines_at_last_commit: number;
  status: 'active' | 'closed';
  closed_at: number | null;
  expected: number;
  owner_person_id: number | null;
  owner_slack_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
}

export interface LoopAlertRow {
  id: number;
  session_id: string;
  rule: LoopRule;
  status: AlertStatus;
  team_id: number | null;
  fired_at: number;
  /** when the latest level was sent; button presses set acted_at instead */
  updated_at: number;
  level: number;
  cost_at_alert: number;
  next_alert_cost: number;
  reason: string;
  snoozed_until: number | null;
  acted_by: string | null;
  acted_at: number | null;
}

/** A loop judgement waiting for its data to settle (migration 012). */
export interface LoopWatchRow {
  what: string;
  streak_since: number;
  first_seen_at: number;
  rests_on: number;
}

export interface ExpectRequestRow {
  id: number;
  session_id: string;
  alert_id: number;
  team_id: number | null;
  requested_by: string;
  requested_at: number;
  /** JSON array of Slack user ids */
  approvers: string;
  status: 'pending' | 'approved' | 'declined';
  decided_by: string | null;
  decided_at: number | null;
}

/** A session in a list, with its alerts as "rule:status:updated_at" joined by commas. */
export interface SessionListRow extends LoopSession {
  alerts: string | null;
}

export interface AlertRuleCount {
  rule: LoopRule;
  alerts: number;
  expected: number;
}

/** A pending request with what a decider needs to see: its session, owner, team and alert rule. */
export interface PendingExpectRequestRow {
  id: number;
  session_id: string;
  alert_id: number;
  rule: LoopRule;
  team_id: number | null;
  team_name: string | null;
  requested_by: string;
  requested_at: number;
  repo: string | null;
  project: string | null;
  started_at: number;
  last_activity_at: number;
  cost_usd: number;
  owner_slack_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  /** how many requests the same filter finds, before the limit */
  total: number;
}

export interface ExpectedSessionRow {
  session_id: string;
  cost_usd: number;
  started_at: number;
  last_activity_at: number;
}

const SESSION_COLUMNS = `s.session_id, s.source, s.person_id, s.team_id, s.email, s.repo, s.project, s.started_at,
  s.last_activity_at, s.cost_usd, s.commits, s.lines_added, s.lines_removed, s.last_commit_at, s.cost_at_last_commit,
  s.lines_at_last_commit, s.status, s.closed_at, s.expected,
  p.id AS owner_person_id, p.slack_user_id AS owner_slack_id, p.name AS owner_name, COALESCE(p.email, s.email) AS owner_email`;

// the owner: the session's person, else a person with the session's email (people.email is NOCASE)
const OWNER_JOIN = `LEFT JOIN people p ON p.id = COALESCE(s.person_id, (SELECT id FROM people WHERE email = s.email))`;

const ALERTS_OF_SESSION = `(SELECT group_concat(a.rule || ':' || a.status || ':' || a.updated_at, ',')
  FROM loop_alerts a WHERE a.session_id = s.session_id) AS alerts`;

// an alert still looping: open or snoozed, on an active session, with no commit since it was sent
const LOOPING = `s.status = 'active' AND EXISTS (SELECT 1 FROM loop_alerts a WHERE a.session_id = s.session_id
  AND a.status IN ('open', 'snoozed') AND (s.last_commit_at IS NULL OR s.last_commit_at <= a.updated_at))`;

// pending requests a user may decide: never one they asked for, nor one on their own session (the
// rule of src/loops/presses.ts); newest first, with the count before the limit
const PENDING_REQUESTS = (scope: string) => `SELECT r.id, r.session_id, r.alert_id, a.rule, r.team_id, t.name AS team_name,
  r.requested_by, r.requested_at, s.repo, s.project, s.started_at, s.last_activity_at, s.cost_usd,
  p.slack_user_id AS owner_slack_id, p.name AS owner_name, COALESCE(p.email, s.email) AS owner_email,
  COUNT(*) OVER () AS total
  FROM loop_expect_requests r
  JOIN agent_sessions s ON s.session_id = r.session_id
  JOIN loop_alerts a ON a.id = r.alert_id
  LEFT JOIN teams t ON t.id = r.team_id
  ${OWNER_JOIN}
  WHERE r.status = 'pending' AND ${scope}
    AND r.requested_by <> @user AND (p.slack_user_id IS NULL OR p.slack_user_id <> @user)
  ORDER BY r.requested_at DESC, r.id DESC LIMIT @limit`;

export function loopRepo(db: Db) {
  return memoForDb(db, 'loop', () => {
    const s = {
      count: db.prepare('SELECT COUNT(*) AS n FROM loop_alerts'),
      session: db.prepare(`SELECT ${SESSION_COLUMNS} FROM agent_sessions s ${OWNER_JOIN} WHERE s.session_id = ?`),
      activeIds: db.prepare(
        `SELECT session_id FROM agent_sessions WHERE status = 'active' AND expected = 0 ORDER BY last_activity_at`,
      ),
      idleIds: db.prepare(`SELECT session_id FROM agent_sessions WHERE status = 'active' AND last_activity_at < ?`),
      setExpected: db.prepare(`UPDATE agent_sessions SET expected = 1 WHERE session_id = ?`),
      alertsOf: db.prepare(`SELECT * FROM loop_alerts WHERE session_id = ? ORDER BY id`),
      alertById: db.prepare(`SELECT * FROM loop_alerts WHERE id = ?`),
      insert: db.prepare(
        `INSERT INTO loop_alerts (session_id, rule, status, team_id, fired_at, updated_at, level, cost_at_alert, next_alert_cost, reason)
         VALUES (?, ?, 'open', ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (session_id, rule) DO NOTHING`,
      ),
      escalate: db.prepare(
        `UPDATE loop_alerts SET level = ?, status = 'open', snoozed_until = NULL, cost_at_alert = ?, next_alert_cost = ?,
           reason = ?, updated_at = ? WHERE id = ? AND level = ?`,
      ),
      act: db.prepare(`UPDATE loop_alerts SET status = ?, acted_by = ?, acted_at = ?, snoozed_until = ? WHERE id = ?`),
      // acknowledged alerts too: an acknowledgement leaves the session in the waste figure, this takes it out
      expectAll: db.prepare(
        `UPDATE loop_alerts SET status = 'expected', acted_by = ?, acted_at = ?, snoozed_until = NULL
         WHERE session_id = ? AND status IN ('open', 'snoozed', 'acknowledged') RETURNING id`,
      ),
      watches: db.prepare('SELECT what, streak_since, first_seen_at, rests_on FROM loop_watch WHERE session_id = ?'),
      watchUpsert: db.prepare(
        `INSERT INTO loop_watch (session_id, what, streak_since, first_seen_at, rests_on) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (session_id, what) DO UPDATE SET streak_since = excluded.streak_since,
           first_seen_at = excluded.first_seen_at, rests_on = excluded.rests_on`,
      ),
      watchDelete: db.prepare('DELETE FROM loop_watch WHERE session_id = ? AND what = ?'),
      watchDeleteAll: db.prepare('DELETE FROM loop_watch WHERE session_id = ?'),
      requestInsert: db.prepare(
        `INSERT INTO loop_expect_requests (session_id, alert_id, team_id, requested_by, requested_at, approvers, status)
         VALUES (?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING`,
      ),
      requestById: db.prepare('SELECT * FROM loop_expect_requests WHERE id = ?'),
      latestRequest: db.prepare('SELECT * FROM loop_expect_requests WHERE session_id = ? ORDER BY id DESC LIMIT 1'),
      pendingRequest: db.prepare(`SELECT * FROM loop_expect_requests WHERE session_id = ? AND status = 'pending'`),
      decideRequest: db.prepare(
        `UPDATE loop_expect_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'pending'`,
      ),
      pendingForApprover: db.prepare(
        PENDING_REQUESTS('r.team_id IN (SELECT team_id FROM team_approvers WHERE slack_user_id = @user)'),
      ),
      pendingForAdmin: db.prepare(PENDING_REQUESTS('1')),
      recentTeam: db.prepare(
        `SELECT ${SESSION_COLUMNS}, ${ALERTS_OF_SESSION} FROM agent_sessions s ${OWNER_JOIN}
         WHERE s.team_id = ? AND s.last_activity_at >= ? ORDER BY s.last_activity_at DESC LIMIT ?`,
      ),
      recentPerson: db.prepare(
        `SELECT ${SESSION_COLUMNS}, ${ALERTS_OF_SESSION} FROM agent_sessions s ${OWNER_JOIN}
         WHERE s.person_id = ? AND s.last_activity_at >= ? ORDER BY s.last_activity_at DESC LIMIT ?`,
      ),
      loopingTeam: db.prepare(
        `SELECT ${SESSION_COLUMNS}, ${ALERTS_OF_SESSION} FROM agent_sessions s ${OWNER_JOIN}
         WHERE s.team_id = ? AND ${LOOPING} ORDER BY s.last_activity_at DESC LIMIT ?`,
      ),
      loopingPerson: db.prepare(
        `SELECT ${SESSION_COLUMNS}, ${ALERTS_OF_SESSION} FROM agent_sessions s ${OWNER_JOIN}
         WHERE s.person_id = ? AND ${LOOPING} ORDER BY s.last_activity_at DESC LIMIT ?`,
      ),
      ruleCounts: db.prepare(
        `SELECT rule, COUNT(*) AS alerts, COALESCE(SUM(status = 'expected'), 0) AS expected
         FROM loop_alerts WHERE team_id = ? AND fired_at >= ? GROUP BY rule ORDER BY rule`,
      ),
      alertedSessions: db.prepare(
        `SELECT COUNT(DISTINCT session_id) AS n FROM loop_alerts WHERE team_id = ? AND fired_at >= ?`,
      ),
      expectedSessions: db.prepare(
        `SELECT s.session_id, s.cost_usd, s.started_at, s.last_activity_at FROM agent_sessions s
         WHERE s.session_id IN (SELECT session_id FROM loop_alerts WHERE team_id = ? AND fired_at >= ? AND status = 'expected')
         ORDER BY s.started_at`,
      ),
    };

    return {
      /** how many loop alerts were ever raised */
      count: () => (s.count.get() as { n: number }).n,
      session: (id: string) => s.session.get(id) as LoopSession | undefined,
      /** sessions still to watch: active and not marked expected */
      activeSessionIds: () => (s.activeIds.all() as Array<{ session_id: string }>).map((r) => r.session_id),
      idleSessionIds: (lastActivityBefore: number) =>
        (s.idleIds.all(lastActivityBefore) as Array<{ session_id: string }>).map((r) => r.session_id),
      markSessionExpected: (id: string) => void s.setExpected.run(id),

      alertsOf: (sessionId: string) => s.alertsOf.all(sessionId) as LoopAlertRow[],
      alertById: (id: number) => s.alertById.get(id) as LoopAlertRow | undefined,
      /** false when the session already has an alert for this rule */
      insertAlert(a: {
        sessionId: string;
        rule: LoopRule;
        teamId: number | null;
        now: number;
        costAtAlert: number;
        nextAlertCost: number;
        reason: string;
      }): LoopAlertRow | undefined {
        const r = s.insert.run(a.sessionId, a.rule, a.teamId, a.now, a.now, a.costAtAlert, a.nextAlertCost, a.reason);
        if (r.changes !== 1) return undefined;
        return s.alertById.get(r.lastInsertRowid) as LoopAlertRow;
      },
      /** moves an alert from `fromLevel` to the next level; false if another run got there first */
      escalateAlert(a: { id: number; fromLevel: number; costAtAlert: number; nextAlertCost: number; reason: string; now: number }): boolean {
        return s.escalate.run(a.fromLevel + 1, a.costAtAlert, a.nextAlertCost, a.reason, a.now, a.id, a.fromLevel).changes === 1;
      },
      actOnAlert: (id: number, status: AlertStatus, actedBy: string, at: number, snoozedUntil: number | null) =>
        void s.act.run(status, actedBy, at, snoozedUntil, id),
      /** every alert of the session not yet expected becomes expected; returns their ids */
      expectSessionAlerts: (sessionId: string, actedBy: string, at: number) =>
        (s.expectAll.all(actedBy, at, sessionId) as Array<{ id: number }>).map((r) => r.id),

      watchesOf: (sessionId: string) => s.watches.all(sessionId) as LoopWatchRow[],
      saveWatch: (sessionId: string, w: LoopWatchRow) => void s.watchUpsert.run(sessionId, w.what, w.streak_since, w.first_seen_at, w.rests_on),
      dropWatch: (sessionId: string, what: string) => void s.watchDelete.run(sessionId, what),
      dropWatches: (sessionId: string) => void s.watchDeleteAll.run(sessionId),

      /** a pending request; undefined when the session already has one pending */
      insertExpectRequest(r: { sessionId: string; alertId: number; teamId: number | null; requestedBy: string; at: number; approvers: string[] }) {
        const res = s.requestInsert.run(r.sessionId, r.alertId, r.teamId, r.requestedBy, r.at, JSON.stringify(r.approvers));
        return res.changes === 1 ? (s.requestById.get(res.lastInsertRowid) as ExpectRequestRow) : undefined;
      },
      expectRequest: (id: number) => s.requestById.get(id) as ExpectRequestRow | undefined,
      latestExpectRequest: (sessionId: string) => s.latestRequest.get(sessionId) as ExpectRequestRow | undefined,
      pendingExpectRequest: (sessionId: string) => s.pendingRequest.get(sessionId) as ExpectRequestRow | undefined,
      /** ends a pending request; false when it was no longer pending (another decision won) */
      decideExpectRequest: (id: number, status: 'approved' | 'declined', by: string, at: number) =>
        s.decideRequest.run(status, by, at, id).changes === 1,

      /**
       * Pending requests `user` may decide, newest first, at most `limit`: of the teams they approve, or
       * of every team (and none) for an admin; never their own.
       */
      pendingExpectRequestsFor: (user: string, isAdmin: boolean, limit: number) =>
        (isAdmin ? s.pendingForAdmin : s.pendingForApprover).all({ user, limit }) as PendingExpectRequestRow[],

      recentForTeam: (teamId: number, sinceMs: number, limit: number) =>
        s.recentTeam.all(teamId, sinceMs, limit) as SessionListRow[],
      recentForPerson: (personId: number, sinceMs: number, limit: number) =>
        s.recentPerson.all(personId, sinceMs, limit) as SessionListRow[],
      /** active sessions with an open or snoozed alert and no commit since it was sent */
      loopingForTeam: (teamId: number, limit: number) => s.loopingTeam.all(teamId, limit) as SessionListRow[],
      loopingForPerson: (personId: number, limit: number) => s.loopingPerson.all(personId, limit) as SessionListRow[],

      ruleCounts: (teamId: number, sinceMs: number) => s.ruleCounts.all(teamId, sinceMs) as AlertRuleCount[],
      alertedSessionCount: (teamId: number, sinceMs: number) => (s.alertedSessions.get(teamId, sinceMs) as { n: number }).n,
      expectedSessions: (teamId: number, sinceMs: number) => s.expectedSessions.all(teamId, sinceMs) as ExpectedSessionRow[],
    };
  });
}

export type LoopRepo = ReturnType<typeof loopRepo>;
