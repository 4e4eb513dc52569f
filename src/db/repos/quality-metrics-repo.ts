// Read model of delivery quality (docs/quality.md): per scope and period, counts split by AI-assisted
// (1) and the rest (0) — commits reverted, stories reopened, merged PRs' CI first pass, approvals and
// test files — and the spend of rework sessions. Counts only: rates and floors are the quality
// feature's pure rules. Periods are [startMs, endMs) instants (and [from, to) local days for spend).
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';
import type { Scope } from './metrics-repo.js';

/** a team (0: unattributed), the whole org, or one person (their own figures, shown only to them) */
export type QualityScope = Scope | { personId: number };

export interface QualityPeriod {
  startMs: number;
  endMs: number;
  /** local days [from, to), for spend */
  from: string;
  to: string;
}

export interface CommitCounts {
  ai: 0 | 1;
  /** changes made in the period (merges, reverts and rewritten copies left out) */
  commits: number;
  reverted: number;
  /** not reverted (yet) and still inside the window */
  pending: number;
  /** commits whose push listed their files, and those among them that touched a test file */
  withFiles: number;
  testsTouched: number;
}

export interface StoryCounts {
  ai: 0 | 1;
  /** stories that reached done in the period */
  stories: number;
  reopened: number;
  pending: number;
}

export interface PullRequestCounts {
  ai: 0 | 1;
  /** PRs merged in the period (bot PRs without AI markers left out) */
  prs: number;
  withCi: number;
  firstPass: number;
  reviewed: number;
  withFiles: number;
  testsTouched: number;
}

export interface ReworkSpend {
  costUsd: number;
  sessions: number;
  stories: number;
}

export interface ReopenedStory {
  key: string | null;
  title: string | null;
  doneAt: number;
  reopenedAt: number;
  aiAssisted: number;
}

export interface RevertedCommit {
  sha: string;
  repo: string;
  ts: number;
  revertedAt: number;
  aiAssisted: number;
  storyKeys: string | null;
}

type Filter = { sql: (alias: string) => string; params: Record<string, number> };

function filterFor(scope: QualityScope): { key: string; f: Filter } {
  if (scope === 'org') return { key: 'org', f: { sql: () => '1', params: {} } };
  if (typeof scope === 'object') return { key: 'person', f: { sql: (a) => `${a}.person_id = @scopeId`, params: { scopeId: scope.personId } } };
  if (scope === 0) return { key: 'none', f: { sql: (a) => `${a}.team_id IS NULL`, params: {} } };
  return { key: 'team', f: { sql: (a) => `${a}.team_id = @scopeId`, params: { scopeId: scope } } };
}

// a commit is reverted within the window when a revert resolved to it landed no later than window after it
const REVERTED = (c: string) => `EXISTS (SELECT 1 FROM reverted_commits rc JOIN reverts r ON r.id = rc.revert_id
  WHERE rc.commit_id = ${c}.id AND r.at <= ${c}.ts + @window)`;

function commitSql(w: (a: string) => string): string {
  return `
    SELECT ai, COUNT(*) AS commits, COALESCE(SUM(reverted), 0) AS reverted,
      COALESCE(SUM(NOT reverted AND ts + @window > @now), 0) AS pending,
      COALESCE(SUM(files IS NOT NULL), 0) AS withFiles, COALESCE(SUM(test_files > 0), 0) AS testsTouched
    FROM (
      SELECT c.ai_assisted AS ai, c.ts, f.files, f.test_files, ${REVERTED('c')} AS reverted
      FROM commits c LEFT JOIN commit_facts f ON f.commit_id = c.id
      WHERE ${w('c')} AND c.ts >= @start AND c.ts < @end AND COALESCE(f.kind, 'change') = 'change' AND f.same_as IS NULL
    )
    GROUP BY ai`;
}

// reverts that resolved to nothing aispend stored: a revert commit that merely carries a revert PR (on
// its branch, or as its merge commit) is that PR's revert, not another one
function unknownRevertsSql(w: (a: string) => string): string {
  return `
    SELECT COUNT(*) AS n FROM reverts r
    WHERE ${w('r')} AND r.at >= @start AND r.at < @end
      AND NOT EXISTS (SELECT 1 FROM reverted_commits rc WHERE rc.revert_id = r.id)
      AND NOT (r.by_kind = 'commit' AND EXISTS (
        SELECT 1 FROM reverts r2 JOIN pull_requests p ON p.repo = r2.repo AND p.number = CAST(r2.by_ref AS INTEGER)
          LEFT JOIN pr_facts pf ON pf.pr_id = p.id
          JOIN commits c ON c.repo = r.repo AND c.sha = r.by_ref
        WHERE r2.by_kind = 'pr' AND r2.repo = r.repo AND (c.branch = p.branch OR pf.merge_commit_sha = c.sha)))`;
}

function storySql(w: (a: string) => string): string {
  return `
    SELECT ai, COUNT(*) AS stories, COALESCE(SUM(hit), 0) AS reopened, COALESCE(SUM(open AND NOT hit), 0) AS pending
    FROM (
      SELECT s.ai_assisted AS ai,
        MAX(CASE WHEN sp.end_kind = 'reopened' AND sp.ended_at <= sp.done_at + @window THEN 1 ELSE 0 END) AS hit,
        MAX(sp.done_at + @window > @now) AS open
      FROM story_spells sp JOIN stories s ON s.id = sp.story_id
      WHERE ${w('s')} AND sp.done_at >= @start AND sp.done_at < @end
      GROUP BY sp.story_id
    )
    GROUP BY ai`;
}

// The merged PRs of the period, their CI runs (by head branch, by the PR numbers a run names, or by a
// commit of the branch), the first head commit that got a verdict, approvals by someone else before the
// merge, and test files among the branch's commits and the merge commit.
function pullRequestSql(w: (a: string) => string): string {
  return `
    WITH prs AS (
      SELECT p.id, p.repo, p.number, p.branch, p.merged_at, p.ai_assisted AS ai, p.person_id, LOWER(p.author_login) AS author,
        pf.merge_commit_sha AS merge_sha,
        (SELECT MAX(p2.merged_at) FROM pull_requests p2 WHERE p2.repo = p.repo AND p2.branch = p.branch AND p2.merged_at < p.merged_at) AS since
      FROM pull_requests p LEFT JOIN pr_facts pf ON pf.pr_id = p.id
      WHERE ${w('p')} AND p.merged_at >= @start AND p.merged_at < @end
        AND NOT (p.ai_assisted = 0 AND (COALESCE(pf.author_bot, 0) = 1 OR COALESCE(p.author_login, '') LIKE '%[bot]'))
    ),
    branch_commits AS (
      SELECT prs.id AS pr, c.id, c.sha FROM prs JOIN commits c ON c.repo = prs.repo AND c.branch = prs.branch
      WHERE prs.branch IS NOT NULL AND c.ts <= prs.merged_at AND c.ts > COALESCE(prs.since, -1)
    ),
    runs AS (
      SELECT prs.id AS pr, r.id AS run, r.head_sha AS sha, r.verdict, r.attempt, r.started_at FROM prs
        JOIN ci_runs r ON r.repo = prs.repo AND r.head_branch = prs.branch
      WHERE r.started_at <= prs.merged_at AND r.started_at > COALESCE(prs.since, -1)
      UNION
      SELECT prs.id, r.id, r.head_sha, r.verdict, r.attempt, r.started_at FROM prs
        JOIN ci_run_prs x ON x.repo = prs.repo AND x.pr_number = prs.number JOIN ci_runs r ON r.id = x.ci_run_id
      UNION
      SELECT b.pr, r.id, r.head_sha, r.verdict, r.attempt, r.started_at FROM branch_commits b
        JOIN prs ON prs.id = b.pr JOIN ci_runs r ON r.repo = prs.repo AND r.head_sha = b.sha
    ),
    first_sha AS (
      SELECT pr, sha FROM (
        SELECT pr, sha, ROW_NUMBER() OVER (PARTITION BY pr ORDER BY started_at, run) AS rn FROM runs WHERE verdict <> 'none'
      ) WHERE rn = 1
    ),
    ci AS (
      SELECT f.pr, MAX(r.verdict = 'fail' OR r.attempt > 1) AS failed FROM first_sha f JOIN runs r ON r.pr = f.pr AND r.sha = f.sha
      GROUP BY f.pr
    ),
    reviewed AS (
      SELECT DISTINCT prs.id AS pr FROM prs JOIN pr_reviews v ON v.repo = prs.repo AND v.pr_number = prs.number
      WHERE v.state = 'approved' AND v.bot = 0 AND v.submitted_at <= prs.merged_at
        -- IS: a review of a PR whose author is unknown is by someone else
        AND NOT (v.reviewer IS NOT NULL AND v.reviewer IS COALESCE(prs.author, v.pr_author))
        AND NOT (v.reviewer_person_id IS NOT NULL AND v.reviewer_person_id IS prs.person_id)
    ),
    pr_commits AS (
      SELECT pr, id FROM branch_commits
      UNION
      SELECT prs.id, c.id FROM prs JOIN commits c ON c.repo = prs.repo AND c.sha = prs.merge_sha
    ),
    tests AS (
      SELECT pc.pr, MAX(f.test_files > 0) AS touched FROM pr_commits pc JOIN commit_facts f ON f.commit_id = pc.id
      WHERE f.files IS NOT NULL GROUP BY pc.pr
    )
    SELECT prs.ai AS ai, COUNT(*) AS prs, COUNT(ci.pr) AS withCi, COALESCE(SUM(ci.failed = 0), 0) AS firstPass,
      COUNT(reviewed.pr) AS reviewed, COUNT(tests.pr) AS withFiles, COALESCE(SUM(tests.touched), 0) AS testsTouched
    FROM prs LEFT JOIN ci ON ci.pr = prs.id LEFT JOIN reviewed ON reviewed.pr = prs.id LEFT JOIN tests ON tests.pr = prs.id
    GROUP BY prs.ai`;
}

// Rework: usage of sessions that committed to a story after the story was first done, from that first
// done on, in the period's local days; each usage row once (a session reworking two stories included)
function reworkSql(w: (a: string) => string): string {
  return `
    WITH rs AS (SELECT session_id, MIN(since) AS since FROM rework_sessions GROUP BY session_id),
    live AS (
      SELECT rs.session_id, rs.since FROM rs JOIN agent_sessions a ON a.session_id = rs.session_id
      WHERE a.last_activity_at >= @start AND a.started_at < @end AND a.last_activity_at >= rs.since
    ),
    spent AS (
      SELECT live.session_id, SUM(u.cost_usd) AS cost FROM live JOIN usage_records u ON u.session_id = live.session_id
      WHERE u.counted = 1 AND u.ts >= live.since AND u.day >= @from AND u.day < @to AND ${w('u')}
      GROUP BY live.session_id
    )
    SELECT COALESCE(SUM(cost), 0) AS costUsd, COUNT(*) AS sessions,
      (SELECT COUNT(DISTINCT story_id) FROM rework_sessions WHERE session_id IN (SELECT session_id FROM spent)) AS stories
    FROM spent`;
}

function reopenedListSql(w: (a: string) => string): string {
  return `
    SELECT s.key, s.title, sp.done_at AS doneAt, sp.ended_at AS reopenedAt, s.ai_assisted AS aiAssisted
    FROM story_spells sp JOIN stories s ON s.id = sp.story_id
    WHERE ${w('s')} AND sp.done_at >= @start AND sp.done_at < @end AND sp.end_kind = 'reopened' AND sp.ended_at <= sp.done_at + @window
    ORDER BY sp.ended_at DESC LIMIT @limit`;
}

function revertedListSql(w: (a: string) => string): string {
  return `
    SELECT c.sha, c.repo, c.ts, MIN(r.at) AS revertedAt, c.ai_assisted AS aiAssisted,
      (SELECT GROUP_CONCAT(story_key, ', ') FROM work_links WHERE kind = 'commit' AND ref_id = c.id) AS storyKeys
    FROM commits c JOIN reverted_commits rc ON rc.commit_id = c.id JOIN reverts r ON r.id = rc.revert_id
      LEFT JOIN commit_facts f ON f.commit_id = c.id
    WHERE ${w('c')} AND c.ts >= @start AND c.ts < @end AND r.at <= c.ts + @window
      AND COALESCE(f.kind, 'change') = 'change' AND f.same_as IS NULL
    GROUP BY c.id ORDER BY revertedAt DESC LIMIT @limit`;
}

export interface QualityCounts {
  commits: CommitCounts[];
  unknownReverts: number;
  stories: StoryCounts[];
  pullRequests: PullRequestCounts[];
  rework: ReworkSpend;
}

export function qualityMetricsRepo(db: Db) {
  return memoForDb(db, 'quality-metrics', () => {
    const cache = new Map<string, ReturnType<Db['prepare']>>();
    const stmt = (name: string, scopeKey: string, build: () => string) => {
      const k = `${name}:${scopeKey}`;
      let st = cache.get(k);
      if (!st) {
        st = db.prepare(build());
        cache.set(k, st);
      }
      return st;
    };

    const seen = {
      ci: db.prepare('SELECT EXISTS (SELECT 1 FROM ci_runs) AS v'),
      reviews: db.prepare('SELECT EXISTS (SELECT 1 FROM pr_reviews) AS v'),
      files: db.prepare('SELECT EXISTS (SELECT 1 FROM commit_facts WHERE files IS NOT NULL) AS v'),
    };
    const yes = (st: (typeof seen)['ci']) => (st.get() as { v: number }).v === 1;

    return {
      /** whether any CI run, review or push with file lists was ever received (to say what to connect) */
      signalsSeen: () => ({ ci: yes(seen.ci), reviews: yes(seen.reviews), files: yes(seen.files) }),
      /** every count behind the quality figures of a scope and period; `windowMs` is the reverted/reopened window */
      counts(scope: QualityScope, p: QualityPeriod, now: number, windowMs: number): QualityCounts {
        const { key, f } = filterFor(scope);
        const args = { ...f.params, start: p.startMs, end: p.endMs, now, window: windowMs };
        return {
          commits: stmt('commits', key, () => commitSql(f.sql)).all(args) as CommitCounts[],
          unknownReverts: (stmt('unknown', key, () => unknownRevertsSql(f.sql)).get({ ...f.params, start: p.startMs, end: p.endMs }) as { n: number }).n,
          stories: stmt('stories', key, () => storySql(f.sql)).all(args) as StoryCounts[],
          pullRequests: stmt('prs', key, () => pullRequestSql(f.sql)).all({ ...f.params, start: p.startMs, end: p.endMs }) as PullRequestCounts[],
          rework: stmt('rework', key, () => reworkSql(f.sql)).get({
            ...f.params,
            start: p.startMs,
            end: p.endMs,
            from: p.from,
            to: p.to,
          }) as ReworkSpend,
        };
      },
      /** stories done in the period and reopened within the window, latest reopen first */
      reopenedStories(scope: QualityScope, p: QualityPeriod, windowMs: number, limit = 5): ReopenedStory[] {
        const { key, f } = filterFor(scope);
        return stmt('reopened', key, () => reopenedListSql(f.sql)).all({
          ...f.params,
          start: p.startMs,
          end: p.endMs,
          window: windowMs,
          limit,
        }) as ReopenedStory[];
      },
      /** commits made in the period and reverted within the window, latest revert first */
      revertedCommits(scope: QualityScope, p: QualityPeriod, windowMs: number, limit = 5): RevertedCommit[] {
        const { key, f } = filterFor(scope);
        return stmt('reverted', key, () => revertedListSql(f.sql)).all({
          ...f.params,
          start: p.startMs,
          end: p.endMs,
          window: windowMs,
          limit,
        }) as RevertedCommit[];
      },
    };
  });
}

export type QualityMetricsRepo = ReturnType<typeof qualityMetricsRepo>;
