// The delivery writer's quality half (docs/quality.md): per-commit facts, reverts and what they resolve
// to, PR facts, CI runs, reviews and rework sessions. Each fact is stored once whatever order the
// deliveries arrive in: a revert is resolved again when the commit or PR it names shows up later, a
// merged PR's quality is worked out again when one of its runs, reviews or commits arrives, and a
// story's rework sessions (and their spend) are found again when its first done moves. Called by
// work-writer.ts inside the delivery's transaction.
import type { Deps } from '../../deps.js';
import { qualityRepo, type CiRunWrite, type RevertRow, type ReviewWrite } from '../../db/repos/quality-repo.js';
import {
  ciVerdict,
  commitKind,
  commitRevertTargets,
  fileCounts,
  isBot,
  pullRequestRevertTarget,
  type RevertTarget,
} from './quality-signals.js';

export interface CommitFactsInput {
  id: number;
  repo: string;
  sha: string;
  ts: number;
  branch: string | null;
  subject: string | null;
  /** the full message (read for revert markers, never stored) */
  message: string | null;
  authorEmail: string | null;
  teamId: number | null;
  personId: number | null;
  source: string;
  /** paths the push listed (added, modified, removed); undefined when the source did not say */
  paths?: readonly string[];
  /** commits the sender says this one reverts (generic `revert` events) */
  revertsShas?: readonly string[];
}

export interface MergedPrFactsInput {
  id: number;
  repo: string;
  number: number;
  title: string | null;
  body: string | null;
  branch: string | null;
  mergedAt: number;
  mergeCommitSha: string | null;
  authorLogin: string | null;
  authorType: string | null;
  teamId: number | null;
  personId: number | null;
  source: string;
}

export interface CiRunInput {
  source: string;
  repo: string;
  /** one run and its attempts ('wr:<id>', 'cs:<id>', 'gen:<event id>') */
  series: string;
  /** the run's attempt (workflow run_attempt); undefined: number completions of the series in time order */
  attempt?: number;
  name: string | null;
  headSha: string;
  headBranch: string | null;
  conclusion: string;
  startedAt: number;
  completedAt: number;
  prNumbers: readonly number[];
}

export interface ReviewInput {
  source: string;
  repo: string;
  prNumber: number;
  reviewId: string;
  reviewer: string | null;
  reviewerPersonId: number | null;
  reviewerType?: string | null;
  prAuthor: string | null;
  state: ReviewWrite['state'];
  submittedAt: number;
}

export function qualityWriter(deps: Pick<Deps, 'db'>) {
  const q = qualityRepo(deps.db);

  /** the stored commits a revert undid: a rewritten copy counts as its first-seen original */
  function resolve(r: RevertRow): void {
    const ids: number[] = [];
    const viaPr = (pr: ReturnType<typeof q.prWithNumber>) => pr && ids.push(...q.prCommitIds(pr));
    if (r.target_kind === 'commit') {
      ids.push(...q.commitsWithShaPrefix(r.repo, r.target_ref));
      // the merge (or squash) commit of a PR stands for the whole PR
      viaPr(q.prWithMergeSha(r.repo, r.target_ref));
    } else if (r.target_kind === 'pr') {
      viaPr(q.prWithNumber(r.repo, Number(r.target_ref)));
    } else {
      const pr = q.prWithTitle(r.repo, r.target_ref, r.at);
      if (pr) viaPr(pr);
      else {
        const c = q.commitWithSubject(r.repo, r.target_ref, r.at);
        if (c !== undefined) ids.push(c);
      }
    }
    const originals = new Set(ids.map((id) => q.commitFacts(id)?.same_as ?? id));
    // a revert PR's own commits are never what it reverts
    if (r.by_kind === 'commit') for (const id of q.commitsWithShaPrefix(r.repo, r.by_ref)) originals.delete(id);
    q.setRevertedCommits(r.id, [...originals]);
  }

  const refreshPrs = (ids: readonly number[]) => ids.forEach((id) => q.refreshPrQuality(id));

  function resolveAll(rows: readonly RevertRow[]): void {
    const seen = new Set<number>();
    for (const r of rows) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      resolve(r);
    }
  }

  function recordRevert(by: { kind: 'commit' | 'pr'; ref: string }, target: RevertTarget, at: number, x: { repo: string; teamId: number | null; personId: number | null; source: string }) {
    const ref = target.kind === 'commit' ? target.sha : target.kind === 'pr' ? String(target.number) : target.title;
    const { id } = q.addRevert({
      repo: x.repo,
      by_kind: by.kind,
      by_ref: by.ref,
      at,
      target_kind: target.kind,
      target_ref: ref,
      team_id: x.teamId,
      person_id: x.personId,
      source: x.source,
    });
    resolve(q.revert(id)!);
  }

  return {
    /** a commit stored for the first time: its facts, the reverts it makes, the reverts it completes */
    commitAdded(c: CommitFactsInput): void {
      const counts = fileCounts(c.paths);
      const explicit = (c.revertsShas ?? []).map((sha) => sha.toLowerCase());
      const kind = explicit.length > 0 ? 'revert' : commitKind(c.message);
      const sameAs = q.sameCommit(c.repo, c.ts, c.authorEmail, c.subject, c.id) ?? null;
      q.setCommitFacts(c.id, { commit_kind: kind, files: counts?.files ?? null, test_files: counts?.testFiles ?? null, same_as: sameAs });
      // a rewritten copy of a revert (force push, cherry-pick) is the same revert: recorded once, by the original
      if (kind === 'revert' && sameAs === null) {
        const targets: RevertTarget[] = [
          ...explicit.map((sha): RevertTarget => ({ kind: 'commit', sha })),
          ...commitRevertTargets(c.message).filter((t) => t.kind !== 'commit' || !explicit.includes(t.sha)),
        ];
        for (const t of targets) recordRevert({ kind: 'commit', ref: c.sha }, t, c.ts, c);
      }
      resolveAll(q.revertsTouchedByCommit(c.repo, c.sha, c.branch, c.subject));
      refreshPrs(q.prIdsFor(c.repo, { branch: c.branch, sha: c.sha }));
    },

    /** a commit seen before, pushed again (another branch): fill in its files if the first source did not list them */
    commitSeenAgain(c: { id: number; repo: string; sha: string; branch: string | null }, paths: readonly string[] | undefined): void {
      const counts = fileCounts(paths);
      const facts = q.commitFacts(c.id);
      if (!counts || !facts || facts.files !== null) return;
      q.setCommitFacts(c.id, { ...facts, files: counts.files, test_files: counts.testFiles });
      refreshPrs(q.prIdsFor(c.repo, { branch: c.branch, sha: c.sha }));
    },

    /** a merged PR: its facts, the revert it is (a `Revert "…"` PR), the reverts that name it */
    pullRequestMerged(p: MergedPrFactsInput): void {
      const sha = p.mergeCommitSha?.trim().toLowerCase() || null;
      q.putPrFacts(p.id, sha, isBot(p.authorLogin, p.authorType));
      const target = pullRequestRevertTarget({ title: p.title, body: p.body, branch: p.branch }, p.repo);
      if (target && !(target.kind === 'pr' && target.number === p.number)) {
        recordRevert({ kind: 'pr', ref: String(p.number) }, target, p.mergedAt, p);
      }
      resolveAll(q.revertsTouchedByPr(p.repo, p.number, p.title, sha));
      // this PR, and any other from the same branch (where one PR's commits end, the next one's begin)
      refreshPrs([...new Set([p.id, ...q.prIdsFor(p.repo, { branch: p.branch })])]);
    },

    /** sessions that committed to these stories after they were first done do rework on them */
    reworkForCommit(sessionId: string | null, ts: number, keys: readonly string[]): void {
      if (!sessionId) return;
      let added = false;
      for (const key of keys) {
        for (const st of q.storiesWithKey(key)) {
          if (st.firstDoneAt !== null && ts > st.firstDoneAt) {
            q.addRework(sessionId, st.id, st.firstDoneAt);
            added = true;
          }
        }
      }
      if (added) q.refreshReworkSpend(sessionId);
    },

    /** a story's first done appeared or moved: find its rework sessions (and their spend) again */
    storyFirstDone(storyId: number, key: string | null, firstDoneAt: number | null): void {
      const touched = new Set(q.clearRework(storyId));
      if (key && firstDoneAt !== null) {
        for (const sid of q.reworkCandidates(key, firstDoneAt)) {
          q.addRework(sid, storyId, firstDoneAt);
          touched.add(sid);
        }
      }
      for (const sid of touched) q.refreshReworkSpend(sid);
    },

    /** a completed CI run; false when this completion was recorded before */
    ciRun(r: CiRunInput): boolean {
      const row: CiRunWrite = {
        repo: r.repo,
        series: r.series,
        run_key: r.attempt !== undefined ? `${r.series}#${r.attempt}` : `${r.series}@${r.completedAt}`,
        attempt: r.attempt ?? 1,
        name: r.name,
        head_sha: r.headSha.toLowerCase(),
        head_branch: r.headBranch,
        conclusion: r.conclusion.toLowerCase(),
        verdict: ciVerdict(r.conclusion),
        started_at: r.startedAt,
        completed_at: r.completedAt,
        source: r.source,
      };
      const id = q.addCiRun(row);
      if (id === undefined) return false;
      if (r.attempt === undefined) q.renumberCiSeries(r.repo, r.series);
      for (const n of new Set(r.prNumbers)) q.linkCiPr(id, r.repo, n);
      refreshPrs(q.prIdsFor(r.repo, { numbers: r.prNumbers, branch: r.headBranch, sha: row.head_sha }));
      return true;
    },

    review(r: ReviewInput): void {
      q.upsertReview({
        repo: r.repo,
        pr_number: r.prNumber,
        review_id: r.reviewId,
        reviewer: r.reviewer?.trim().toLowerCase() || null,
        reviewer_person_id: r.reviewerPersonId,
        pr_author: r.prAuthor?.trim().toLowerCase() || null,
        state: r.state,
        submitted_at: r.submittedAt,
        bot: isBot(r.reviewer, r.reviewerType) ? 1 : 0,
        source: r.source,
      });
      refreshPrs(q.prIdsFor(r.repo, { numbers: [r.prNumber] }));
    },
  };
}

export type QualityWriter = ReturnType<typeof qualityWriter>;

/** After usage arrives for a rework session, its rework spend follows (run by the after-ingest hook). */
export function refreshReworkOf(deps: Pick<Deps, 'db'>, sessionIds: readonly string[]): number {
  const q = qualityRepo(deps.db);
  let n = 0;
  deps.db.transaction(() => {
    for (const sid of sessionIds) {
      if (!q.isReworkSession(sid)) continue;
      q.refreshReworkSpend(sid);
      n += 1;
    }
  })();
  return n;
}
