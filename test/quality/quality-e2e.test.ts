// Delivery quality end to end: GitHub and Jira deliveries shaped like the real ones, signed, through the
// real routes; generic usage for the spend; then the figures in `/aispend quality`, the weekly digest,
// `/aispend summary`, `me` and the App Home. Every expected number is worked out by hand below.
//
// The week (UTC): Mon 23 – Sun 29 Nov 2026 for the digest; Tue 24 – Mon 30 Nov for "the last 7 days".
// Everything happens Tue 24 – Fri 27, so both see the same events. Now: Mon 30 Nov 10:00 UTC.
//
//   Tue 24  S1 (ada, agent) spends $6 at 08:05 and $6 at 09:20
//           A1 09:00 ada, AI (Co-Authored-By: Claude, Claude-Session S1), ENG-123 branch, adds a test file
//           A2 09:30 ada, AI; CI run 5001 on A2 (PR 57) fails
//           G1 10:00 grace, no AI marker; CI run 5002 on G1 passes
//           14:20 ada reviews her own PR 57 ("commented", GitHub's example shape)
//           15:00 PR 57 (ada, AI) merged, squash commit M57 (AI trailer, touches tests) pushed to main
//           16:00 ENG-123 done in Jira; 17:00 S1 spends $1 more (no commit after done: not rework)
//   Wed 25  G2 08:00 grace on fix-logging; CI run 6001 fails, its re-run (attempt 2) passes
//           08:40 ada approves PR 58; 09:00 PR 58 (grace) merged
//           A3 10:00 ada, AI, ENG-124 branch; CI run 7001 and a CircleCI check suite pass
//           11:00 grace approves PR 59; 11:30 PR 59 (ada, AI) merged; 12:00 ENG-124 done
//   Thu 26  R1 11:00 grace reverts A1 on main; R2 11:05 grace reverts a commit aispend never saw
//           12:00 ENG-123 back in progress (reopened 2 days after done)
//   Fri 27  09:00 ENG-99 (done Mon 2 Nov) reopened, 25 days after done
//           S2 (ada, agent) spends $4.50 at 12:00; A4 12:30 ada commits to ENG-123 from S2 (rework)
//
// Changes of the week (merges, reverts left out): AI-assisted A1 A2 M57 A3 A4 = 5, the rest G1 G2 = 2.
//   reverted in 14 days: AI 1 of 5 (A1), the rest 0 of 2; R2 names unseen work: 1 unknown.
// Stories done in the week: ENG-123, ENG-124, both AI-assisted (AI commits link to them):
//   reopened in 14 days: 1 of 2; the rest: none. (Month: ENG-99 joins the rest, 0 of 1: 25 days is too late.)
// PRs merged: 57 (AI), 58 (rest), 59 (AI).
//   CI first pass: 57 failed on its first head (A2); 58's first head needed a re-run; 59 passed → AI 1 of 2, rest 0 of 1.
//   reviewed by someone else: 57 only by its author → no; 58 yes; 59 yes → AI 1 of 2, rest 1 of 1.
//   tests touched: 57 yes (A1, M57); 58 no; 59 no → AI 1 of 2, rest 0 of 1.
// Rework: S2's $4.50 (ENG-123 was first done on Tue 16:00); spend $6 + $6 + $1 + $4.50 = $17.50 → 4.5 / 17.5 = 26%.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestContext } from '../../src/budgets/budget-numbers.js';
import { afterIngestIdle } from '../../src/ingest/after-ingest.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { rows, seedPerson, seedTeam } from '../ingest/delivery/seed.js';
import { sendGithub, sendJira, WEBHOOK_ENV } from '../ingest/delivery/webhook-client.js';
import { checkSuite, jiraIssue, mergedPr, push, review, workflowRun } from './quality-payloads.js';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const SHA = {
  A1: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  A2: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890',
  G1: 'c3d4e5f60718293a4b5c6d7e8f90123456789012',
  M57: 'e5f60718293a4b5c6d7e8f9012345678901234ab',
  G2: '0123456789abcdef0123456789abcdef01234567',
  A3: 'e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4',
  A4: 'f00dfacecafebabe0123456789abcdef01234567',
  R1: '9a8b7c6d5e4f30211203f4e5d6c7b8a990a1b2c3',
  R2: 'aaaabbbbccccddddeeeeffff0000111122223333',
};
const CLAUDE = 'Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>';

let t: TestApp;
let platform: number;

async function ok(res: Promise<Response>): Promise<void> {
  const r = await res;
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
}
const gh = (event: string, body: unknown) => ok(sendGithub(t.url, event, body));
const jira = (body: unknown) => ok(sendJira(t.url, body));
const usage = (id: string, session: string, at: string, costUsd: number) =>
  ok(
    t.ingest('/ingest/usage', {
      records: [
        {
          id,
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          timestamp: at,
          user: 'ada@acme.com',
          session_id: session,
          input_tokens: 1000,
          output_tokens: 100,
          cost_usd: costUsd,
        },
      ],
    }),
  );

beforeAll(async () => {
  t = await startTestApp({ now: NOW, env: WEBHOOK_ENV });
  platform = seedTeam(t.db, 'Platform');
  const org = orgRepo(t.db);
  org.setTeamChannel(platform, 'C0PLATFORM');
  org.setMapping('project', 'ENG', platform);
  org.setMapping('project', 'acme/api', platform);
  seedPerson(t.db, 'ada@acme.com', platform);
  seedPerson(t.db, 'grace@acme.com', platform);
  org.linkSlackToEmail('U0ADA', 'ada@acme.com', 0);
  org.linkSlackToEmail('U0GRACE', 'grace@acme.com', 0);

  // an older story, done at the start of the month
  await jira(jiraIssue({ id: '10099', key: 'ENG-99', category: 'done', changedAt: '2026-11-02T09:00:00Z' }));

  // Tue 24
  await usage('s1-a', 'S1', '2026-11-24T08:05:00Z', 6);
  await usage('s1-b', 'S1', '2026-11-24T09:20:00Z', 6);
  await gh('push', push('ENG-123-add-sso', [
    { sha: SHA.A1, at: '2026-11-24T09:00:00Z', by: 'ada', message: `Add SAML login flow\n\n${CLAUDE}\nClaude-Session: https://claude.ai/code/session_S1`, added: ['src/auth/saml.ts', 'test/auth/saml.test.ts'] },
    { sha: SHA.A2, at: '2026-11-24T09:30:00Z', by: 'ada', message: `Wire the SAML metadata endpoint\n\n${CLAUDE}`, modified: ['src/auth/index.ts'] },
  ]));
  await gh('workflow_run', workflowRun({ id: 5001, attempt: 1, sha: SHA.A2, branch: 'ENG-123-add-sso', conclusion: 'failure', pr: 57, startedAt: '2026-11-24T09:31:00Z', completedAt: '2026-11-24T09:39:00Z' }));
  await gh('push', push('ENG-123-add-sso', [
    { sha: SHA.G1, at: '2026-11-24T10:00:00Z', by: 'grace', message: 'Document the SSO settings', modified: ['docs/sso.md'] },
  ]));
  await gh('workflow_run', workflowRun({ id: 5002, attempt: 1, sha: SHA.G1, branch: 'ENG-123-add-sso', conclusion: 'success', pr: 57, startedAt: '2026-11-24T10:01:00Z', completedAt: '2026-11-24T10:09:00Z' }));
  await gh('pull_request_review', review({ id: 801, by: 'ada', pr: 57, author: 'ada', state: 'commented', at: '2026-11-24T14:20:00Z' }));
  await gh('pull_request', mergedPr({ number: 57, title: 'Add SSO (ENG-123)', body: 'Fixes ENG-123', branch: 'ENG-123-add-sso', by: 'ada', mergedAt: '2026-11-24T15:00:00Z', mergeSha: SHA.M57 }));
  await gh('push', push('main', [
    { sha: SHA.M57, at: '2026-11-24T15:00:00Z', by: 'ada', message: `Add SSO (ENG-123) (#57)\n\n${CLAUDE}`, added: ['src/auth/saml.ts', 'test/auth/saml.test.ts'], modified: ['src/auth/index.ts', 'docs/sso.md'] },
  ]));
  await jira(jiraIssue({ id: '10123', key: 'ENG-123', category: 'done', changedAt: '2026-11-24T16:00:00Z' }));
  await usage('s1-c', 'S1', '2026-11-24T17:00:00Z', 1);

  // Wed 25
  await gh('push', push('fix-logging', [{ sha: SHA.G2, at: '2026-11-25T08:00:00Z', by: 'grace', message: 'Quieter request logs', modified: ['src/log.ts'] }]));
  await gh('workflow_run', workflowRun({ id: 6001, attempt: 1, sha: SHA.G2, branch: 'fix-logging', conclusion: 'failure', pr: 58, startedAt: '2026-11-25T08:01:00Z', completedAt: '2026-11-25T08:08:00Z' }));
  await gh('workflow_run', workflowRun({ id: 6001, attempt: 2, sha: SHA.G2, branch: 'fix-logging', conclusion: 'success', pr: 58, startedAt: '2026-11-25T08:20:00Z', completedAt: '2026-11-25T08:27:00Z' }));
  await gh('pull_request_review', review({ id: 802, by: 'ada', pr: 58, author: 'grace', state: 'approved', at: '2026-11-25T08:40:00Z' }));
  await gh('pull_request', mergedPr({ number: 58, title: 'Quieter request logs', branch: 'fix-logging', by: 'grace', mergedAt: '2026-11-25T09:00:00Z' }));
  await gh('push', push('ENG-124-cache', [{ sha: SHA.A3, at: '2026-11-25T10:00:00Z', by: 'ada', message: `Cache SAML metadata for an hour\n\n${CLAUDE}`, modified: ['src/auth/metadata.ts'] }]));
  await gh('workflow_run', workflowRun({ id: 7001, attempt: 1, sha: SHA.A3, branch: 'ENG-124-cache', conclusion: 'success', pr: 59, startedAt: '2026-11-25T10:05:00Z', completedAt: '2026-11-25T10:15:00Z' }));
  await gh('check_suite', checkSuite({ id: 118578147, sha: SHA.A3, branch: 'ENG-124-cache', conclusion: 'success', pr: 59, createdAt: '2026-11-25T10:05:00Z', updatedAt: '2026-11-25T10:19:40Z' }));
  await gh('pull_request_review', review({ id: 803, by: 'grace', pr: 59, author: 'ada', state: 'approved', at: '2026-11-25T11:00:00Z' }));
  await gh('pull_request', mergedPr({ number: 59, title: 'Cache IdP metadata (ENG-124)', body: `🤖 Generated with [Claude Code](https://claude.com/claude-code)`, branch: 'ENG-124-cache', by: 'ada', mergedAt: '2026-11-25T11:30:00Z' }));
  await jira(jiraIssue({ id: '10124', key: 'ENG-124', category: 'done', changedAt: '2026-11-25T12:00:00Z' }));

  // Thu 26
  await gh('push', push('main', [
    { sha: SHA.R1, at: '2026-11-26T11:00:00Z', by: 'grace', message: `Revert "Add SAML login flow"\n\nThis reverts commit ${SHA.A1}.`, removed: ['src/auth/saml.ts', 'test/auth/saml.test.ts'] },
    { sha: SHA.R2, at: '2026-11-26T11:05:00Z', by: 'grace', message: 'Revert "Old cache warmer"\n\nThis reverts commit deadbeefdeadbeefdeadbeefdeadbeefdeadbeef.', modified: ['src/cache.ts'] },
  ]));
  await jira(jiraIssue({ id: '10123', key: 'ENG-123', category: 'indeterminate', changedAt: '2026-11-26T12:00:00Z' }));

  // Fri 27
  await jira(jiraIssue({ id: '10099', key: 'ENG-99', category: 'indeterminate', changedAt: '2026-11-27T09:00:00Z' }));
  await usage('s2-a', 'S2', '2026-11-27T12:00:00Z', 4.5);
  await gh('push', push('ENG-123-add-sso-fix', [
    { sha: SHA.A4, at: '2026-11-27T12:30:00Z', by: 'ada', message: 'ENG-123 handle two IdPs\n\nClaude-Session: https://claude.ai/code/session_S2', modified: ['src/auth/saml.ts', 'test/auth/saml.test.ts'] },
  ]));
});
afterAll(async () => {
  await t.close();
});

const WEEK_LINE =
  'AI-assisted vs the rest: reverted in 14 d 1/5 vs 0/2 (+1 of unseen work) · reopened in 14 d 1/2 vs none · ' +
  'CI first pass 1/2 vs 0/1 · reviewed 1/2 vs 1/1 · tests touched 1/2 vs 0/1 · rework $4.50 (26% of spend). ' +
  'No % under 10: not enough data.';

describe('the signals each delivery leaves', () => {
  it('links the revert to the AI-assisted commit, its story and its session, and keeps the unseen one apart', () => {
    expect(
      rows(
        t.db,
        `SELECT r.by_ref AS revert, r.target_ref AS target, c.sha, c.ai_assisted AS ai, c.session_id AS session,
           (SELECT GROUP_CONCAT(story_key) FROM work_links w WHERE w.kind = 'commit' AND w.ref_id = c.id) AS stories
         FROM reverts r LEFT JOIN reverted_commits rc ON rc.revert_id = r.id LEFT JOIN commits c ON c.id = rc.commit_id ORDER BY r.id`,
      ),
    ).toEqual([
      { revert: SHA.R1, target: SHA.A1, sha: SHA.A1, ai: 1, session: 'S1', stories: 'ENG-123' },
      { revert: SHA.R2, target: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef', sha: null, ai: null, session: null, stories: null },
    ]);
  });

  it('records each reopen with when it happened and how long after done', () => {
    expect(
      rows(t.db, `SELECT s.key, sp.done_at, sp.ended_at, sp.end_kind FROM story_spells sp JOIN stories s ON s.id = sp.story_id ORDER BY s.key, sp.done_at`),
    ).toEqual([
      { key: 'ENG-123', done_at: Date.parse('2026-11-24T16:00:00Z'), ended_at: Date.parse('2026-11-26T12:00:00Z'), end_kind: 'reopened' },
      { key: 'ENG-124', done_at: Date.parse('2026-11-25T12:00:00Z'), ended_at: null, end_kind: null },
      { key: 'ENG-99', done_at: Date.parse('2026-11-02T09:00:00Z'), ended_at: Date.parse('2026-11-27T09:00:00Z'), end_kind: 'reopened' },
    ]);
  });

  it('keeps every CI completion with its attempt and verdict, and the session that reworked ENG-123', () => {
    expect(rows(t.db, 'SELECT series, attempt, head_sha AS sha, verdict FROM ci_runs ORDER BY started_at, series')).toEqual([
      { series: 'wr:5001', attempt: 1, sha: SHA.A2, verdict: 'fail' },
      { series: 'wr:5002', attempt: 1, sha: SHA.G1, verdict: 'pass' },
      { series: 'wr:6001', attempt: 1, sha: SHA.G2, verdict: 'fail' },
      { series: 'wr:6001', attempt: 2, sha: SHA.G2, verdict: 'pass' },
      { series: 'cs:118578147', attempt: 1, sha: SHA.A3, verdict: 'pass' },
      { series: 'wr:7001', attempt: 1, sha: SHA.A3, verdict: 'pass' },
    ]);
    expect(rows(t.db, 'SELECT r.session_id, s.key FROM rework_sessions r JOIN stories s ON s.id = r.story_id')).toEqual([
      { session_id: 'S2', key: 'ENG-123' },
    ]);
  });

  it('never stores a review body', () => {
    expect(JSON.stringify(rows(t.db, 'SELECT * FROM pr_reviews'))).not.toContain('PRIVATE-REVIEW-TEXT');
  });
});

describe('the figures they produce', () => {
  it('/aispend quality: each figure with its counts, not enough data below the floor, and what is behind them', async () => {
    const body = await t.command('quality', { user: 'U0ADA' });
    expect(body.response_type).toBe('ephemeral');
    const text = blockText(body);
    expect(text).toContain('Quality · Platform · last 7 days');
    expect(text).toContain('*Reverted within 14 days*\nAI-assisted: 1 of 5 commits (not enough data)\nThe rest: 0 of 2 commits (not enough data)');
    expect(text).toContain('*Reopened within 14 days*\nAI-assisted: 1 of 2 stories (not enough data)\nThe rest: none');
    expect(text).toContain('*CI passed on the first run*\nAI-assisted: 1 of 2 PRs (not enough data)\nThe rest: 0 of 1 PRs (not enough data)');
    expect(text).toContain('*Approved by someone else*\nAI-assisted: 1 of 2 PRs (not enough data)\nThe rest: 1 of 1 PRs (not enough data)');
    expect(text).toContain('*Touched tests*\nAI-assisted: 1 of 2 PRs (not enough data)\nThe rest: 0 of 1 PRs (not enough data)');
    expect(text).toContain('*Rework spend*\n$4.50 (26% of spend) in 1 session on 1 story already done');
    // A1, M57 and A4 touched tests; A2, A3, G1, G2 did not
    expect(text).toContain('Commits that touched tests: AI-assisted 3 of 5 (not enough data) · the rest 0 of 2 (not enough data)');
    expect(text).toContain('• ENG-123 reopened 44 h 00 min after done · AI-assisted');
    expect(text).toContain('• `a1b2c3d` in acme/api (ENG-123) reverted 2 d 2 h later · AI-assisted');
    // pending: A2 M57 A3 A4 G1 G2 and ENG-124 are under 14 days old
    expect(text).toContain('6 commits and 1 story are under 14 days old and may still be reverted or reopened.');
    expect(text).toContain('1 revert names work aispend never saw: counted apart, not as AI-assisted.');
    expect(text).toContain('Nov 24 – Nov 30 · days in UTC · rates need 10 or more items');
    // no one is named
    expect(text).not.toMatch(/ada|grace|U0ADA/i);
  });

  it('/aispend quality month adds the story reopened after 14 days to the rest, not as a reopen', async () => {
    const text = blockText(await t.command('quality month', { user: 'U0ADA' }));
    expect(text).toContain('Quality · Platform · November to date');
    expect(text).toContain('*Reopened within 14 days*\nAI-assisted: 1 of 2 stories (not enough data)\nThe rest: 0 of 1 stories (not enough data)');
    expect(text).not.toContain('ENG-99 reopened');
  });

  it('the weekly digest: one quality line, and cost per story counts only stories that stayed delivered', async () => {
    const body = await t.command('digest', { user: 'U0ADA' });
    const text = blockText(body);
    expect(text).toContain(`*Quality*: ${WEEK_LINE} (\`/aispend quality\` for the detail)`);
    // ENG-123 was reopened and is not done again; ENG-99 was done in an earlier week: 1 story, $17.50
    expect(text).toContain('*Stories delivered*\n1');
    expect(text).toContain('*Cost per story*\n$17.50');
    // what approvers see for the month: ENG-99 and ENG-123 were reopened, ENG-124 stayed delivered
    const ctx = requestContext(t.app.deps, orgRepo(t.db).teamById(platform)!, NOW);
    expect({ stories: ctx.stories, costPerStory: ctx.costPerStory }).toEqual({ stories: 1, costPerStory: 17.5 });
  });

  it('/aispend summary: the same line for the last 7 days', async () => {
    const text = blockText(await t.command('summary', { user: 'U0ADA' }));
    expect(text).toContain(`*Quality*: ${WEEK_LINE} Detail: \`/aispend quality\``);
    expect(text).toContain('*1 story* delivered');
    // the whole org's summary points to its quality answer instead of reading it again (npm run bench)
    const org = blockText(await t.command('summary org month', { user: TEST_ADMIN }));
    expect(org).toContain('Quality (reverts, reopens, CI, reviews, tests, rework): `/aispend quality org month`');
    expect(blockText(await t.command('quality org', { user: TEST_ADMIN }))).toContain('*Rework spend*\n$4.50 (26% of spend)');
  });

  it('/aispend me: a person sees the quality of their own work, and only there', async () => {
    const ada = blockText(await t.command('me', { user: 'U0ADA' }));
    // ada: A1 A2 M57 A3 A4 (A1 reverted); PRs 57 and 59; her sessions' rework $4.50 of her $17.50
    expect(ada).toContain(
      "*Your work's quality*: AI-assisted vs the rest: reverted in 14 d 1/5 vs none · CI first pass 1/2 vs none · " +
        'reviewed 1/2 vs none · tests touched 1/2 vs none · rework $4.50 (26% of spend). No % under 10: not enough data.',
    );
    const grace = blockText(await t.command('me', { user: 'U0GRACE' }));
    // grace spent nothing on AI and delivered no story: what is linked to her is said as it is
    expect(grace).toContain('No AI usage, agent sessions or delivered stories are linked to you (grace@acme.com) in Nov 24 – Nov 30 yet, only 2 commits and 1 merged pull request.');
    expect(grace).not.toContain('To count delivered stories, connect');
    // grace: G1 G2, R2 of unseen work; PR 58
    expect(grace).toContain(
      "*Your work's quality*: AI-assisted vs the rest: reverted in 14 d none vs 0/2 (+1 of unseen work) · CI first pass none vs 0/1 · " +
        'reviewed none vs 1/1 · tests touched none vs 0/1. No % under 10: not enough data.',
    );
  });

  it('the App Home shows the team line', async () => {
    const before = t.slack.callsOf('views.publish').length;
    await t.event({ type: 'app_home_opened', user: 'U0ADA', tab: 'home', channel: 'DU0ADA' });
    const call = await t.slack.waitFor(() => t.slack.callsOf('views.publish').slice(before).find((c) => c.args.user_id === 'U0ADA'));
    const text = blockText({ blocks: (call.args.view as { blocks: unknown[] }).blocks });
    expect(text).toContain(`Quality: ${WEEK_LINE}`);
  });

  it('a reopened story counts again once it is done again, in the week of its new done', async () => {
    await jira(jiraIssue({ id: '10123', key: 'ENG-123', category: 'done', changedAt: '2026-11-28T09:00:00Z' }));
    const text = blockText(await t.command('digest', { user: 'U0ADA' }));
    // ENG-123 (done again Sat 28) and ENG-124: 2 stories, $17.50 / 2
    expect(text).toContain('*Stories delivered*\n2');
    expect(text).toContain('*Cost per story*\n$8.75');
    expect(blockText(await t.command('summary', { user: 'U0ADA' }))).toContain('*2 stories* delivered');
    expect(requestContext(t.app.deps, orgRepo(t.db).teamById(platform)!, NOW).stories).toBe(2);
    // the reopen stays on record: still 1 of 2 reopened within 14 days
    expect(text).toContain('reopened in 14 d 1/2 vs none');
  });

  it('rework spend follows usage that arrives after the session became a rework session', async () => {
    await usage('s2-b', 'S2', '2026-11-28T10:00:00Z', 2);
    await afterIngestIdle(t.app.deps);
    // $4.50 + $2.00 of $17.50 + $2.00
    expect(blockText(await t.command('quality', { user: 'U0ADA' }))).toContain('*Rework spend*\n$6.50 (33% of spend) in 1 session on 1 story already done');
  });
});
