// Delivered work: commits, merged pull requests, stories, sprints, their links (work_links), and the
// idempotency of webhook deliveries (processed_deliveries). Callers wrap a delivery in one transaction.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

/** an agent session's activity window, for linking a commit to the session it came from */
export interface SessionWindow {
  session_id: string;
  started_at: number;
  last_activity_at: number;
  repo: string | null;
}

export interface CommitRow {
  id: number;
  repo: string;
  sha: string;
  ts: number;
  author_email: string | null;
  author_name: string | null;
  person_id: number | null;
  team_id: number | null;
  branch: string | null;
  subject: string | null;
  ai_assisted: 0 | 1;
  ai_markers: string | null;
  session_id: string | null;
  source: string;
}

export type NewCommit = Omit<CommitRow, 'id'>;

export interface PullRequestRow {
  id: number;
  repo: string;
  number: number;
  title: string | null;
  branch: string | null;
  author_login: string | null;
  person_id: number | null;
  team_id: number | null;
  merged_at: number;
  additions: number;
  deletions: number;
  ai_assisted: 0 | 1;
  ai_markers: string | null;
  source: string;
}

export type NewPullRequest = Omit<PullRequestRow, 'id'>;

export interface StoryRow {
  id: number;
  source: string;
  external_id: string;
  key: string | null;
  title: string | null;
  points: number | null;
  done: 0 | 1;
  done_at: number | null;
  sprint_id: number | null;
  team_id: number | null;
  person_id: number | null;
  assignee_ref: string | null;
  project_key: string | null;
  ai_assisted: 0 | 1;
  updated_at: number;
}

export type StoryWrite = Omit<StoryRow, 'id'>;

export interface SprintRow {
  id: number;
  source: string;
  external_id: string;
  name: string | null;
  state: string | null;
  team_id: number | null;
  starts_at: number | null;
  ends_at: number | null;
  completed_at: number | null;
}

export type SprintWrite = Omit<SprintRow, 'id'>;

export function deliveryRepo(db: Db) {
  return memoForDb(db, 'delivery', () => {
    const s = {
      deliveryInsert: db.prepare(
        'INSERT INTO processed_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      commitInsert: db.prepare(
        `INSERT INTO commits (repo, sha, ts, author_email, author_name, person_id, team_id, branch, subject,
           ai_assisted, ai_markers, session_id, source)
         VALUES (@repo, @sha, @ts, @author_email, @author_name, @person_id, @team_id, @branch, @subject,
           @ai_assisted, @ai_markers, @session_id, @source)
         ON CONFLICT (repo, sha) DO NOTHING RETURNING id`,
      ),
      commitByRepoSha: db.prepare('SELECT * FROM commits WHERE repo = ? AND sha = ?'),
      commitById: db.prepare('SELECT * FROM commits WHERE id = ?'),
      commitSetSession: db.prepare('UPDATE commits SET session_id = ? WHERE id = ? AND session_id IS NULL'),
      aiCommitOnBranch: db.prepare(
        'SELECT 1 FROM commits WHERE repo = ? AND branch = ? AND ai_assisted = 1 AND ts <= ? LIMIT 1',
      ),
      prByRepoNumber: db.prepare('SELECT * FROM pull_requests WHERE repo = ? AND number = ?'),
      prUpsert: db.prepare(
        `INSERT INTO pull_requests (repo, number, title, branch, author_login, person_id, team_id, merged_at,
           additions, deletions, ai_assisted, ai_markers, source)
         VALUES (@repo, @number, @title, @branch, @author_login, @person_id, @team_id, @merged_at,
           @additions, @deletions, @ai_assisted, @ai_markers, @source)
         ON CONFLICT (repo, number) DO UPDATE SET title = excluded.title, branch = excluded.branch,
           author_login = excluded.author_login, person_id = excluded.person_id, team_id = excluded.team_id,
           merged_at = excluded.merged_at, additions = excluded.additions, deletions = excluded.deletions,
           ai_assisted = MAX(ai_assisted, excluded.ai_assisted), ai_markers = excluded.ai_markers, source = excluded.source
         RETURNING id`,
      ),
      linkInsert: db.prepare('INSERT INTO work_links (story_key, kind, ref_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      linksOf: db.prepare('SELECT story_key FROM work_links WHERE kind = ? AND ref_id = ? ORDER BY story_key'),
      storyGet: db.prepare('SELECT * FROM stories WHERE source = ? AND external_id = ?'),
      storyInsert: db.prepare(
        `INSERT INTO stories (source, external_id, key, title, points, done, done_at, sprint_id, team_id, person_id,
           assignee_ref, project_key, ai_assisted, updated_at)
         VALUES (@source, @external_id, @key, @title, @points, @done, @done_at, @sprint_id, @team_id, @person_id,
           @assignee_ref, @project_key, @ai_assisted, @updated_at)
         RETURNING id`,
      ),
      storyUpdate: db.prepare(
        `UPDATE stories SET key = @key, title = @title, points = @points, done = @done, done_at = @done_at,
           sprint_id = @sprint_id, team_id = @team_id, person_id = @person_id, assignee_ref = @assignee_ref,
           project_key = @project_key, ai_assisted = MAX(ai_assisted, @ai_assisted), updated_at = @updated_at
         WHERE source = @source AND external_id = @external_id`,
      ),
      storyAi: db.prepare(
        `UPDATE stories SET ai_assisted = 1
         WHERE key = ? AND ai_assisted = 0 AND (
           EXISTS (SELECT 1 FROM work_links w JOIN commits c ON c.id = w.ref_id
                   WHERE w.story_key = stories.key AND w.kind = 'commit' AND c.ai_assisted = 1)
           OR EXISTS (SELECT 1 FROM work_links w JOIN pull_requests p ON p.id = w.ref_id
                   WHERE w.story_key = stories.key AND w.kind = 'pr' AND p.ai_assisted = 1))`,
      ),
      storiesByKey: db.prepare('SELECT * FROM stories WHERE key = ?'),
      sprintUpsertEvent: db.prepare(
        `INSERT INTO sprints (source, external_id, name, state, team_id, starts_at, ends_at, completed_at)
         VALUES (@source, @external_id, @name, @state, @team_id, @starts_at, @ends_at, @completed_at)
         ON CONFLICT (source, external_id) DO UPDATE SET name = COALESCE(excluded.name, name),
           state = COALESCE(excluded.state, state), team_id = COALESCE(team_id, excluded.team_id),
           starts_at = COALESCE(excluded.starts_at, starts_at), ends_at = COALESCE(excluded.ends_at, ends_at),
           completed_at = COALESCE(excluded.completed_at, completed_at)
         RETURNING id`,
      ),
      // an issue's copy of its sprint may be older than a sprint_closed we already have: never reopen it
      sprintUpsertSeen: db.prepare(
        `INSERT INTO sprints (source, external_id, name, state, team_id, starts_at, ends_at, completed_at)
         VALUES (@source, @external_id, @name, @state, @team_id, @starts_at, @ends_at, @completed_at)
         ON CONFLICT (source, external_id) DO UPDATE SET name = COALESCE(excluded.name, name),
           state = CASE WHEN state = 'closed' THEN state ELSE COALESCE(excluded.state, state) END,
           team_id = COALESCE(team_id, excluded.team_id),
           starts_at = COALESCE(excluded.starts_at, starts_at), ends_at = COALESCE(excluded.ends_at, ends_at),
           completed_at = COALESCE(completed_at, excluded.completed_at)
         RETURNING id`,
      ),
      sprintGet: db.prepare('SELECT * FROM sprints WHERE source = ? AND external_id = ?'),
      knownPrefixes: db.prepare(
        `SELECT DISTINCT project_key AS k FROM stories WHERE project_key IS NOT NULL
         UNION SELECT external_id AS k FROM team_mappings WHERE kind = 'project'`,
      ),
      sessionExists: db.prepare('SELECT session_id FROM agent_sessions WHERE session_id = ?'),
      sessionWindows: db.prepare(
        `SELECT session_id, started_at, last_activity_at, repo FROM agent_sessions
         WHERE person_id = ? AND last_activity_at >= ? AND started_at <= ?`,
      ),
      // commits the session reported itself (claude_code.commit.count), not the commits GitHub linked to it:
      // those would mark every hand-made commit near a session that committed anything as AI-assisted
      agentCommitsNear: db.prepare(
        `SELECT 1 FROM agent_sessions
         WHERE person_id = ? AND telemetry_commits > 0 AND last_activity_at >= ? AND started_at <= ? LIMIT 1`,
      ),
      moveCommits: db.prepare('UPDATE commits SET person_id = ? WHERE person_id = ?'),
      movePrs: db.prepare('UPDATE pull_requests SET person_id = ? WHERE person_id = ?'),
      moveStories: db.prepare('UPDATE stories SET person_id = ? WHERE person_id = ?'),
      attribute: {
        person: [
          db.prepare('UPDATE stories SET team_id = ? WHERE team_id IS NULL AND person_id = ?'),
          db.prepare('UPDATE commits SET team_id = ? WHERE team_id IS NULL AND person_id = ?'),
          db.prepare('UPDATE pull_requests SET team_id = ? WHERE team_id IS NULL AND person_id = ?'),
        ],
        project: [db.prepare('UPDATE stories SET team_id = ? WHERE team_id IS NULL AND project_key = ?')],
      },
    };

    const repo = {
      /** records a delivery id; false when it was already processed (a redelivery) */
      markDelivery: (source: string, deliveryId: string, now: number): boolean =>
        s.deliveryInsert.run(source, deliveryId, now).changes > 0,

      /** inserts a commit unless (repo, sha) is known; returns the row id and whether it is new */
      insertCommit(c: NewCommit): { id: number; inserted: boolean } {
        const r = s.commitInsert.get(c) as { id: number } | undefined;
        if (r) return { id: r.id, inserted: true };
        const existing = s.commitByRepoSha.get(c.repo, c.sha) as CommitRow;
        return { id: existing.id, inserted: false };
      },
      commit: (repoName: string, sha: string) => s.commitByRepoSha.get(repoName, sha) as CommitRow | undefined,
      commitById: (id: number) => s.commitById.get(id) as CommitRow | undefined,
      /** names the session of a commit stored without one; false when it already had one */
      setCommitSession: (id: number, sessionId: string): boolean => s.commitSetSession.run(sessionId, id).changes > 0,
      aiCommitOnBranch: (repoName: string, branch: string, until: number): boolean =>
        s.aiCommitOnBranch.get(repoName, branch, until) !== undefined,

      pullRequest: (repoName: string, number: number) =>
        s.prByRepoNumber.get(repoName, number) as PullRequestRow | undefined,
      /** inserts or refreshes a merged PR (keyed by repo and number) */
      upsertPullRequest(p: NewPullRequest): { id: number; inserted: boolean } {
        const before = s.prByRepoNumber.get(p.repo, p.number);
        const r = s.prUpsert.get(p) as { id: number };
        return { id: r.id, inserted: before === undefined };
      },

      /** links a commit or PR to story keys; returns how many links are new */
      link(kind: 'commit' | 'pr', refId: number, keys: readonly string[]): number {
        let n = 0;
        for (const k of keys) n += s.linkInsert.run(k, kind, refId).changes;
        return n;
      },
      linksOf: (kind: 'commit' | 'pr', refId: number) =>
        (s.linksOf.all(kind, refId) as Array<{ story_key: string }>).map((r) => r.story_key),

      story: (source: string, externalId: string) => s.storyGet.get(source, externalId) as StoryRow | undefined,
      storiesByKey: (key: string) => s.storiesByKey.all(key) as StoryRow[],
      /** writes a story (insert or full update; ai_assisted only ever rises) */
      writeStory(st: StoryWrite): number {
        const before = s.storyGet.get(st.source, st.external_id) as StoryRow | undefined;
        if (before) {
          s.storyUpdate.run(st);
          return before.id;
        }
        return (s.storyInsert.get(st) as { id: number }).id;
      },
      /** marks the stories with these keys AI-assisted when a linked commit or PR is; returns how many changed */
      refreshStoryAi(keys: readonly string[]): number {
        let n = 0;
        for (const k of keys) n += s.storyAi.run(k).changes;
        return n;
      },

      /** from a sprint or cycle event: its fields win */
      upsertSprintFromEvent: (sp: SprintWrite) => (s.sprintUpsertEvent.get(sp) as { id: number }).id,
      /** from an issue's copy of its sprint: fills gaps, never reopens a closed sprint */
      upsertSprintSeen: (sp: SprintWrite) => (s.sprintUpsertSeen.get(sp) as { id: number }).id,
      sprint: (source: string, externalId: string) => s.sprintGet.get(source, externalId) as SprintRow | undefined,

      /** Jira project keys and Linear team keys seen in stories or team mappings */
      knownKeyPrefixes(): Set<string> {
        const out = new Set<string>();
        for (const r of s.knownPrefixes.all() as Array<{ k: string }>) {
          const k = r.k.trim().toUpperCase();
          if (/^[A-Z][A-Z0-9]{1,9}$/.test(k)) out.add(k);
        }
        return out;
      },

      /** the first of these ids that names a known agent session */
      existingSession(ids: readonly string[]): string | undefined {
        for (const id of ids) {
          const r = s.sessionExists.get(id) as { session_id: string } | undefined;
          if (r) return r.session_id;
        }
        return undefined;
      },
      /** a person's sessions whose activity (with the grace after it) may contain `ts` */
      sessionWindows: (personId: number, ts: number, graceMs: number) =>
        s.sessionWindows.all(personId, ts - graceMs, ts) as SessionWindow[],
      /** whether the person had a session reporting commits within ±windowMs of `ts` */
      agentCommitsNear: (personId: number, ts: number, windowMs: number): boolean =>
        s.agentCommitsNear.get(personId, ts - windowMs, ts + windowMs) !== undefined,

      /**
       * Moves delivered work from a placeholder person (e.g. a Jira accountId seen without an email)
       * to the person an admin linked it to. Call inside the transaction that moves the identity.
       */
      /** gives work without a team to a team: a person's stories, commits and PRs, or a project's stories */
      attributeUnattributed(by: 'person' | 'project', value: number | string, teamId: number): { stories: number; commits: number; pullRequests: number } {
        const [stories, commits, prs] = s.attribute[by].map((st) => st.run(teamId, value).changes);
        return { stories: stories ?? 0, commits: commits ?? 0, pullRequests: prs ?? 0 };
      },
      movePersonWork(fromPersonId: number, toPersonId: number): void {
        s.moveCommits.run(toPersonId, fromPersonId);
        s.movePrs.run(toPersonId, fromPersonId);
        s.moveStories.run(toPersonId, fromPersonId);
      },
    };
    return repo;
  });
}

export type DeliveryRepo = ReturnType<typeof deliveryRepo>;
