// Bad and awkward input through the signed routes: reverts of commits aispend never saw, revert chains,
// re-run CI attempts, checks and reviews from bots, force pushes, events out of order and redelivered.
// Each is counted once and none crashes the route. People are on no team here: each scenario's work
// belongs to the team its repository is mapped to, so scenarios do not mix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { periodOfDays } from '../../src/domain/time.js';
import { gatherQuality } from '../../src/quality/quality-service.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { rows, seedTeam } from '../ingest/delivery/seed.js';
import { sendGithub, sendJira, WEBHOOK_ENV } from '../ingest/delivery/webhook-client.js';
import { checkSuite, jiraIssue, mergedPr, push, review, workflowRun } from './quality-payloads.js';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const WEEK = periodOfDays('2026-11-23', '2026-11-30', 'UTC');
const CLAUDE = 'Co-Authored-By: Claude <noreply@anthropic.com>';
const sha = (c: string) => c.repeat(40).slice(0, 40);

let t: TestApp;
const teams: Record<string, number> = {};

async function send(event: string, body: Record<string, unknown>, delivery?: string) {
  const res = await sendGithub(t.url, event, body, delivery ? { delivery } : {});
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const inRepo = (repo: string, body: Record<string, any>) => ({ ...body, repository: { ...body.repository, full_name: repo } }); // eslint-disable-line @typescript-eslint/no-explicit-any
const quality = (team: string) => gatherQuality(t.app.deps, teams[team]!, WEEK, NOW);

beforeAll(async () => {
  t = await startTestApp({ now: NOW, env: WEBHOOK_ENV });
  for (const name of ['unseen', 'chain', 'prchain', 'rerun', 'bots', 'force', 'stories']) {
    teams[name] = seedTeam(t.db, name);
    orgRepo(t.db).setMapping('project', `acme/${name}`, teams[name]!);
  }
  orgRepo(t.db).setMapping('project', 'OUT', teams.stories!);
});
afterAll(async () => {
  await t.close();
});

describe('reverts of commits aispend never saw', () => {
  const X = sha('1a');
  const R = sha('2b');
  it('counts the revert apart, never as AI-assisted, until the commit it names arrives', async () => {
    const revert = push('main', [{ sha: R, at: '2026-11-26T10:00:00Z', by: 'grace', message: `Revert "Speed up search"\n\nThis reverts commit ${X.slice(0, 12)}.` }], { repo: 'acme/unseen' });
    expect((await send('push', revert)).status).toBe(200);
    let q = quality('unseen');
    expect(q.reverts.unknown).toBe(1);
    expect(q.reverts.ai).toMatchObject({ count: 0, of: 0 });
    expect(q.reverts.rest).toMatchObject({ count: 0, of: 0 });

    // the original push arrives late (GitHub delivers in no guaranteed order)
    const original = push('feature/search', [{ sha: X, at: '2026-11-25T10:00:00Z', by: 'ada', message: `Speed up search\n\n${CLAUDE}` }], { repo: 'acme/unseen' });
    expect((await send('push', original)).status).toBe(200);
    q = quality('unseen');
    expect(q.reverts.unknown).toBe(0);
    expect(q.reverts.ai).toMatchObject({ count: 1, of: 1, pending: 0 });
  });

  it('changes nothing on a redelivery, or when the same commits come again under another delivery id', async () => {
    const revert = push('main', [{ sha: R, at: '2026-11-26T10:00:00Z', by: 'grace', message: `Revert "Speed up search"\n\nThis reverts commit ${X.slice(0, 12)}.` }], { repo: 'acme/unseen' });
    const first = await send('push', revert, 'same-delivery');
    expect(first.body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await send('push', revert, 'same-delivery')).body).toEqual({ accepted: 0, duplicates: 1 });
    expect(rows(t.db, "SELECT COUNT(*) AS n FROM reverts WHERE repo = 'acme/unseen'")).toEqual([{ n: 1 }]);
    expect(quality('unseen').reverts.ai).toMatchObject({ count: 1, of: 1 });
  });
});

describe('revert chains', () => {
  const X = sha('3c');
  const R1 = sha('4d');
  const R2 = sha('5e');
  it('counts the reverted commit once, and the reverts themselves never as work', async () => {
    const body = push('main', [
      { sha: X, at: '2026-11-24T09:00:00Z', by: 'ada', message: `Add rate limits\n\n${CLAUDE}` },
      { sha: R1, at: '2026-11-24T12:00:00Z', by: 'grace', message: `Revert "Add rate limits"\n\nThis reverts commit ${X}.` },
      // git ≥ 2.43 names a revert of a revert "Reapply"
      { sha: R2, at: '2026-11-25T12:00:00Z', by: 'ada', message: `Reapply "Add rate limits"\n\nThis reverts commit ${R1}.` },
    ], { repo: 'acme/chain' });
    expect((await send('push', body)).body).toEqual({ accepted: 3, duplicates: 0 });
    const q = quality('chain');
    expect(q.reverts.ai).toMatchObject({ count: 1, of: 1 });
    expect(q.reverts.rest).toMatchObject({ count: 0, of: 0 });
    expect(q.reverts.unknown).toBe(0);
    expect(rows(t.db, "SELECT commit_kind AS kind, COUNT(*) AS n FROM commits WHERE repo = 'acme/chain' GROUP BY commit_kind")).toEqual([
      { kind: 'change', n: 1 },
      { kind: 'revert', n: 2 },
    ]);
  });

  it('follows GitHub revert PRs (Revert "…", "Reverts owner/repo#N") and their revert commits to the same change, once', async () => {
    const M = sha('6f');
    const B = sha('70');
    const RB = sha('81');
    const RM = sha('92');
    const RRB = sha('a3');
    await send('push', push('feature/export', [{ sha: B, at: '2026-11-24T09:00:00Z', by: 'ada', message: `Export to CSV\n\n${CLAUDE}` }], { repo: 'acme/prchain' }));
    await send('pull_request', inRepo('acme/prchain', mergedPr({ number: 70, title: 'Export to CSV', branch: 'feature/export', by: 'ada', mergedAt: '2026-11-24T10:00:00Z', mergeSha: M })));
    await send('push', push('main', [{ sha: M, at: '2026-11-24T10:00:00Z', by: 'ada', message: `Export to CSV (#70)\n\n${CLAUDE}` }], { repo: 'acme/prchain' }));
    // the Revert button: a branch revert-70-…, a revert commit naming the squash commit, a PR naming #70
    await send('push', push('revert-70-feature/export', [{ sha: RB, at: '2026-11-25T09:00:00Z', by: 'grace', message: `Revert "Export to CSV (#70)"\n\nThis reverts commit ${M}.` }], { repo: 'acme/prchain' }));
    await send('pull_request', inRepo('acme/prchain', mergedPr({ number: 71, title: 'Revert "Export to CSV"', body: 'Reverts acme/prchain#70', branch: 'revert-70-feature/export', by: 'grace', mergedAt: '2026-11-25T09:30:00Z', mergeSha: RM })));
    await send('push', push('main', [{ sha: RM, at: '2026-11-25T09:30:00Z', by: 'grace', message: `Revert "Export to CSV" (#71)\n\nThis reverts commit ${M}.` }], { repo: 'acme/prchain' }));
    // and the revert of the revert, from its own branch
    await send('push', push('revert-71-revert-70-feature/export', [{ sha: RRB, at: '2026-11-26T09:00:00Z', by: 'ada', message: `Revert "Revert "Export to CSV""\n\nThis reverts commit ${RM}.` }], { repo: 'acme/prchain' }));
    await send('pull_request', inRepo('acme/prchain', mergedPr({ number: 72, title: 'Revert "Revert "Export to CSV""', body: 'Reverts acme/prchain#71', branch: 'revert-71-revert-70-feature/export', by: 'ada', mergedAt: '2026-11-26T09:30:00Z' })));
    const q = quality('prchain');
    // the change is B and its squash commit M, both AI-assisted: both reverted, each once
    expect(q.reverts.ai).toMatchObject({ count: 2, of: 2 });
    expect(q.reverts.rest).toMatchObject({ count: 0, of: 0 });
    expect(q.reverts.unknown).toBe(0);
  });
});

describe('CI re-runs', () => {
  const H = sha('b4');
  it('never counts a re-run attempt as a first pass, whatever order the attempts arrive in', async () => {
    await send('push', push('fix/flaky', [{ sha: H, at: '2026-11-24T09:00:00Z', by: 'grace', message: 'Fix the flaky clock test' }], { repo: 'acme/rerun' }));
    // attempt 2 (passed) is delivered before attempt 1 (failed)
    await send('workflow_run', inRepo('acme/rerun', workflowRun({ id: 900, attempt: 2, sha: H, branch: 'fix/flaky', conclusion: 'success', pr: 80, startedAt: '2026-11-24T09:20:00Z', completedAt: '2026-11-24T09:25:00Z' })));
    await send('workflow_run', inRepo('acme/rerun', workflowRun({ id: 900, attempt: 1, sha: H, branch: 'fix/flaky', conclusion: 'failure', pr: 80, startedAt: '2026-11-24T09:01:00Z', completedAt: '2026-11-24T09:08:00Z' })));
    // a redelivery of attempt 2, under a new delivery id: the same completion, once
    const again = await send('workflow_run', inRepo('acme/rerun', workflowRun({ id: 900, attempt: 2, sha: H, branch: 'fix/flaky', conclusion: 'success', pr: 80, startedAt: '2026-11-24T09:20:00Z', completedAt: '2026-11-24T09:25:00Z' })));
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    // a run still going and a requested one are not stored
    expect((await send('workflow_run', { ...inRepo('acme/rerun', workflowRun({ id: 901, sha: H, branch: 'fix/flaky', conclusion: null, startedAt: '2026-11-24T09:30:00Z', completedAt: '2026-11-24T09:30:00Z' })), action: 'in_progress' })).status).toBe(202);
    await send('pull_request', inRepo('acme/rerun', mergedPr({ number: 80, title: 'Fix the flaky clock test', branch: 'fix/flaky', by: 'grace', mergedAt: '2026-11-24T10:00:00Z' })));
    const q = quality('rerun');
    expect(q.ciFirstPass.rest).toMatchObject({ count: 0, of: 1 });
    expect(rows(t.db, "SELECT attempt, verdict FROM ci_runs WHERE repo = 'acme/rerun' ORDER BY attempt")).toEqual([
      { attempt: 1, verdict: 'fail' },
      { attempt: 2, verdict: 'pass' },
    ]);
  });

  it('numbers a re-requested check suite by its completions, and reads a run without run_attempt as a first attempt', async () => {
    const K = sha('c5');
    await send('push', push('fix/cache', [{ sha: K, at: '2026-11-25T09:00:00Z', by: 'grace', message: 'Warm the cache' }], { repo: 'acme/rerun' }));
    await send('check_suite', inRepo('acme/rerun', checkSuite({ id: 4242, sha: K, branch: 'fix/cache', conclusion: 'success', createdAt: '2026-11-25T09:01:00Z', updatedAt: '2026-11-25T09:30:00Z' })));
    await send('check_suite', inRepo('acme/rerun', checkSuite({ id: 4242, sha: K, branch: 'fix/cache', conclusion: 'failure', createdAt: '2026-11-25T09:01:00Z', updatedAt: '2026-11-25T09:10:00Z' })));
    expect(rows(t.db, "SELECT attempt, conclusion FROM ci_runs WHERE series = 'cs:4242' ORDER BY attempt")).toEqual([
      { attempt: 1, conclusion: 'failure' },
      { attempt: 2, conclusion: 'success' },
    ]);
    await send('workflow_run', inRepo('acme/rerun', workflowRun({ id: 902, sha: K, branch: 'fix/cache', conclusion: 'success', startedAt: '2026-11-25T09:01:00Z', completedAt: '2026-11-25T09:05:00Z' })));
    expect(rows(t.db, "SELECT attempt FROM ci_runs WHERE series = 'wr:902'")).toEqual([{ attempt: 1 }]);
  });
});

describe('checks and reviews from bots', () => {
  const D = sha('d6');
  const H = sha('e7');
  it('leaves out PRs bots opened, GitHub Actions check suites (workflow_run counts them) and bot approvals', async () => {
    await send('push', push('dependabot/npm/zod-4.1.0', [{ sha: D, at: '2026-11-24T09:00:00Z', by: 'grace', message: 'Bump zod from 4.0.0 to 4.1.0' }], { repo: 'acme/bots' }));
    await send('workflow_run', inRepo('acme/bots', workflowRun({ id: 950, attempt: 1, sha: D, branch: 'dependabot/npm/zod-4.1.0', conclusion: 'failure', pr: 90, startedAt: '2026-11-24T09:01:00Z', completedAt: '2026-11-24T09:05:00Z', actor: 'dependabot[bot]' })));
    await send('pull_request', inRepo('acme/bots', mergedPr({ number: 90, title: 'Bump zod from 4.0.0 to 4.1.0', branch: 'dependabot/npm/zod-4.1.0', by: 'dependabot', mergedAt: '2026-11-24T10:00:00Z' })));

    await send('push', push('feature/x', [{ sha: H, at: '2026-11-24T11:00:00Z', by: 'grace', message: 'Add the x endpoint' }], { repo: 'acme/bots' }));
    const actions = await send('check_suite', inRepo('acme/bots', checkSuite({ id: 5353, sha: H, branch: 'feature/x', conclusion: 'failure', pr: 91, createdAt: '2026-11-24T11:01:00Z', updatedAt: '2026-11-24T11:05:00Z', app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' } })));
    expect(actions).toEqual({ status: 202, body: { accepted: 0, duplicates: 0, ignored: 'check_suite (GitHub Actions: counted from workflow_run)' } });
    await send('workflow_run', inRepo('acme/bots', workflowRun({ id: 951, attempt: 1, sha: H, branch: 'feature/x', conclusion: 'success', pr: 91, startedAt: '2026-11-24T11:01:00Z', completedAt: '2026-11-24T11:04:00Z' })));
    await send('pull_request_review', inRepo('acme/bots', review({ id: 9901, by: 'bot', pr: 91, author: 'grace', state: 'approved', at: '2026-11-24T11:10:00Z' })));
    await send('pull_request', inRepo('acme/bots', mergedPr({ number: 91, title: 'Add the x endpoint', branch: 'feature/x', by: 'grace', mergedAt: '2026-11-24T12:00:00Z' })));
    const q = quality('bots');
    // only PR 91 counts: it passed CI on its first run (the Actions suite said failure, and was not read)
    expect(q.merged).toEqual({ ai: 0, rest: 1 });
    expect(q.ciFirstPass.rest).toMatchObject({ count: 1, of: 1 });
    expect(q.reviewed.rest).toMatchObject({ count: 0, of: 1 });
  });

  it('holds an approval that was dismissed, whatever order the two events arrive in', async () => {
    await send('pull_request_review', inRepo('acme/bots', review({ id: 9902, by: 'ada', pr: 91, author: 'grace', state: 'dismissed', action: 'dismissed', at: '2026-11-24T11:20:00Z' })));
    await send('pull_request_review', inRepo('acme/bots', review({ id: 9902, by: 'ada', pr: 91, author: 'grace', state: 'approved', at: '2026-11-24T11:20:00Z' })));
    expect(quality('bots').reviewed.rest).toMatchObject({ count: 0, of: 1 });
    // an approval by someone else before the merge counts
    await send('pull_request_review', inRepo('acme/bots', review({ id: 9903, by: 'ada', pr: 91, author: 'grace', state: 'APPROVED', at: '2026-11-24T11:30:00Z' })));
    expect(quality('bots').reviewed.rest).toMatchObject({ count: 1, of: 1 });
  });

  it('answers a review in a state it does not know, and a malformed run, without storing anything', async () => {
    const before = rows(t.db, 'SELECT (SELECT COUNT(*) FROM ci_runs) + (SELECT COUNT(*) FROM pr_reviews) AS n');
    const odd = await send('pull_request_review', inRepo('acme/bots', review({ id: 9904, by: 'ada', pr: 91, author: 'grace', state: 'pending', at: '2026-11-24T11:40:00Z' })));
    expect(odd.status).toBe(202);
    const bad = workflowRun({ id: 952, attempt: 1, sha: H, branch: 'feature/x', conclusion: 'success', startedAt: '2026-11-24T11:01:00Z', completedAt: '2026-11-24T11:04:00Z' });
    delete (bad.workflow_run as Record<string, unknown>).head_sha;
    const res = await send('workflow_run', bad);
    expect(res.status).toBe(400);
    expect((res.body.issues as Array<{ path: string }>).map((i) => i.path)).toEqual(['workflow_run.head_sha']);
    expect(rows(t.db, 'SELECT (SELECT COUNT(*) FROM ci_runs) + (SELECT COUNT(*) FROM pr_reviews) AS n')).toEqual(before);
  });
});

describe('force pushes', () => {
  const OLD = [sha('f8'), sha('09')];
  const NEW = [sha('1b'), sha('2c')];
  const commits = (shas: string[]) => [
    { sha: shas[0]!, at: '2026-11-24T09:00:00Z', by: 'ada' as const, message: `Parse the config\n\n${CLAUDE}`, added: ['src/config.ts', 'test/config.test.ts'] },
    { sha: shas[1]!, at: '2026-11-24T09:30:00Z', by: 'ada' as const, message: `Validate the config\n\n${CLAUDE}`, modified: ['src/config.ts'] },
  ];
  it('counts commits a rebase rewrote once, and a revert of the old sha still reaches them', async () => {
    await send('push', push('feature/config', commits(OLD), { repo: 'acme/force' }));
    // rebased onto main and force-pushed: new shas, same authors, author times and messages
    const forced = await send('push', push('feature/config', commits(NEW), { repo: 'acme/force', forced: true }));
    expect(forced.body).toEqual({ accepted: 2, duplicates: 0 });
    let q = quality('force');
    expect(q.reverts.ai).toMatchObject({ count: 0, of: 2 });
    expect(q.commitTestsTouched.ai).toMatchObject({ count: 1, of: 2 });
    await send('push', push('main', [{ sha: sha('3d'), at: '2026-11-25T09:00:00Z', by: 'grace', message: `Revert "Validate the config"\n\nThis reverts commit ${NEW[1]}.` }], { repo: 'acme/force' }));
    q = quality('force');
    expect(q.reverts.ai).toMatchObject({ count: 1, of: 2 });
  });
});

describe('stories whose events arrive out of order', () => {
  it('records a reopen whose done arrives after it (Jira delivers late), and counts each once', async () => {
    // done Tue 24 10:00, back in progress Wed 25 10:00: the reopen is delivered first
    await sendJira(t.url, jiraIssue({ id: '20001', key: 'OUT-1', category: 'indeterminate', changedAt: '2026-11-25T10:00:00Z' }));
    const late = jiraIssue({ id: '20001', key: 'OUT-1', category: 'done', changedAt: '2026-11-24T10:00:00Z' });
    const res = await sendJira(t.url, late, { delivery: 'jira-late-done' });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(rows(t.db, "SELECT done, done_at, first_done_at FROM stories WHERE key = 'OUT-1'")).toEqual([
      { done: 0, done_at: Date.parse('2026-11-24T10:00:00Z'), first_done_at: Date.parse('2026-11-24T10:00:00Z') },
    ]);
    // Jira retries the same delivery: nothing changes
    expect(await (await sendJira(t.url, late, { delivery: 'jira-late-done' })).json()).toEqual({ accepted: 0, duplicates: 1 });
    // the same state again under another identifier (an edit while in progress): still one reopen
    await sendJira(t.url, jiraIssue({ id: '20001', key: 'OUT-1', category: 'indeterminate', changedAt: '2026-11-25T10:00:00Z', at: '2026-11-25T11:00:00Z' }));
    const q = quality('stories');
    expect(q.reopens.rest).toMatchObject({ count: 1, of: 1, pending: 0 });
    expect(rows(t.db, "SELECT COUNT(*) AS n FROM story_spells sp JOIN stories s ON s.id = sp.story_id WHERE s.key = 'OUT-1'")).toEqual([{ n: 1 }]);
  });

  it('does not count a story that went back to To Do before it was ever done, nor a deleted one, as reopened', async () => {
    await sendJira(t.url, jiraIssue({ id: '20002', key: 'OUT-2', category: 'new', changedAt: '2026-11-24T08:00:00Z' }));
    await sendJira(t.url, jiraIssue({ id: '20003', key: 'OUT-3', category: 'done', changedAt: '2026-11-24T08:00:00Z' }));
    await sendJira(t.url, { ...jiraIssue({ id: '20003', key: 'OUT-3', category: 'done', changedAt: '2026-11-24T08:00:00Z', at: '2026-11-24T12:00:00Z' }), webhookEvent: 'jira:issue_deleted' });
    const q = quality('stories');
    // OUT-1 (reopened) and OUT-3 (done, then deleted: withdrawn, not a reopen)
    expect(q.reopens.rest).toMatchObject({ count: 1, of: 2 });
    expect(rows(t.db, "SELECT done FROM stories WHERE key = 'OUT-3'")).toEqual([{ done: 0 }]);
  });
});
