// What the demo's delivery (delivery.ts) produces: commits, pushes, CI runs, reviews, pull requests,
// reverts and story timelines, in plain data that the payload builders send and the tests count
// (test/cli/demo-quality-count.ts); and its fixed parts: how often each kind of work fails CI, touches
// tests, is reverted or reopened, how it is reviewed, the repositories' file layouts, and messages.
import { addDays, weekdayOf } from '../../domain/time.js';
import type { DemoPerson, DemoSession, DemoStory, DemoTeam } from './scenario.js';

export type Tool = 'claude' | 'cursor' | 'hand';

export interface FileChanges {
  added: string[];
  modified: string[];
  removed: string[];
}

export interface DemoCommit {
  repo: string;
  team: DemoTeam;
  sha: string;
  at: number;
  author: DemoPerson;
  branch: string;
  message: string;
  files: FileChanges;
  /** made with an AI tool (Claude Code or Cursor): what aispend should find out from the markers */
  ai: boolean;
  /** a revert: never in a figure's population */
  revert: boolean;
  touchesTests: boolean;
}

export interface DemoPush {
  at: number;
  repo: string;
  branch: string;
  /** the branch's head before the push; created: the push made the branch */
  before: string;
  created: boolean;
  pusher: DemoPerson;
  commits: DemoCommit[];
}

export interface DemoCiRun {
  app: 'actions' | 'circleci';
  /** the workflow run's or check suite's id: a re-run keeps it */
  id: number;
  attempt: number;
  runNumber: number;
  repo: string;
  branch: string;
  pr: DemoPr;
  head: DemoCommit;
  /** when the run (or the suite) was created; a re-run starts later */
  createdAt: number;
  startedAt: number;
  completedAt: number;
  conclusion: 'success' | 'failure';
  actor: DemoPerson;
}

export interface DemoReview {
  id: number;
  reviewer: { login: string; type: 'User' | 'Bot' };
  state: 'approved' | 'changes_requested' | 'commented';
  at: number;
}

export interface DemoPr {
  repo: string;
  team: DemoTeam;
  number: number;
  title: string;
  body: string;
  branch: string;
  author: DemoPerson;
  ai: boolean;
  openedAt: number;
  /** null while it is open */
  mergedAt: number | null;
  mergeSha: string;
  baseSha: string;
  commits: DemoCommit[];
  runs: DemoCiRun[];
  reviews: DemoReview[];
  storyKey: string;
}

export interface DemoRevert {
  /** the revert commit's author time */
  at: number;
  commit: DemoCommit;
  /** the revert PR (GitHub's Revert button); null for a `git revert` pushed to main */
  pr: DemoPr | null;
  of: DemoPr;
  /** the commits it undid */
  reverted: DemoCommit[];
}

export interface StoryTimeline {
  story: DemoStory;
  ai: boolean;
  /** in time order: done, and for a few reopened and done again */
  events: Array<{ kind: 'done' | 'reopened'; at: number }>;
  /** the tracker's id of the issue */
  issueId: string;
}

export type GithubEvent =
  | { kind: 'push'; at: number; push: DemoPush }
  | { kind: 'ci'; at: number; run: DemoCiRun }
  | { kind: 'review'; at: number; pr: DemoPr; review: DemoReview }
  | { kind: 'merged'; at: number; pr: DemoPr };

export interface StoryEvent {
  at: number;
  kind: 'done' | 'reopened';
  /** 1: the first done (and its reopen); 2: done again */
  n: number;
  timeline: StoryTimeline;
}

export interface DeliveryDay {
  github: GithubEvent[];
  storyEvents: StoryEvent[];
  /** agent sessions that came back to a reopened story */
  reworkSessions: DemoSession[];
}

export interface DemoDelivery {
  days: Map<string, DeliveryDay>;
  commits: DemoCommit[];
  prs: DemoPr[];
  reverts: DemoRevert[];
  stories: StoryTimeline[];
}

export type ReviewPlan = 'approved' | 'changes' | 'comments' | 'self';

export interface Rates {
  /** a push's CI run fails */
  ciFail: number;
  /** a commit adds or changes a test */
  tests: number;
  /** a merged story PR is reverted */
  revert: number;
  /** a done story (not reverted) is reopened */
  reopen: number;
  review: Array<[ReviewPlan, number]>;
}

const AI_RATES: Rates = {
  ciFail: 0.25,
  tests: 0.5,
  revert: 0.1,
  reopen: 0.12,
  review: [['approved', 78], ['changes', 10], ['comments', 7], ['self', 5]],
};
export const RATES: Record<Tool, Rates> = {
  claude: AI_RATES,
  cursor: AI_RATES,
  hand: { ciFail: 0.08, tests: 0.25, revert: 0.02, reopen: 0.03, review: [['approved', 86], ['changes', 7], ['comments', 4], ['self', 3]] },
};

/** how far back pull requests, CI runs and reviews go (a month to date is the longest quality period) */
export const PR_HISTORY_DAYS = 42;
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const BOT_REVIEWER = { login: 'coderabbitai[bot]', type: 'Bot' } as const;

/** the module each story title touches: [folder, file] */
const MODULES: Record<string, [string, string]> = {
  'Add SSO login flow': ['auth', 'sso-login'],
  'Retry failed webhooks': ['webhooks', 'retry'],
  'Cache feature flags': ['flags', 'flag-cache'],
  'Paginate the audit log': ['audit', 'pagination'],
  'Dark mode for settings': ['settings', 'theme'],
  'Faster CSV export': ['export', 'csv-export'],
  'Rate-limit the public API': ['api', 'rate-limit'],
  'Offline sync for drafts': ['drafts', 'offline-sync'],
  'Nightly cost rollups': ['billing', 'cost-rollups'],
  'Schema migration for events': ['events', 'schema-migration'],
  'Push notification preferences': ['notifications', 'preferences'],
  'Search by customer id': ['search', 'customer-id'],
};

const camel = (s: string) => s.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
const snake = (s: string) => s.replace(/-/g, '_');

/** a source file, its test, and a file beside it, in the repository's language and layout */
export function modulePaths(repo: string, title: string): { source: string; test: string; other: string } {
  const [dir, file] = MODULES[title] ?? ['core', 'misc'];
  if (repo.endsWith('mobile-app')) {
    const pkg = `com/acme/mobile/${dir}`;
    return {
      source: `app/src/main/java/${pkg}/${camel(file)}.kt`,
      test: `app/src/test/java/${pkg}/${camel(file)}Test.kt`,
      other: 'app/src/main/res/values/strings.xml',
    };
  }
  if (repo.endsWith('pipelines')) {
    return { source: `pipelines/${dir}/${snake(file)}.py`, test: `tests/${dir}/test_${snake(file)}.py`, other: `pipelines/${dir}/__init__.py` };
  }
  return { source: `src/${dir}/${file}.ts`, test: `test/${dir}/${file}.test.ts`, other: `src/${dir}/index.ts` };
}

export function branchName(key: string, title: string): string {
  return `${key}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
}

export function commitMessage(subject: string, tool: Tool, session: DemoSession | null): string {
  if (tool === 'claude' && session) {
    return (
      `${subject}\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n` +
      `Co-Authored-By: Claude <noreply@anthropic.com>\nClaude-Session: https://claude.ai/code/session_${session.id}`
    );
  }
  return tool === 'cursor' ? `${subject}\n\nMade-with: Cursor` : subject;
}

export function prBody(key: string, title: string, tool: Tool): string {
  const closes = `Closes ${key}: ${title.toLowerCase()}.`;
  if (tool === 'claude') return `${closes}\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)`;
  return tool === 'cursor' ? `${closes}\n\nMade with [Cursor](https://cursor.com)` : closes;
}

/** Monday to Friday, `n` working days after `day` */
export function workdayAfter(day: string, n: number): string {
  let d = day;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (weekdayOf(d) < 5) left -= 1;
  }
  return d;
}
