// Agent sessions (one row per Claude Code session.id or generic session_id) and their tool results.
// Usage totals (cost, tokens, api_requests) are added by the usage repository for counted rows only;
// this repository keeps identity, activity and the delivery counters.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface AgentSession {
  session_id: string;
  source: string;
  person_id: number | null;
  team_id: number | null;
  email: string | null;
  account_uuid: string | null;
  repo: string | null;
  project: string | null;
  started_at: number;
  last_activity_at: number;
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  api_requests: number;
  has_events: number;
  commits: number;
  pull_requests: number;
  lines_added: number;
  lines_removed: number;
  tool_failures: number;
  prompts: number;
  active_seconds: number;
  last_commit_at: number | null;
  cost_at_last_commit: number;
  lines_at_last_commit: number;
  status: 'active' | 'closed';
  closed_at: number | null;
  expected: number;
}

export interface EnsureSessionInput {
  sessionId: string;
  source: string;
  at: number;
  personId: number | null;
  teamId: number | null;
  email?: string | null;
  accountUuid?: string | null;
  project?: string | null;
  repo?: string | null;
}

/** Counters gathered over a batch and applied once. */
export interface SessionCounters {
  firstAt: number;
  lastAt: number;
  commits: number;
  lastCommitAt: number;
  pullRequests: number;
  linesAdded: number;
  linesRemoved: number;
  toolFailures: number;
  prompts: number;
  activeSeconds: number;
}

export interface SessionUsageDelta {
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
}

export interface ToolResultInput {
  idemKey: string;
  sessionId: string;
  at: number;
  toolName: string;
  success: boolean;
  /** short hash of the normalized error text, never the text */
  errorSig: string | null;
}

export interface ToolResultRow {
  ts: number;
  tool_name: string;
  success: number;
  error_sig: string | null;
}

interface SessionIdentity {
  has_events: number;
  person_id: number | null;
  team_id: number | null;
  email: string | null;
  account_uuid: string | null;
  project: string | null;
  repo: string | null;
}

function fillsIn(cur: SessionIdentity, i: EnsureSessionInput): boolean {
  return (
    (cur.person_id === null && i.personId !== null) ||
    (cur.team_id === null && i.teamId !== null) ||
    (cur.email === null && !!i.email) ||
    (cur.account_uuid === null && !!i.accountUuid) ||
    (cur.project === null && !!i.project) ||
    (cur.repo === null && !!i.repo)
  );
}

export function emptyCounters(at: number): SessionCounters {
  return {
    firstAt: at,
    lastAt: at,
    commits: 0,
    lastCommitAt: 0,
    pullRequests: 0,
    linesAdded: 0,
    linesRemoved: 0,
    toolFailures: 0,
    prompts: 0,
    activeSeconds: 0,
  };
}

export function sessionRepo(db: Db) {
  return memoForDb(db, 'sessions', () => {
    const s = {
      ensure: db.prepare(
        `INSERT INTO agent_sessions (session_id, source, person_id, team_id, email, account_uuid, project, repo, started_at, last_activity_at)
         VALUES (@sessionId, @source, @personId, @teamId, @email, @accountUuid, @project, @repo, @at, @at)
         ON CONFLICT (session_id) DO UPDATE SET
           person_id = COALESCE(agent_sessions.person_id, excluded.person_id),
           team_id = COALESCE(agent_sessions.team_id, excluded.team_id),
           email = COALESCE(agent_sessions.email, excluded.email),
           account_uuid = COALESCE(agent_sessions.account_uuid, excluded.account_uuid),
           project = COALESCE(agent_sessions.project, excluded.project),
           repo = COALESCE(agent_sessions.repo, excluded.repo)
         RETURNING has_events, team_id`,
      ),
      peek: db.prepare('SELECT has_events, person_id, team_id, email, account_uuid, project, repo FROM agent_sessions WHERE session_id = ?'),
      setHasEvents: db.prepare('UPDATE agent_sessions SET has_events = 1 WHERE session_id = ? AND has_events = 0'),
      counters: db.prepare(
        `UPDATE agent_sessions SET
           started_at = MIN(started_at, @firstAt),
           last_activity_at = MAX(last_activity_at, @lastAt),
           status = CASE WHEN status = 'closed' AND @lastAt > COALESCE(closed_at, 0) THEN 'active' ELSE status END,
           closed_at = CASE WHEN status = 'closed' AND @lastAt > COALESCE(closed_at, 0) THEN NULL ELSE closed_at END,
           pull_requests = pull_requests + @pullRequests,
           lines_added = lines_added + @linesAdded,
           lines_removed = lines_removed + @linesRemoved,
           tool_failures = tool_failures + @toolFailures,
           prompts = prompts + @prompts,
           active_seconds = active_seconds + @activeSeconds
         WHERE session_id = @sessionId`,
      ),
      // a commit resets the "spend since last commit" streak; a late, older commit only adds to the count
      commit: db.prepare(
        `UPDATE agent_sessions SET
           telemetry_commits = telemetry_commits + @count,
           commits = MAX(telemetry_commits + @count, (SELECT COUNT(*) FROM commits c WHERE c.session_id = @sessionId)),
           cost_at_last_commit = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN cost_usd ELSE cost_at_last_commit END,
           lines_at_last_commit = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN lines_added + lines_removed ELSE lines_at_last_commit END,
           last_commit_at = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN @at ELSE last_commit_at END
         WHERE session_id = @sessionId`,
      ),
      // a pushed or generic commit linked to the session: Claude Code's commit.count usually reports
      // the same commit, so the count is the larger of the two sources (migration 010), not their sum
      linkedCommit: db.prepare(
        `UPDATE agent_sessions SET
           commits = MAX(telemetry_commits, (SELECT COUNT(*) FROM commits c WHERE c.session_id = @sessionId)),
           cost_at_last_commit = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN cost_usd ELSE cost_at_last_commit END,
           lines_at_last_commit = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN lines_added + lines_removed ELSE lines_at_last_commit END,
           last_commit_at = CASE WHEN last_commit_at IS NULL OR @at >= last_commit_at THEN @at ELSE last_commit_at END
         WHERE session_id = @sessionId`,
      ),
      usage: db.prepare(
        `UPDATE agent_sessions SET cost_usd = cost_usd + ?, input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
           cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?, api_requests = api_requests + ?
         WHERE session_id = ?`,
      ),
      bySession: db.prepare('SELECT * FROM agent_sessions WHERE session_id = ?'),
      recentForTeam: db.prepare(
        'SELECT * FROM agent_sessions WHERE team_id = ? AND last_activity_at >= ? ORDER BY last_activity_at DESC LIMIT ?',
      ),
      recentUnattributed: db.prepare(
        'SELECT * FROM agent_sessions WHERE team_id IS NULL AND last_activity_at >= ? ORDER BY last_activity_at DESC LIMIT ?',
      ),
      recentForPerson: db.prepare(
        'SELECT * FROM agent_sessions WHERE person_id = ? AND last_activity_at >= ? ORDER BY last_activity_at DESC LIMIT ?',
      ),
      activeSince: db.prepare(
        `SELECT * FROM agent_sessions WHERE status = 'active' AND last_activity_at >= ? ORDER BY last_activity_at DESC`,
      ),
      close: db.prepare(`UPDATE agent_sessions SET status = 'closed', closed_at = ? WHERE session_id = ? AND status = 'active'`),
      toolInsert: db.prepare(
        `INSERT INTO session_tool_results (idem_key, session_id, ts, tool_name, success, error_sig)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
      ),
      claim: db.prepare(
        'INSERT INTO processed_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      attributePerson: db.prepare('UPDATE agent_sessions SET team_id = ? WHERE team_id IS NULL AND person_id = ?'),
      attributeProject: db.prepare('UPDATE agent_sessions SET team_id = ? WHERE team_id IS NULL AND project = ?'),
      // a session's loop alerts carry its team (waste and alert lists read it)
      alertsFollow: db.prepare(
        `UPDATE loop_alerts SET team_id = (SELECT s.team_id FROM agent_sessions s WHERE s.session_id = loop_alerts.session_id)
         WHERE team_id IS NULL AND session_id IN (SELECT session_id FROM agent_sessions WHERE team_id IS NOT NULL)`,
      ),
      recentTools: db.prepare(
        'SELECT ts, tool_name, success, error_sig FROM session_tool_results WHERE session_id = ? ORDER BY ts DESC, id DESC LIMIT ?',
      ),
    };

    return {
      /** Creates the session on first sight; later sightings fill in owner and team when they were unknown. Returns has_events. */
      ensure(i: EnsureSessionInput): { hasEvents: boolean; teamId: number | null } {
        // most sightings are of a known session with nothing new to fill in: read, do not write
        const cur = s.peek.get(i.sessionId) as SessionIdentity | undefined;
        if (cur && !fillsIn(cur, i)) return { hasEvents: cur.has_events === 1, teamId: cur.team_id };
        const r = s.ensure.get({
          sessionId: i.sessionId,
          source: i.source,
          personId: i.personId,
          teamId: i.teamId,
          email: i.email ?? null,
          accountUuid: i.accountUuid ?? null,
          project: i.project ?? null,
          repo: i.repo ?? null,
          at: i.at,
        }) as { has_events: number; team_id: number | null };
        return { hasEvents: r.has_events === 1, teamId: r.team_id };
      },
      /** true when this call changed it (the session's first api_request event) */
      setHasEvents: (sessionId: string): boolean => s.setHasEvents.run(sessionId).changes > 0,
      /** activity window and counters of one batch; commits last, so cost_at_last_commit sees this batch's cost */
      applyCounters(sessionId: string, c: SessionCounters): void {
        s.counters.run({ sessionId, ...c });
        if (c.commits > 0) s.commit.run({ sessionId, count: c.commits, at: c.lastCommitAt });
      },
      addUsage(sessionId: string, d: SessionUsageDelta): void {
        s.usage.run(d.cost, d.input, d.output, d.cacheRead, d.cacheWrite, d.requests, sessionId);
      },
      /**
       * A commit made in this session, from any source (telemetry commit.count, a pushed commit with a
       * `Claude-Session:` trailer, a generic commit event with session_id). Resets the streak: last_commit_at,
       * cost_at_last_commit and lines_at_last_commit move to now. Returns false when there is no such session
       * (nothing is created).
       */
      recordCommit(sessionId: string, at: number, count = 1): boolean {
        return s.commit.run({ sessionId, count, at }).changes > 0;
      },
      /**
       * A commit row (commits table, session_id already set) linked to this session by a trailer, a
       * generic event or its activity window: resets the streak like recordCommit, and counts commits
       * as the larger of telemetry's count and the linked rows, so one commit seen twice counts once.
       */
      recordLinkedCommit(sessionId: string, at: number): boolean {
        return s.linkedCommit.run({ sessionId, at }).changes > 0;
      },
      bySession: (sessionId: string) => s.bySession.get(sessionId) as AgentSession | undefined,
      /** sessions of a team (null: unattributed) active since `sinceMs`, most recent first */
      recentForTeam(teamId: number | null, sinceMs: number, limit: number): AgentSession[] {
        return (teamId === null || teamId === 0
          ? s.recentUnattributed.all(sinceMs, limit)
          : s.recentForTeam.all(teamId, sinceMs, limit)) as AgentSession[];
      },
      recentForPerson: (personId: number, sinceMs: number, limit: number) =>
        s.recentForPerson.all(personId, sinceMs, limit) as AgentSession[],
      /** open sessions with activity since `ms` */
      activeSince: (ms: number) => s.activeSince.all(ms) as AgentSession[],
      /** marks an active session closed; false when it was not active */
      close: (sessionId: string, at: number): boolean => s.close.run(at, sessionId).changes > 0,
      /** true when new (not a replay) */
      insertToolResult(t: ToolResultInput): boolean {
        return s.toolInsert.run(t.idemKey, t.sessionId, t.at, t.toolName, t.success ? 1 : 0, t.errorSig).changes > 0;
      },
      /** idempotency of telemetry that has no row of its own (prompts, delta counters): true the first time */
      claimOnce: (source: string, key: string, at: number): boolean => s.claim.run(source, key, at).changes > 0,
      /** gives sessions without a team (and their loop alerts) to a team: by person or by project; returns how many */
      attributeUnattributed(by: 'person' | 'project', value: number | string, teamId: number): number {
        const n = (by === 'person' ? s.attributePerson : s.attributeProject).run(teamId, value).changes;
        if (n > 0) s.alertsFollow.run();
        return n;
      },
      /** the last `limit` tool results of a session, most recent first */
      recentToolResults: (sessionId: string, limit: number) => s.recentTools.all(sessionId, limit) as ToolResultRow[],
    };
  });
}

export type SessionRepo = ReturnType<typeof sessionRepo>;
