// GitHub push and merged pull_request deliveries → commits and pull requests.
import { branchFromRef, parseSourceTime } from '../delivery/delivery-attribution.js';
import type { WorkWriter } from '../delivery/work-writer.js';
import type { MergedPullRequestEvent, PushEvent } from './schema.js';

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
    mergedAt: parseSourceTime(pr.merged_at)!,
    additions: pr.additions,
    deletions: pr.deletions,
    labels: pr.labels?.map((l) => l.name),
  });
  return { accepted: 1 };
}
