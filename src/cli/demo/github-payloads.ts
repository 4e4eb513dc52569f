// GitHub webhook bodies for the demo's delivery (delivery.ts), in GitHub's shapes (push, workflow_run,
// check_suite, pull_request closed and merged, pull_request_review submitted; compare
// test/fixtures/github/), trimmed of the URLs and ids no one reads. Pure.
import { createHash } from 'node:crypto';
import type { DemoCiRun, DemoCommit, DemoPr, DemoPush, DemoReview, GithubEvent } from './delivery-model.js';
import type { DemoPerson } from './scenario.js';

export interface WebhookDelivery {
  route: '/webhooks/github' | '/webhooks/jira' | '/webhooks/linear';
  /** GitHub's X-GitHub-Event, Linear's Linear-Event */
  event: string;
  /** the delivery's idempotency header (X-GitHub-Delivery, x-atlassian-webhook-identifier, Linear-Delivery) */
  id: string;
  at: number;
  body: unknown;
}

/** a stable GUID for a delivery, so a second run of the demo sends the same ones */
export function deliveryGuid(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** a stable numeric id for a name (GitHub account and repository ids) */
function numericId(name: string, base: number): number {
  return base + (parseInt(createHash('sha1').update(name).digest('hex').slice(0, 7), 16) % 9_000_000);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ORGANIZATION = { login: 'acme', id: 21031067 };

function user(p: DemoPerson | { login: string; type: 'User' | 'Bot' }) {
  const login = 'github' in p ? p.github : p.login;
  return { login, id: numericId(login, 1_000_000), type: 'github' in p ? 'User' : p.type };
}

function repository(fullName: string) {
  const [owner, name] = fullName.split('/');
  return {
    id: numericId(fullName, 180_000_000),
    name,
    full_name: fullName,
    private: true,
    owner: { login: owner, id: ORGANIZATION.id, type: 'Organization' },
    html_url: `https://github.com/${fullName}`,
    default_branch: 'main',
  };
}

function gitCommit(c: DemoCommit) {
  const who = { name: c.author.name, email: c.author.email, username: c.author.github };
  return {
    id: c.sha,
    tree_id: createHash('sha1').update(`tree:${c.sha}`).digest('hex'),
    distinct: true,
    message: c.message,
    timestamp: iso(c.at),
    url: `https://github.com/${c.repo}/commit/${c.sha}`,
    author: who,
    committer: who,
    added: c.files.added,
    removed: c.files.removed,
    modified: c.files.modified,
  };
}

function headCommit(c: DemoCommit) {
  const who = { name: c.author.name, email: c.author.email };
  return { id: c.sha, message: c.message, timestamp: iso(c.at), author: who, committer: who };
}

function pushBody(p: DemoPush) {
  const last = p.commits[p.commits.length - 1]!;
  return {
    ref: `refs/heads/${p.branch}`,
    before: p.before,
    after: last.sha,
    repository: repository(p.repo),
    pusher: { name: p.pusher.github, email: p.pusher.email },
    organization: ORGANIZATION,
    sender: user(p.pusher),
    created: p.created,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${p.repo}/compare/${p.before.slice(0, 12)}...${last.sha.slice(0, 12)}`,
    commits: p.commits.map(gitCommit),
    head_commit: gitCommit(last),
  };
}

/** the PR as workflow runs and check suites name it */
function prRef(pr: DemoPr, headSha: string) {
  const repo = { id: numericId(pr.repo, 180_000_000), url: `https://api.github.com/repos/${pr.repo}`, name: pr.repo.split('/')[1] };
  return {
    url: `https://api.github.com/repos/${pr.repo}/pulls/${pr.number}`,
    id: numericId(`${pr.repo}#${pr.number}`, 2_790_000_000),
    number: pr.number,
    head: { ref: pr.branch, sha: headSha, repo },
    base: { ref: 'main', sha: pr.baseSha, repo },
  };
}

function workflowRunBody(r: DemoCiRun) {
  const runUrl = `https://api.github.com/repos/${r.repo}/actions/runs/${r.id}`;
  const workflow = { id: numericId(`${r.repo}:ci`, 2_800_000), name: 'CI', path: '.github/workflows/ci.yml', state: 'active' };
  return {
    action: 'completed',
    workflow,
    workflow_run: {
      id: r.id,
      name: 'CI',
      head_branch: r.branch,
      head_sha: r.head.sha,
      path: workflow.path,
      display_title: r.pr.title,
      run_number: r.runNumber,
      event: 'pull_request',
      status: 'completed',
      conclusion: r.conclusion,
      workflow_id: workflow.id,
      url: runUrl,
      html_url: `https://github.com/${r.repo}/actions/runs/${r.id}`,
      pull_requests: [prRef(r.pr, r.head.sha)],
      created_at: iso(r.createdAt),
      updated_at: iso(r.completedAt),
      actor: user(r.actor),
      run_attempt: r.attempt,
      run_started_at: iso(r.startedAt),
      triggering_actor: user(r.actor),
      previous_attempt_url: r.attempt > 1 ? `${runUrl}/attempts/${r.attempt - 1}` : null,
      head_commit: headCommit(r.head),
      repository: repository(r.repo),
      head_repository: repository(r.repo),
    },
    repository: repository(r.repo),
    organization: ORGANIZATION,
    sender: user(r.actor),
  };
}

/** CircleCI's check suite; a re-run completes the same suite again */
function checkSuiteBody(r: DemoCiRun) {
  return {
    action: 'completed',
    check_suite: {
      id: r.id,
      head_branch: r.branch,
      head_sha: r.head.sha,
      status: 'completed',
      conclusion: r.conclusion,
      url: `https://api.github.com/repos/${r.repo}/check-suites/${r.id}`,
      before: null,
      after: r.head.sha,
      pull_requests: [prRef(r.pr, r.head.sha)],
      app: {
        id: 29310,
        slug: 'circleci-checks',
        owner: { login: 'circleci', id: 1231870, type: 'Organization' },
        name: 'CircleCI Checks',
        external_url: 'https://circleci.com',
        html_url: 'https://github.com/apps/circleci-checks',
      },
      created_at: iso(r.createdAt),
      updated_at: iso(r.completedAt),
      rerequestable: true,
      runs_rerequestable: true,
      latest_check_runs_count: 3,
      head_commit: headCommit(r.head),
    },
    repository: repository(r.repo),
    organization: ORGANIZATION,
    sender: user(r.actor),
  };
}

function pullRequest(pr: DemoPr, at: number) {
  const head = pr.commits[pr.commits.length - 1]!;
  const merged = pr.mergedAt !== null && at >= pr.mergedAt;
  const changed = new Set(pr.commits.flatMap((c) => [...c.files.added, ...c.files.modified, ...c.files.removed]));
  return {
    url: `https://api.github.com/repos/${pr.repo}/pulls/${pr.number}`,
    id: numericId(`${pr.repo}#${pr.number}`, 2_790_000_000),
    html_url: `https://github.com/${pr.repo}/pull/${pr.number}`,
    number: pr.number,
    state: merged ? 'closed' : 'open',
    locked: false,
    title: pr.title,
    user: user(pr.author),
    body: pr.body,
    created_at: iso(pr.openedAt),
    updated_at: iso(at),
    closed_at: merged ? iso(pr.mergedAt!) : null,
    merged_at: merged ? iso(pr.mergedAt!) : null,
    merge_commit_sha: merged ? pr.mergeSha : null,
    assignees: [],
    requested_reviewers: [],
    labels: [],
    draft: false,
    head: { label: `acme:${pr.branch}`, ref: pr.branch, sha: head.sha, repo: { full_name: pr.repo } },
    base: { label: 'acme:main', ref: 'main', sha: pr.baseSha, repo: { full_name: pr.repo } },
    author_association: 'MEMBER',
    auto_merge: null,
    ...(merged
      ? {
          merged: true,
          merged_by: user(pr.author),
          commits: pr.commits.length,
          additions: pr.commits.reduce((n, c) => n + 12 + (parseInt(c.sha.slice(0, 2), 16) % 90), 0),
          deletions: pr.commits.reduce((n, c) => n + (parseInt(c.sha.slice(2, 4), 16) % 40), 0),
          changed_files: changed.size,
        }
      : {}),
  };
}

const REVIEW_TEXT: Record<DemoReview['state'], string> = {
  approved: 'Looks good to me.',
  changes_requested: 'A couple of things to fix first, see inline comments.',
  commented: 'Left a few notes.',
};

function reviewBody(pr: DemoPr, r: DemoReview) {
  const head = pr.commits.filter((c) => c.at <= r.at).at(-1) ?? pr.commits[0]!;
  return {
    action: 'submitted',
    review: {
      id: r.id,
      user: user(r.reviewer),
      body: REVIEW_TEXT[r.state],
      commit_id: head.sha,
      submitted_at: iso(r.at),
      state: r.state,
      html_url: `https://github.com/${pr.repo}/pull/${pr.number}#pullrequestreview-${r.id}`,
      pull_request_url: `https://api.github.com/repos/${pr.repo}/pulls/${pr.number}`,
      author_association: r.reviewer.type === 'Bot' ? 'NONE' : 'MEMBER',
    },
    pull_request: pullRequest(pr, r.at),
    repository: repository(pr.repo),
    organization: ORGANIZATION,
    sender: user(r.reviewer),
  };
}

/** one webhook delivery per GitHub event of the day */
export function githubDeliveries(events: readonly GithubEvent[]): WebhookDelivery[] {
  const route = '/webhooks/github';
  return events.map((e): WebhookDelivery => {
    switch (e.kind) {
      case 'push':
        return { route, event: 'push', id: deliveryGuid(`push:${e.push.repo}:${e.push.branch}:${e.push.commits.at(-1)!.sha}`), at: e.at, body: pushBody(e.push) };
      case 'ci':
        return e.run.app === 'circleci'
          ? { route, event: 'check_suite', id: deliveryGuid(`suite:${e.run.id}:${e.run.attempt}`), at: e.at, body: checkSuiteBody(e.run) }
          : { route, event: 'workflow_run', id: deliveryGuid(`run:${e.run.id}:${e.run.attempt}`), at: e.at, body: workflowRunBody(e.run) };
      case 'review':
        return { route, event: 'pull_request_review', id: deliveryGuid(`review:${e.review.id}`), at: e.at, body: reviewBody(e.pr, e.review) };
      case 'merged':
        return {
          route,
          event: 'pull_request',
          id: deliveryGuid(`merged:${e.pr.repo}#${e.pr.number}`),
          at: e.at,
          body: {
            action: 'closed',
            number: e.pr.number,
            pull_request: pullRequest(e.pr, e.at),
            repository: repository(e.pr.repo),
            organization: ORGANIZATION,
            sender: user(e.pr.author),
          },
        };
    }
  });
}
