// The generic delivery route's quality events (story_reopened, revert, ci_run, review): a batch is all or
// nothing with the field at fault, a retry counts once, and a team with enough work gets rates.
//
// Team Data, week of Tue 24 – Mon 30 Nov (UTC), now Mon 30 Nov 10:00Z:
//   12 AI-assisted commits (ai_assisted: true) and 10 others on Tue 24; one revert of AI commit #1 on Wed 25
//     → reverted: AI 1 of 12 = 8%, the rest 0 of 10 = 0%
//   PRs 1–10 (AI) and 11–12 (not): a ci_run for each; PR 1 and PR 2 fail first (PR 2 then passes on attempt 2)
//     → CI first pass: AI 8 of 10 = 80%, the rest 2 of 2 (not enough data)
//   reviews: every PR approved by the other person, except PR 3, approved by its own author
//     → reviewed: AI 9 of 10 = 90%, the rest 2 of 2
//   DATA-1 done Tue 24 and reopened Thu 26 (a story_reopened event) → reopened: the rest 1 of 1
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { deliveryCounts } from '../ingest/delivery/webhook-client.js';
import { rows, seedPerson, seedTeam } from '../ingest/delivery/seed.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const hex = (n: number, c = 'a') => (c.repeat(32) + n.toString(16).padStart(8, '0')).slice(-40);

let t: TestApp;

function batch() {
  const events: Array<Record<string, unknown>> = [];
  for (let i = 1; i <= 22; i++) {
    const ai = i <= 12;
    events.push({
      id: `commit-${i}`,
      type: 'commit',
      timestamp: `2026-11-24T${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}:00Z`,
      user: ai ? 'ada@acme.com' : 'grace@acme.com',
      repo: 'acme/data',
      sha: hex(i),
      title: `Change ${i}`,
      ai_assisted: ai,
    });
  }
  events.push({ id: 'revert-1', type: 'revert', timestamp: '2026-11-25T09:00:00Z', user: 'grace@acme.com', repo: 'acme/data', sha: hex(100, 'b'), reverts_sha: hex(1), title: 'Revert "Change 1"' });
  for (let n = 1; n <= 12; n++) {
    const ai = n <= 10;
    const author = ai ? 'ada@acme.com' : 'grace@acme.com';
    const other = ai ? 'grace@acme.com' : 'ada@acme.com';
    events.push({ id: `ci-${n}`, type: 'ci_run', timestamp: '2026-11-24T12:00:00Z', repo: 'acme/data', sha: hex(n), number: n, conclusion: n <= 2 ? 'FAILURE' : 'success' });
    if (n === 2) events.push({ id: 'ci-2-rerun', type: 'ci_run', timestamp: '2026-11-24T12:30:00Z', repo: 'acme/data', sha: hex(n), number: n, conclusion: 'success', attempt: 2 });
    events.push({ id: `review-${n}`, type: 'review', timestamp: '2026-11-24T13:00:00Z', repo: 'acme/data', number: n, user: n === 3 ? author : other, state: 'approved' });
    events.push({ id: `pr-${n}`, type: 'pull_request_merged', timestamp: '2026-11-24T14:00:00Z', repo: 'acme/data', number: n, user: author, title: `PR ${n}`, ai_assisted: ai });
  }
  events.push({ id: 'story-done', type: 'story_done', timestamp: '2026-11-24T15:00:00Z', story_key: 'DATA-1', team: 'Data' });
  events.push({ id: 'story-reopened', type: 'story_reopened', timestamp: '2026-11-26T15:00:00Z', story_key: 'data-1', team: 'Data' });
  return { events };
}

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  const team = seedTeam(t.db, 'Data');
  seedPerson(t.db, 'ada@acme.com', team);
  seedPerson(t.db, 'grace@acme.com', team);
  orgRepo(t.db).linkSlackToEmail('U0ADA', 'ada@acme.com', 0);
});
afterAll(async () => {
  await t.close();
});

describe('generic quality events', () => {
  it('rejects a batch with one bad event, naming each field at fault, and stores nothing', async () => {
    const bad = batch();
    bad.events.push({ id: 'x1', type: 'revert', timestamp: '2026-11-25T09:00:00Z', repo: 'acme/data', sha: 'abc1234' });
    bad.events.push({ id: 'x2', type: 'ci_run', timestamp: '2026-11-25T09:00:00Z', repo: 'acme/data', sha: 'abc1234', conclusion: 'green' });
    bad.events.push({ id: 'x3', type: 'review', timestamp: '2026-11-25T09:00:00Z', repo: 'acme/data', state: 'approved' });
    bad.events.push({ id: 'x4', type: 'story_reopened', timestamp: '2026-11-25T09:00:00Z' });
    bad.events.push({ id: 'x5', type: 'review', timestamp: '2026-11-25T09:00:00Z', repo: 'acme/data', number: 3, state: 'lgtm' });
    const res = await t.ingest('/ingest/delivery', bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string; message: string }> };
    const n = batch().events.length;
    expect(body.issues.map((i) => i.path).sort()).toEqual(
      [`events.${n}.reverts_sha`, `events.${n + 1}.conclusion`, `events.${n + 2}.number`, `events.${n + 3}.story_key`, `events.${n + 4}.state`].sort(),
    );
    expect(body.issues.find((i) => i.path === `events.${n + 1}.conclusion`)!.message).toContain('success, failure');
    expect(deliveryCounts(t.db)).toMatchObject({ processed_deliveries: 0, commits: 0, pull_requests: 0, stories: 0 });
    expect(rows(t.db, 'SELECT (SELECT COUNT(*) FROM ci_runs) + (SELECT COUNT(*) FROM pr_reviews) + (SELECT COUNT(*) FROM reverts) AS n')).toEqual([{ n: 0 }]);
  });

  it('stores the batch, and counts a retry once', async () => {
    const first = await t.ingest('/ingest/delivery', batch());
    expect(await first.json()).toEqual({ accepted: batch().events.length, duplicates: 0 });
    const again = await t.ingest('/ingest/delivery', batch());
    expect(await again.json()).toEqual({ accepted: 0, duplicates: batch().events.length });
    expect(rows(t.db, 'SELECT COUNT(*) AS n FROM ci_runs')).toEqual([{ n: 13 }]);
  });

  it('gives rates where a group has enough work, counts beside them', async () => {
    const text = blockText(await t.command('quality', { user: 'U0ADA' }));
    expect(text).toContain('*Reverted within 14 days*\nAI-assisted: 8% (1 of 12 commits)\nThe rest: 0% (0 of 10 commits)');
    expect(text).toContain('*CI passed on the first run*\nAI-assisted: 80% (8 of 10 PRs)\nThe rest: 2 of 2 PRs (not enough data)');
    expect(text).toContain('*Approved by someone else*\nAI-assisted: 90% (9 of 10 PRs)\nThe rest: 2 of 2 PRs (not enough data)');
    expect(text).toContain('*Reopened within 14 days*\nAI-assisted: none\nThe rest: 1 of 1 stories (not enough data)');
    expect(text).toContain('*Touched tests*\nAI-assisted: none\nThe rest: none');
  });
});
