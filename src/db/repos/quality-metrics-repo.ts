// Read model of delivery quality (docs/quality.md): per scope and period, counts split by AI-assisted
// (1) and the rest (0) — commits reverted, stories reopened, merged PRs' CI first pass, approvals and
// test files — and the spend of rework sessions. Counts only: rates and floors are the quality
// feature's pure rules. Periods are [startMs, endMs) instants (and [from, to) local days for spend).
// The heavy work is done when the data arrives (commit columns, pr_facts, rework_spend), so a period is
// summed from indexes: the whole org's month stays fast (npm run bench, `quality org month`).
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

const isAll = (w: (a: string) => string) => w('x') === '1';
const CHANGE = (c: string) => `${c}.commit_kind = 'change' AND ${c}.same_as IS NULL`;
// the whole org starts from the period's spells or rework days; a team or a person from its own rows
const spellsJoin = (w: (a: string) => string) =>
  isAll(w) ? 'story_spells sp CROSS JOIN stories s ON s.id = sp.story_id' : 'stories s JOIN story_spells sp ON sp.story_id = s.id';

// the period's changes (merges, reverts and rewritten copies left out), summed from a covering index
function commitSql(w: (a: string) => string): string {
  return `
    SELECT ai_assisted AS ai, COUNT(*) AS commits, COALESCE(SUM(ts > @now - @window), 0) AS recent,
      COALESCE(SUM(files IS NOT NULL), 0) AS withFiles, COALESCE(SUM(test_files > 0), 0) AS testsTouched
    FROM commits c
    WHERE ${w('c')} AND c.ts >= @start AND c.ts < @end AND ${CHANGE('c')}
    GROUP BY ai_assisted`;
}

// of those, the ones a revert resolved to that landed within the window. The whole org reads the
// reverts of the period (few) and their commits; a team or a person reads its own commits (an index
// range) and probes each for a revert.
function revertedSql(w: (a: string) => string): string {
  const rows = isAll(w)
    ? `SELECT DISTINCT c.id, c.ai_assisted AS ai, (c.ts > @now - @window) AS recent
       FROM reverts r JOIN reverted_commits rc ON rc.revert_id = r.id JOIN commits c ON c.id = rc.commit_id
       WHERE r.at >= @start - @window AND r.at < @end + @window AND r.at <= c.ts + @window
         AND c.ts >= @start AND c.ts < @end AND ${CHANGE('c')}`
    : `SELECT c.id, c.ai_assisted AS ai, (c.ts > @now - @window) AS recent FROM commits c
       WHERE ${w('c')} AND c.ts >= @start AND c.ts < @end AND ${CHANGE('c')}
         AND EXISTS (SELECT 1 FROM reverted_commits rc JOIN reverts r ON r.id = rc.revert_id WHERE rc.commit_id = c.id AND r.at <= c.ts + @window)`;
  return `SELECT ai, COUNT(*) AS reverted, COALESCE(SUM(recent), 0) AS recent FROM (${rows}) GROUP BY ai`;
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
      FROM ${spellsJoin(w)}
      WHERE ${w('s')} AND sp.done_at >= @start AND sp.done_at < @end
      GROUP BY sp.story_id
    )
    GROUP BY ai`;
}

// The merged PRs of the period with the quality the delivery writer worked out for each (pr_facts)
function pullRequestSql(w: (a: string) => string): string {
  return `
    SELECT p.ai_assisted AS ai, COUNT(*) AS prs, COUNT(f.ci_first_pass) AS withCi, COALESCE(SUM(f.ci_first_pass), 0) AS firstPass,
      COALESCE(SUM(f.reviewed), 0) AS reviewed, COUNT(f.tests_touched) AS withFiles, COALESCE(SUM(f.tests_touched), 0) AS testsTouched
    FROM pull_requests p LEFT JOIN pr_facts f ON f.pr_id = p.id
    WHERE ${w('p')} AND p.merged_at >= @start AND p.merged_at < @end AND COALESCE(f.counted, 1) = 1
    GROUP BY p.ai_assisted`;
}

// Rework: the daily spend of rework sessions (rework_spend), attributed to the session's team and
// person as waste is, in the period's local days
function reworkSql(w: (a: string) => string): string {
  // the whole org needs no session: every rework day of the period counts. A team or a person starts from
  // its sessions active in the period (a usage row lies between its session's start and last activity)
  const days = isAll(w)
    ? 'SELECT r.session_id, SUM(r.cost_usd) AS cost FROM rework_spend r WHERE r.day >= @from AND r.day < @to GROUP BY r.session_id'
    : `SELECT r.session_id, SUM(r.cost_usd) AS cost FROM agent_sessions a CROSS JOIN rework_spend r ON r.session_id = a.session_id
       WHERE ${w('a')} AND a.last_activity_at >= @start AND a.started_at < @end AND r.day >= @from AND r.day < @to
       GROUP BY r.session_id`;
  return `
    WITH spent AS (${days})
    SELECT COALESCE(SUM(cost), 0) AS costUsd, COUNT(*) AS sessions,
      (SELECT COUNT(DISTINCT story_id) FROM rework_sessions WHERE session_id IN (SELECT session_id FROM spent)) AS stories
    FROM spent`;
}

function reopenedListSql(w: (a: string) => string): string {
  return `
    SELECT s.key, s.title, sp.done_at AS doneAt, sp.ended_at AS reopenedAt, s.ai_assisted AS aiAssisted
    FROM ${spellsJoin(w)}
    WHERE ${w('s')} AND sp.done_at >= @start AND sp.done_at < @end AND sp.end_kind = 'reopened' AND sp.ended_at <= sp.done_at + @window
    ORDER BY sp.ended_at DESC LIMIT @limit`;
}

function revertedListSql(w: (a: string) => string): string {
  const from = isAll(w)
    ? `reverts r JOIN reverted_commits rc ON rc.revert_id = r.id JOIN commits c ON c.id = rc.commit_id
       WHERE r.at >= @start - @window AND r.at < @end + @window AND`
    : `commits c JOIN reverted_commits rc ON rc.commit_id = c.id JOIN reverts r ON r.id = rc.revert_id WHERE ${w('c')} AND`;
  return `
    SELECT c.sha, c.repo, c.ts, MIN(r.at) AS revertedAt, c.ai_assisted AS aiAssisted,
      (SELECT GROUP_CONCAT(story_key, ', ') FROM work_links WHERE kind = 'commit' AND ref_id = c.id) AS storyKeys
    FROM ${from} r.at <= c.ts + @window AND c.ts >= @start AND c.ts < @end AND ${CHANGE('c')}
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
    };
    const yes = (st: (typeof seen)['ci']) => (st.get() as { v: number }).v === 1;

    return {
      /** whether any CI run or review was ever received (to say what to connect) */
      signalsSeen: () => ({ ci: yes(seen.ci), reviews: yes(seen.reviews) }),
      /** every count behind the quality figures of a scope and period; `windowMs` is the reverted/reopened window */
      counts(scope: QualityScope, p: QualityPeriod, now: number, windowMs: number): QualityCounts {
        const { key, f } = filterFor(scope);
        const args = { ...f.params, start: p.startMs, end: p.endMs, now, window: windowMs };
        const totals = stmt('commits', key, () => commitSql(f.sql)).all(args) as Array<Omit<CommitCounts, 'reverted' | 'pending'> & { recent: number }>;
        const reverted = stmt('reverted', key, () => revertedSql(f.sql)).all(args) as Array<{ ai: 0 | 1; reverted: number; recent: number }>;
        const commits = totals.map((t): CommitCounts => {
          const r = reverted.find((x) => x.ai === t.ai);
          return {
            ai: t.ai,
            commits: t.commits,
            reverted: r?.reverted ?? 0,
            pending: t.recent - (r?.recent ?? 0),
            withFiles: t.withFiles,
            testsTouched: t.testsTouched,
          };
        });
        return {
          commits,
          unknownReverts: (stmt('unknown', key, () => unknownRevertsSql(f.sql)).get({ ...f.params, start: p.startMs, end: p.endMs }) as { n: number }).n,
          stories: stmt('stories', key, () => storySql(f.sql)).all(args) as StoryCounts[],
          pullRequests: stmt('prs', key, () => pullRequestSql(f.sql)).all({ ...f.params, start: p.startMs, end: p.endMs }) as PullRequestCounts[],
          rework: stmt('rework', key, () => reworkSql(f.sql)).get({ ...f.params, start: p.startMs, end: p.endMs, from: p.from, to: p.to }) as ReworkSpend,
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
        return stmt('revertedList', key, () => revertedListSql(f.sql)).all({
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
