// Webhook bodies for the quality tests, built from the recorded-shape fixtures (GitHub's published
// examples re-valued for acme/api, Jira's issue events): each builder changes only what a scenario needs.
import { fixture } from '../ingest/delivery/webhook-client.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const PEOPLE = {
  ada: { name: 'Ada Lovelace', email: 'ada@acme.com', username: 'ada', id: 1001 },
  grace: { name: 'Grace Hopper', email: 'grace@acme.com', username: 'grace', id: 1002 },
} as const;
export type Who = keyof typeof PEOPLE;

export interface CommitSpec {
  sha: string;
  at: string;
  by: Who;
  message: string;
  added?: string[];
  modified?: string[];
  removed?: string[];
  distinct?: boolean;
}

/** a push of `commits` to `branch` of acme/api (`forced` for a force push) */
export function push(branch: string, commits: CommitSpec[], opts: { forced?: boolean; repo?: string } = {}): Json {
  const body = fixture<Json>('github/push-trailers.json');
  body.ref = `refs/heads/${branch}`;
  body.forced = opts.forced ?? false;
  if (opts.repo) body.repository.full_name = opts.repo;
  body.commits = commits.map((c) => {
    const p = PEOPLE[c.by];
    const author = { name: p.name, email: p.email, username: p.username };
    return {
      id: c.sha,
      tree_id: '31b122c26a97cf9af023e9ddab94a82c6e77b0ea',
      distinct: c.distinct ?? true,
      message: c.message,
      timestamp: c.at,
      url: `https://github.com/acme/api/commit/${c.sha}`,
      author,
      committer: author,
      added: c.added ?? [],
      removed: c.removed ?? [],
      modified: c.modified ?? [],
    };
  });
  body.head_commit = body.commits[body.commits.length - 1] ?? null;
  body.after = body.head_commit?.id ?? body.after;
  body.pusher = { name: commits[0] ? PEOPLE[commits[0].by].username : 'ada', email: commits[0] ? PEOPLE[commits[0].by].email : 'ada@acme.com' };
  return body;
}

export interface PrSpec {
  number: number;
  title: string;
  body?: string | null;
  branch: string;
  by: Who | 'dependabot';
  mergedAt: string;
  mergeSha?: string | null;
}

/** pull_request closed with merged: true */
export function mergedPr(s: PrSpec): Json {
  const body = fixture<Json>('github/pull-request-merged.json');
  const pr = body.pull_request;
  pr.number = s.number;
  body.number = s.number;
  pr.title = s.title;
  pr.body = s.body ?? null;
  pr.head.ref = s.branch;
  pr.head.label = `acme:${s.branch}`;
  pr.merged_at = s.mergedAt;
  pr.closed_at = s.mergedAt;
  pr.merge_commit_sha = s.mergeSha ?? null;
  pr.user = s.by === 'dependabot' ? { login: 'dependabot[bot]', id: 49699333, type: 'Bot' } : { login: PEOPLE[s.by].username, id: PEOPLE[s.by].id, type: 'User' };
  pr.labels = [];
  return body;
}

export interface RunSpec {
  id: number;
  attempt?: number;
  sha: string;
  branch: string;
  conclusion: string | null;
  pr?: number;
  startedAt: string;
  completedAt: string;
  actor?: string;
}

/** workflow_run completed (omit `attempt` to leave run_attempt out, as older deliveries do) */
export function workflowRun(s: RunSpec): Json {
  const body = fixture<Json>('github/workflow-run-completed.json');
  const r = body.workflow_run;
  r.id = s.id;
  r.head_sha = s.sha;
  r.head_branch = s.branch;
  r.conclusion = s.conclusion;
  r.created_at = s.startedAt;
  r.run_started_at = s.startedAt;
  r.updated_at = s.completedAt;
  if (s.attempt === undefined) delete r.run_attempt;
  else r.run_attempt = s.attempt;
  r.previous_attempt_url = s.attempt && s.attempt > 1 ? `https://api.github.com/repos/acme/api/actions/runs/${s.id}/attempts/${s.attempt - 1}` : null;
  r.pull_requests = s.pr ? [{ ...r.pull_requests[0], number: s.pr, head: { ...r.pull_requests[0].head, ref: s.branch, sha: s.sha } }] : [];
  r.head_commit.id = s.sha;
  if (s.actor) {
    r.actor = { login: s.actor, id: 49699333, type: 'Bot' };
    r.triggering_actor = r.actor;
  }
  return body;
}

/** check_suite completed by a CI app (CircleCI unless `app` says otherwise) */
export function checkSuite(s: { id: number; sha: string; branch: string; conclusion: string; pr?: number; createdAt: string; updatedAt: string; app?: Json }): Json {
  const body = fixture<Json>('github/check-suite-completed.json');
  const cs = body.check_suite;
  cs.id = s.id;
  cs.head_sha = s.sha;
  cs.after = s.sha;
  cs.head_branch = s.branch;
  cs.conclusion = s.conclusion;
  cs.created_at = s.createdAt;
  cs.updated_at = s.updatedAt;
  cs.pull_requests = s.pr ? [{ ...cs.pull_requests[0], number: s.pr }] : [];
  if (s.app) cs.app = { ...cs.app, ...s.app };
  return body;
}

/** pull_request_review submitted (or `action: 'dismissed'`) */
export function review(s: { id: number; by: Who | 'bot'; pr: number; author: Who; state: string; at: string; action?: string }): Json {
  const body = fixture<Json>('github/pull-request-review-submitted.json');
  body.action = s.action ?? 'submitted';
  body.review.id = s.id;
  body.review.user = s.by === 'bot' ? { login: 'auto-approve[bot]', id: 4242, type: 'Bot' } : { login: PEOPLE[s.by].username, id: PEOPLE[s.by].id, type: 'User' };
  body.review.state = s.state;
  body.review.submitted_at = s.at;
  body.pull_request.number = s.pr;
  body.pull_request.user = { login: PEOPLE[s.author].username, id: PEOPLE[s.author].id, type: 'User' };
  body.sender = body.review.user;
  return body;
}

/** a Jira issue event: done or back in progress (`changedAt`: when the status category last changed) */
export function jiraIssue(s: { id: string; key: string; category: 'done' | 'indeterminate' | 'new'; changedAt: string; at?: string; summary?: string }): Json {
  const body = fixture<Json>(s.category === 'done' ? 'jira/issue-done.json' : 'jira/issue-reopened.json');
  body.timestamp = Date.parse(s.at ?? s.changedAt);
  body.issue.id = s.id;
  body.issue.key = s.key;
  const f = body.issue.fields;
  f.project = { id: '10000', key: s.key.split('-')[0] };
  f.summary = s.summary ?? `Story ${s.key}`;
  f.assignee = null;
  f.customfield_10020 = null;
  f.statuscategorychangedate = s.changedAt.replace('Z', '+0000');
  f.updated = f.statuscategorychangedate;
  if (s.category === 'done') f.resolutiondate = f.statuscategorychangedate;
  if (s.category === 'new') f.status = { id: '1', name: 'To Do', statusCategory: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } };
  return body;
}
