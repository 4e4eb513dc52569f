// Delivery quality signals as the delivery writer records them (migration 017): a story's reported
// states and done spells, per-commit facts, reverts and what they resolve to, PR facts, CI runs,
// reviews and rework sessions. Callers wrap a delivery in one transaction. The figures read from
// these tables are in quality-metrics-repo.ts.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface StoryStateRow {
  event_at: number;
  state: 'done' | 'open' | 'withdrawn';
  since: number;
}

export interface SpellWrite {
  doneAt: number;
  endedAt: number | null;
  endKind: 'reopened' | 'withdrawn' | null;
}

export interface CommitFacts {
  commit_kind: 'change' | 'merge' | 'revert';
  files: number | null;
  test_files: number | null;
  same_as: number | null;
}

export type RevertTargetKind = 'commit' | 'pr' | 'title';

export interface RevertWrite {
  repo: string;
  by_kind: 'commit' | 'pr';
  by_ref: string;
  at: number;
  target_kind: RevertTargetKind;
  target_ref: string;
  team_id: number | null;
  person_id: number | null;
  source: string;
}

export interface RevertRow extends RevertWrite {
  id: number;
}

export interface CiRunWrite {
  repo: string;
  series: string;
  run_key: string;
  attempt: number;
  name: string | null;
  head_sha: string;
  head_branch: string | null;
  conclusion: string;
  verdict: 'pass' | 'fail' | 'none';
  started_at: number;
  completed_at: number;
  source: string;
}

export interface ReviewWrite {
  repo: string;
  pr_number: number;
  review_id: string;
  reviewer: string | null;
  reviewer_person_id: number | null;
  pr_author: string | null;
  state: 'approved' | 'changes_requested' | 'commented' | 'dismissed';
  submitted_at: number;
  bot: 0 | 1;
  source: string;
}

export interface PrRef {
  id: number;
  repo: string;
  number: number;
  branch: string | null;
  merged_at: number;
}

export interface PrQuality {
  counted: 0 | 1;
  ci_first_pass: 0 | 1 | null;
  reviewed: 0 | 1;
  tests_touched: 0 | 1 | null;
}

// One merged PR's quality from its CI runs (by head branch before the merge, by the PR numbers a run
// names, or by a commit of its branch), the first head commit that got a verdict, approvals by someone
// else before the merge, and test files among its branch's commits and its merge commit. Its branch's
// commits are those up to the merge, after any earlier PR from the same branch merged.
const PR_QUALITY_SQL = `
  WITH pr AS MATERIALIZED (
    SELECT p.id, p.repo, p.number, p.branch, p.merged_at, p.ai_assisted, p.person_id, LOWER(p.author_login) AS author,
      f.merge_commit_sha AS merge_sha, COALESCE(f.author_bot, 0) AS author_bot,
      (SELECT MAX(p2.merged_at) FROM pull_requests p2 WHERE p2.repo = p.repo AND p2.branch = p.branch AND p2.merged_at < p.merged_at) AS since
    FROM pull_requests p LEFT JOIN pr_facts f ON f.pr_id = p.id WHERE p.id = @id
  ),
  branch_commits AS MATERIALIZED (
    SELECT c.id, c.sha, c.files, c.test_files FROM pr JOIN commits c ON c.repo = pr.repo AND c.branch = pr.branch
    WHERE c.ts <= pr.merged_at AND c.ts > COALESCE(pr.since, -1)
  ),
  runs AS MATERIALIZED (
    SELECT r.id, r.head_sha AS sha, r.verdict, r.attempt, r.started_at FROM pr JOIN ci_runs r ON r.repo = pr.repo AND r.head_branch = pr.branch
    WHERE r.started_at <= pr.merged_at AND r.started_at > COALESCE(pr.since, -1)
    UNION
    SELECT r.id, r.head_sha, r.verdict, r.attempt, r.started_at FROM pr
      JOIN ci_run_prs x ON x.repo = pr.repo AND x.pr_number = pr.number JOIN ci_runs r ON r.id = x.ci_run_id
    UNION
    SELECT r.id, r.head_sha, r.verdict, r.attempt, r.started_at FROM pr JOIN branch_commits b
      JOIN ci_runs r ON r.repo = pr.repo AND r.head_sha = b.sha
  ),
  first_sha AS (SELECT sha FROM runs WHERE verdict <> 'none' ORDER BY started_at, id LIMIT 1)
  SELECT
    CASE WHEN pr.ai_assisted = 0 AND (pr.author_bot = 1 OR COALESCE(pr.author, '') LIKE '%[bot]') THEN 0 ELSE 1 END AS counted,
    CASE WHEN NOT EXISTS (SELECT 1 FROM first_sha) THEN NULL
      ELSE NOT EXISTS (SELECT 1 FROM runs WHERE sha = (SELECT sha FROM first_sha) AND (verdict = 'fail' OR attempt > 1)) END AS ci_first_pass,
    EXISTS (
      SELECT 1 FROM pr_reviews v WHERE v.repo = pr.repo AND v.pr_number = pr.number AND v.state = 'approved' AND v.bot = 0
        AND v.submitted_at <= pr.merged_at
        -- IS: a review of a PR whose author is unknown is by someone else
        AND NOT (v.reviewer IS NOT NULL AND v.reviewer IS COALESCE(pr.author, v.pr_author))
        AND NOT (v.reviewer_person_id IS NOT NULL AND v.reviewer_person_id IS pr.person_id)
    ) AS reviewed,
    (SELECT MAX(test_files > 0) FROM (
       SELECT files, test_files FROM branch_commits
       UNION ALL
       SELECT c.files, c.test_files FROM commits c WHERE c.repo = pr.repo AND c.sha = pr.merge_sha
     ) WHERE files IS NOT NULL) AS tests_touched
  FROM pr`;

/** the upper bound of a hex prefix range: every sha starting with `prefix` sorts below it */
const prefixEnd = (prefix: string) => `${prefix}g`;

export function qualityRepo(db: Db) {
  return memoForDb(db, 'quality', () => {
    const s = {
      stateInsert: db.prepare(
        'INSERT INTO story_states (story_id, event_at, state, since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      states: db.prepare('SELECT event_at, state, since FROM story_states WHERE story_id = ?'),
      spellsDelete: db.prepare('DELETE FROM story_spells WHERE story_id = ?'),
      spellInsert: db.prepare('INSERT INTO story_spells (story_id, done_at, ended_at, end_kind) VALUES (?, ?, ?, ?)'),
      firstDone: db.prepare('UPDATE stories SET first_done_at = ? WHERE id = ?'),
      storiesByKey: db.prepare('SELECT id, first_done_at AS firstDoneAt FROM stories WHERE key = ?'),

      factsGet: db.prepare('SELECT commit_kind, files, test_files, same_as FROM commits WHERE id = ?'),
      factsSet: db.prepare(
        `UPDATE commits SET commit_kind = @commit_kind, same_as = @same_as,
           files = COALESCE(files, @files), test_files = COALESCE(test_files, @test_files) WHERE id = @id`,
      ),
      sameCommit: db.prepare(
        `SELECT id FROM commits WHERE repo = ? AND ts = ? AND author_email = ? AND subject = ? AND id <> ? ORDER BY id LIMIT 1`,
      ),

      revertInsert: db.prepare(
        `INSERT INTO reverts (repo, by_kind, by_ref, at, target_kind, target_ref, team_id, person_id, source)
         VALUES (@repo, @by_kind, @by_ref, @at, @target_kind, @target_ref, @team_id, @person_id, @source)
         ON CONFLICT DO NOTHING RETURNING id`,
      ),
      revertFind: db.prepare(
        'SELECT id FROM reverts WHERE repo = ? AND by_kind = ? AND by_ref = ? AND target_kind = ? AND target_ref = ?',
      ),
      revertGet: db.prepare('SELECT * FROM reverts WHERE id = ?'),
      revertsNamingSha: db.prepare(
        // the stored target is a prefix of the commit's sha (7 to 40 characters)
        `SELECT * FROM reverts WHERE repo = ? AND target_kind = 'commit' AND target_ref <= ? AND target_ref >= substr(?, 1, 7)
           AND ? LIKE target_ref || '%'`,
      ),
      revertsNamingPr: db.prepare(`SELECT * FROM reverts WHERE repo = ? AND target_kind = 'pr' AND target_ref = ?`),
      revertsNamingTitle: db.prepare(`SELECT * FROM reverts WHERE repo = ? AND target_kind = 'title' AND target_ref = ?`),
      revertsOfBranchPrs: db.prepare(
        `SELECT r.* FROM reverts r JOIN pull_requests p ON p.repo = r.repo AND r.target_kind = 'pr' AND p.number = CAST(r.target_ref AS INTEGER)
         WHERE p.repo = ? AND p.branch = ?`,
      ),
      revertsOfMergedPr: db.prepare(
        `SELECT r.* FROM reverts r JOIN pull_requests p ON p.repo = r.repo AND r.target_kind = 'pr' AND p.number = CAST(r.target_ref AS INTEGER)
         JOIN pr_facts f ON f.pr_id = p.id WHERE p.repo = ? AND f.merge_commit_sha = ?`,
      ),
      revertsByMergeSha: db.prepare(
        `SELECT r.* FROM reverts r JOIN pull_requests p ON p.repo = r.repo JOIN pr_facts f ON f.pr_id = p.id
         WHERE r.target_kind = 'commit' AND p.repo = ? AND p.branch = ? AND f.merge_commit_sha LIKE r.target_ref || '%'`,
      ),
      commitsBySha: db.prepare('SELECT id FROM commits WHERE repo = ? AND sha >= ? AND sha < ? ORDER BY id'),
      commitBySubject: db.prepare(
        `SELECT id FROM commits WHERE repo = ? AND subject = ? AND ts <= ? ORDER BY ts DESC, id DESC LIMIT 1`,
      ),
      prByMergeSha: db.prepare(
        `SELECT p.id, p.repo, p.number, p.branch, p.merged_at FROM pull_requests p JOIN pr_facts f ON f.pr_id = p.id
         WHERE p.repo = ? AND f.merge_commit_sha >= ? AND f.merge_commit_sha < ? LIMIT 1`,
      ),
      prByNumber: db.prepare('SELECT id, repo, number, branch, merged_at FROM pull_requests WHERE repo = ? AND number = ?'),
      prByTitle: db.prepare(
        `SELECT id, repo, number, branch, merged_at FROM pull_requests WHERE repo = ? AND title = ? AND merged_at <= ?
         ORDER BY merged_at DESC LIMIT 1`,
      ),
      prMergeCommit: db.prepare(
        `SELECT c.id FROM pr_facts f JOIN commits c ON c.repo = ? AND c.sha = f.merge_commit_sha WHERE f.pr_id = ?`,
      ),
      // the PR's own commits: on its head branch, up to its merge, after an earlier PR from the same branch merged
      prBranchCommits: db.prepare(
        `SELECT c.id FROM commits c WHERE c.repo = @repo AND c.branch = @branch AND c.ts <= @mergedAt
           AND c.ts > COALESCE((SELECT MAX(p.merged_at) FROM pull_requests p
                                WHERE p.repo = @repo AND p.branch = @branch AND p.merged_at < @mergedAt), -1)`,
      ),
      revertedDelete: db.prepare('DELETE FROM reverted_commits WHERE revert_id = ?'),
      revertedInsert: db.prepare('INSERT INTO reverted_commits (revert_id, commit_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),

      prFactsInsert: db.prepare(
        `INSERT INTO pr_facts (pr_id, merge_commit_sha, author_bot) VALUES (?, ?, ?)
         ON CONFLICT (pr_id) DO UPDATE SET merge_commit_sha = COALESCE(excluded.merge_commit_sha, merge_commit_sha),
           author_bot = MAX(author_bot, excluded.author_bot)`,
      ),
      prQuality: db.prepare(PR_QUALITY_SQL),
      prQualitySet: db.prepare(
        'UPDATE pr_facts SET counted = @counted, ci_first_pass = @ci_first_pass, reviewed = @reviewed, tests_touched = @tests_touched WHERE pr_id = @id',
      ),
      prsOnBranch: db.prepare('SELECT id FROM pull_requests WHERE repo = ? AND branch = ?'),
      prsByNumber: db.prepare('SELECT id FROM pull_requests WHERE repo = ? AND number = ?'),
      prsByMergeSha: db.prepare(
        'SELECT p.id FROM pr_facts f JOIN pull_requests p ON p.id = f.pr_id WHERE f.merge_commit_sha = ? AND p.repo = ?',
      ),
      branchesOfSha: db.prepare('SELECT DISTINCT branch FROM commits WHERE repo = ? AND sha = ? AND branch IS NOT NULL'),

      ciInsert: db.prepare(
        `INSERT INTO ci_runs (repo, series, run_key, attempt, name, head_sha, head_branch, conclusion, verdict, started_at, completed_at, source)
         VALUES (@repo, @series, @run_key, @attempt, @name, @head_sha, @head_branch, @conclusion, @verdict, @started_at, @completed_at, @source)
         ON CONFLICT (repo, run_key) DO NOTHING RETURNING id`,
      ),
      ciSeries: db.prepare('SELECT id, completed_at, attempt FROM ci_runs WHERE repo = ? AND series = ? ORDER BY completed_at, id'),
      ciAttempt: db.prepare('UPDATE ci_runs SET attempt = ? WHERE id = ?'),
      ciPr: db.prepare('INSERT INTO ci_run_prs (ci_run_id, repo, pr_number) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),

      reviewUpsert: db.prepare(
        `INSERT INTO pr_reviews (repo, pr_number, review_id, reviewer, reviewer_person_id, pr_author, state, submitted_at, bot, source)
         VALUES (@repo, @pr_number, @review_id, @reviewer, @reviewer_person_id, @pr_author, @state, @submitted_at, @bot, @source)
         ON CONFLICT (repo, pr_number, review_id) DO UPDATE SET
           reviewer = COALESCE(excluded.reviewer, reviewer),
           reviewer_person_id = COALESCE(excluded.reviewer_person_id, reviewer_person_id),
           pr_author = COALESCE(excluded.pr_author, pr_author),
           -- a dismissal is final, whatever order the events arrive in; edits keep the state
           state = CASE WHEN state = 'dismissed' OR excluded.state = 'dismissed' THEN 'dismissed' ELSE excluded.state END,
           submitted_at = MIN(submitted_at, excluded.submitted_at),
           bot = MAX(bot, excluded.bot)`,
      ),

      reworkInsert: db.prepare(
        'INSERT INTO rework_sessions (session_id, story_id, since) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET since = excluded.since',
      ),
      reworkClear: db.prepare('DELETE FROM rework_sessions WHERE story_id = ? RETURNING session_id AS sessionId'),
      isRework: db.prepare('SELECT 1 FROM rework_sessions WHERE session_id = ? LIMIT 1'),
      // usage rows past the retention are gone: keep the days they leave behind as they were
      reworkSpendClear: db.prepare(
        `DELETE FROM rework_spend WHERE session_id = @sid
           AND day >= COALESCE((SELECT MIN(day) FROM usage_records WHERE session_id = @sid), '')`,
      ),
      reworkSpendFill: db.prepare(
        `INSERT INTO rework_spend (session_id, day, cost_usd)
         SELECT u.session_id, u.day, SUM(u.cost_usd) FROM usage_records u
         WHERE u.session_id = @sid AND u.counted = 1
           AND u.ts >= (SELECT MIN(since) FROM rework_sessions WHERE session_id = @sid)
         GROUP BY u.day
         ON CONFLICT (session_id, day) DO UPDATE SET cost_usd = excluded.cost_usd`,
      ),
      // sessions of commits linked to the story key, made after the story was first done
      reworkCandidates: db.prepare(
        `SELECT DISTINCT c.session_id AS sessionId FROM work_links w JOIN commits c ON c.id = w.ref_id
         WHERE w.story_key = ? AND w.kind = 'commit' AND c.session_id IS NOT NULL AND c.ts > ?`,
      ),
    };

    return {
      // ---- stories ----
      /** records a reported state; false when the same state at the same time was known */
      addStoryState: (storyId: number, eventAt: number, state: StoryStateRow['state'], since: number): boolean =>
        s.stateInsert.run(storyId, eventAt, state, since).changes > 0,
      storyStates: (storyId: number) => s.states.all(storyId) as StoryStateRow[],
      /** replaces the story's done spells and first done time with a freshly folded history */
      writeHistory(storyId: number, spells: readonly SpellWrite[], firstDoneAt: number | null): void {
        s.spellsDelete.run(storyId);
        for (const sp of spells) s.spellInsert.run(storyId, sp.doneAt, sp.endedAt, sp.endKind);
        s.firstDone.run(firstDoneAt, storyId);
      },
      storiesWithKey: (key: string) => s.storiesByKey.all(key) as Array<{ id: number; firstDoneAt: number | null }>,

      // ---- commits ----
      commitFacts: (commitId: number) => s.factsGet.get(commitId) as CommitFacts | undefined,
      /** writes a commit's facts; files only fill in what was unknown */
      setCommitFacts: (id: number, f: CommitFacts) => void s.factsSet.run({ id, ...f }),
      /** the first-seen commit with the same repository, author, author time and subject (a rewritten copy) */
      sameCommit(repo: string, ts: number, authorEmail: string | null, subject: string | null, id: number): number | undefined {
        if (!authorEmail || !subject) return undefined;
        return (s.sameCommit.get(repo, ts, authorEmail, subject, id) as { id: number } | undefined)?.id;
      },

      // ---- reverts ----
      /** records a revert; returns its id (an existing one when the same revert was recorded before) */
      addRevert(r: RevertWrite): { id: number; inserted: boolean } {
        const row = s.revertInsert.get(r) as { id: number } | undefined;
        if (row) return { id: row.id, inserted: true };
        const existing = s.revertFind.get(r.repo, r.by_kind, r.by_ref, r.target_kind, r.target_ref) as { id: number };
        return { id: existing.id, inserted: false };
      },
      revert: (id: number) => s.revertGet.get(id) as RevertRow | undefined,
      /** reverts whose targets a new commit may complete: it, its PR (by branch or merge commit), its subject */
      revertsTouchedByCommit(repo: string, sha: string, branch: string | null, subject: string | null): RevertRow[] {
        const rows = s.revertsNamingSha.all(repo, sha, sha, sha) as RevertRow[];
        rows.push(...(s.revertsOfMergedPr.all(repo, sha) as RevertRow[]));
        if (subject) rows.push(...(s.revertsNamingTitle.all(repo, subject) as RevertRow[]));
        if (branch) {
          rows.push(...(s.revertsOfBranchPrs.all(repo, branch) as RevertRow[]));
          rows.push(...(s.revertsByMergeSha.all(repo, branch) as RevertRow[]));
        }
        return rows;
      },
      /** reverts naming a PR (by number or title) or its merge commit */
      revertsTouchedByPr(repo: string, number: number, title: string | null, mergeSha: string | null): RevertRow[] {
        const rows = s.revertsNamingPr.all(repo, String(number)) as RevertRow[];
        if (title) rows.push(...(s.revertsNamingTitle.all(repo, title) as RevertRow[]));
        if (mergeSha) rows.push(...(s.revertsNamingSha.all(repo, mergeSha, mergeSha, mergeSha) as RevertRow[]));
        return rows;
      },
      /** the commits whose sha starts with `sha` (a revert may name 7 to 40 characters) */
      commitsWithShaPrefix: (repo: string, sha: string) =>
        (s.commitsBySha.all(repo, sha, prefixEnd(sha)) as Array<{ id: number }>).map((r) => r.id),
      commitWithSubject: (repo: string, subject: string, before: number) =>
        (s.commitBySubject.get(repo, subject, before) as { id: number } | undefined)?.id,
      prWithMergeSha: (repo: string, sha: string) => s.prByMergeSha.get(repo, sha, prefixEnd(sha)) as PrRef | undefined,
      prWithNumber: (repo: string, number: number) => s.prByNumber.get(repo, number) as PrRef | undefined,
      prWithTitle: (repo: string, title: string, before: number) => s.prByTitle.get(repo, title, before) as PrRef | undefined,
      /** a merged PR's commits: its merge (or squash) commit and the commits of its head branch */
      prCommitIds(pr: PrRef): number[] {
        const ids = (s.prMergeCommit.all(pr.repo, pr.id) as Array<{ id: number }>).map((r) => r.id);
        if (pr.branch) {
          ids.push(...(s.prBranchCommits.all({ repo: pr.repo, branch: pr.branch, mergedAt: pr.merged_at }) as Array<{ id: number }>).map((r) => r.id));
        }
        return [...new Set(ids)];
      },
      setRevertedCommits(revertId: number, commitIds: readonly number[]): void {
        s.revertedDelete.run(revertId);
        for (const id of commitIds) s.revertedInsert.run(revertId, id);
      },

      // ---- pull requests ----
      putPrFacts: (prId: number, mergeCommitSha: string | null, authorBot: boolean) =>
        void s.prFactsInsert.run(prId, mergeCommitSha, authorBot ? 1 : 0),
      /** works out a merged PR's quality again from everything stored about it */
      refreshPrQuality(prId: number): void {
        const q = s.prQuality.get({ id: prId }) as PrQuality | undefined;
        if (q) s.prQualitySet.run({ id: prId, ...q });
      },
      /** merged PRs a CI run, review or commit may concern: by number, head branch, merge commit, or a commit's branch */
      prIdsFor(repo: string, o: { numbers?: readonly number[]; branch?: string | null; sha?: string | null }): number[] {
        const ids = new Set<number>();
        const add = (rows: unknown[]) => (rows as Array<{ id: number }>).forEach((r) => ids.add(r.id));
        for (const n of o.numbers ?? []) add(s.prsByNumber.all(repo, n));
        if (o.branch) add(s.prsOnBranch.all(repo, o.branch));
        if (o.sha) {
          add(s.prsByMergeSha.all(o.sha, repo));
          for (const b of s.branchesOfSha.all(repo, o.sha) as Array<{ branch: string }>) if (b.branch !== o.branch) add(s.prsOnBranch.all(repo, b.branch));
        }
        return [...ids];
      },

      // ---- CI ----
      /** records a completed run; undefined when this completion was recorded before */
      addCiRun(r: CiRunWrite): number | undefined {
        return (s.ciInsert.get(r) as { id: number } | undefined)?.id;
      },
      /** numbers the completions of a check suite 1, 2, … in completion order (a re-requested suite completes again) */
      renumberCiSeries(repo: string, series: string): void {
        const rows = s.ciSeries.all(repo, series) as Array<{ id: number; attempt: number }>;
        rows.forEach((r, i) => {
          if (r.attempt !== i + 1) s.ciAttempt.run(i + 1, r.id);
        });
      },
      linkCiPr: (ciRunId: number, repo: string, number: number) => void s.ciPr.run(ciRunId, repo, number),

      // ---- reviews ----
      upsertReview: (r: ReviewWrite) => void s.reviewUpsert.run(r),

      // ---- rework ----
      /** sessions that committed to the story (by key) after `since` */
      reworkCandidates: (key: string, since: number) =>
        (s.reworkCandidates.all(key, since) as Array<{ sessionId: string }>).map((r) => r.sessionId),
      addRework: (sessionId: string, storyId: number, since: number) => void s.reworkInsert.run(sessionId, storyId, since),
      /** removes a story's rework sessions; returns the sessions it had */
      clearRework: (storyId: number) => (s.reworkClear.all(storyId) as Array<{ sessionId: string }>).map((r) => r.sessionId),
      isReworkSession: (sessionId: string) => s.isRework.get(sessionId) !== undefined,
      /** a rework session's spend per local day, from its usage rows (after each change to either) */
      refreshReworkSpend(sessionId: string): void {
        s.reworkSpendClear.run({ sid: sessionId });
        s.reworkSpendFill.run({ sid: sessionId });
      },
    };
  });
}

export type QualityRepo = ReturnType<typeof qualityRepo>;
