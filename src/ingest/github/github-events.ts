// GitHub deliveries → commits and pull requests (push, merged pull_request), CI runs (workflow_run,
// check_suite) and reviews (pull_request_review).
import { branchFromRef, parseSourceTime } from '../delivery/delivery-attribution.js';
import type { WorkWriter } from '../delivery/work-writer.js';
import type { CheckSuiteEvent, MergedPullRequestEvent, PullRequestReviewEvent, PushEvent, WorkflowRunEvent } from './schema.js';

/** the paths a push lists for a commit; undefined when it lists none of the three (older or trimmed payloads) */
function commitPaths(c: PushEvent['commits'][number]): string[] | undefined {
  if (!c.added && !c.removed && !c.modified) return undefined;
  return [...(c.added ?? []), ...(c.removed ?? []), ...(c.modified ?? [])];
}

/** every distinct commit of a branch push (distinct: false = already pushed elsewhere: skipped) */
export function applyPush(w: WorkWriter, e: PushEvent): { accepted: number; duplicates: number } {
  const branch = branchFromRef(e.ref);
  let accepted = 0;
  let duplicates = 0;
  if (!branch || e.deleted) return { accepted, duplicates };
  for (const c of e.commits) {
    if (c.distinct === false) continue;
    const outcome = w.commit({
      source: 'github',
      repo: e.repository.full_name,
      sha: c.id.toLowerCase(),
      ts: parseSourceTime(c.timestamp)!,
      authorEmail: c.author.email,
      authorName: c.author.name,
      authorLogin: c.author.username,
      branch,
      message: c.message,
      paths: commitPaths(c),
    });
    if (outcome === 'inserted') accepted += 1;
    else duplicates += 1;
  }
  return { accepted, duplicates };
}

export function applyMergedPullRequest(w: WorkWriter, e: MergedPullRequestEvent): { accepted: number } {
  const pr = e.pull_request;
  w.pullRequest({
    source: 'github',
    repo: e.repository.full_name,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    branch: pr.head.ref,
    baseBranch: pr.base.ref,
    authorLogin: pr.user?.login,
    authorType: pr.user?.type,
    mergedAt: parseSourceTime(pr.merged_at)!,
    mergeCommitSha: pr.merge_commit_sha,
    additions: pr.additions,
    deletions: pr.deletions,
    labels: pr.labels?.map((l) => l.name),
  });
  return { accepted: 1 };
}

/** a completed workflow run: one row per attempt (run_attempt > 1 is a re-run, never a first pass) */
export function applyWorkflowRun(w: WorkWriter, e: WorkflowRunEvent): { accepted: number; duplicates: number } {
  const r = e.workflow_run;
  const completedAt = parseSourceTime(r.updated_at)!;
  const inserted = w.ciRun({
    source: 'github',
    repo: e.repository.full_name,
    series: `wr:${r.id}`,
    attempt: r.run_attempt ?? 1,
    name: r.name ?? null,
    headSha: r.head_sha,
    headBranch: r.head_branch ?? null,
    conclusion: r.conclusion ?? 'none',
    startedAt: parseSourceTime(r.run_started_at) ?? parseSourceTime(r.created_at)!,
    completedAt,
    prNumbers: r.pull_requests,
  });
  return inserted ? { accepted: 1, duplicates: 0 } : { accepted: 0, duplicates: 1 };
}

/** a completed check suite of a CI app other than GitHub Actions (those arrive as workflow runs) */
export function applyCheckSuite(w: WorkWriter, e: CheckSuiteEvent): { accepted: number; duplicates: number } {
  const cs = e.check_suite;
  const completedAt = parseSourceTime(cs.updated_at)!;
  const inserted = w.ciRun({
    source: 'github',
    repo: e.repository.full_name,
    series: `cs:${cs.id}`,
    name: cs.app?.slug ?? cs.app?.name ?? null,
    headSha: cs.head_sha,
    headBranch: cs.head_branch ?? null,
    conclusion: cs.conclusion ?? 'none',
    startedAt: parseSourceTime(cs.created_at) ?? completedAt,
    completedAt,
    prNumbers: cs.pull_requests,
  });
  return inserted ? { accepted: 1, duplicates: 0 } : { accepted: 0, duplicates: 1 };
}

/** GitHub Actions' own check suites: each workflow run has one, and workflow_run says more (the attempt) */
export function isGithubActionsSuite(e: CheckSuiteEvent): boolean {
  const app = e.check_suite.app;
  return app?.slug === 'github-actions' || app?.name === 'GitHub Actions' || app?.id === 15368;
}

export const REVIEW_STATES = new Set(['approved', 'changes_requested', 'commented', 'dismissed']);

/** a review submitted, edited or dismissed (a dismissal stays, whatever order the events arrive in) */
export function applyReview(w: WorkWriter, e: PullRequestReviewEvent, now: number): { accepted: number } {
  const rv = e.review;
  const state = e.action === 'dismissed' ? 'dismissed' : (rv.state as 'approved' | 'changes_requested' | 'commented' | 'dismissed');
  w.review({
    source: 'github',
    repo: e.repository.full_name,
    prNumber: e.pull_request.number,
    reviewId: String(rv.id),
    reviewer: rv.user?.login ?? null,
    reviewerLogin: rv.user?.login ?? null,
    reviewerType: rv.user?.type ?? null,
    prAuthor: e.pull_request.user?.login ?? null,
    state,
    submittedAt: parseSourceTime(rv.submitted_at) ?? now,
  });
  return { accepted: 1 };
}
