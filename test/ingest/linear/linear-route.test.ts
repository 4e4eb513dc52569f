import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryRepo } from '../../../src/db/repos/delivery-repo.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { deliveryCounts, fixture, NOTHING_STORED, sendLinear, WEBHOOK_ENV } from '../delivery/webhook-client.js';
import { rows, seedTeam } from '../delivery/seed.js';

const T = (iso: string) => Date.parse(iso);
const NOW = T('2026-11-23T10:00:00Z');
let t: TestApp;
let eng: number;
beforeAll(async () => {
  t = await startTestApp({ env: WEBHOOK_ENV, now: NOW });
  eng = seedTeam(t.db, 'Engineering');
  orgRepo(t.db).setMapping('project', 'ENG', eng);
});
afterAll(async () => {
  await t.close();
});

type Delivery = { webhookTimestamp: number; action: string; data: Record<string, unknown> };
const issue = () => fixture<Delivery>('linear/issue-completed.json');
const story = () =>
  rows(t.db, "SELECT key, title, points, done, done_at, team_id, project_key, ai_assisted, sprint_id, person_id FROM stories WHERE key = 'ENG-123'")[0];

describe('POST /webhooks/linear: refusals store nothing', () => {
  it('refuses bad and missing signatures', async () => {
    expect((await sendLinear(t.url, issue(), { signature: 'f'.repeat(64) })).status).toBe(401);
    expect((await sendLinear(t.url, issue(), { noSignature: true })).status).toBe(400);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('refuses a delivery older than the allowed window (a possible replay)', async () => {
    const old = issue();
    old.webhookTimestamp = NOW - 61_000;
    const res = await sendLinear(t.url, old);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('stale_delivery');
    expect(body.message).toContain('61 s');
    expect(body.message).toContain('LINEAR_WEBHOOK_MAX_AGE_SECONDS');
    const future = issue();
    future.webhookTimestamp = NOW + 120_000;
    expect((await sendLinear(t.url, future)).status).toBe(401);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('refuses an issue without a state with 400 and the field at fault', async () => {
    const bad = issue();
    delete bad.data.state;
    const res = await sendLinear(t.url, bad);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['data.state']);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('answers 202 to other entity types', async () => {
    const res = await sendLinear(t.url, fixture('linear/comment-create.json'));
    expect(res.status).toBe(202);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });
});

describe('POST /webhooks/linear: issues and cycles', () => {
  it('delivers a completed issue with estimate, cycle, assignee email and team key; AI-assisted through a PR merged earlier', async () => {
    // the PR was merged before the issue was completed
    const repo = deliveryRepo(t.db);
    const pr = repo.upsertPullRequest({
      repo: 'acme/api', number: 57, title: 'Add SSO (ENG-123)', branch: 'ada/eng-123-add-sso', author_login: 'ada', person_id: null,
      team_id: null, merged_at: T('2026-11-23T09:45:00Z'), additions: 1, deletions: 1, ai_assisted: 1, ai_markers: 'claude-generated', source: 'github',
    });
    repo.link('pr', pr.id, ['ENG-123']);

    const res = await sendLinear(t.url, issue());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const sprint = rows<{ id: number; name: string; state: string; source: string; team_id: number }>(
      t.db,
      'SELECT id, source, name, state, team_id, starts_at, ends_at FROM sprints',
    );
    expect(sprint).toEqual([
      { id: sprint[0]!.id, source: 'linear', name: 'Cycle 42', state: 'active', team_id: eng, starts_at: T('2026-11-16T00:00:00Z'), ends_at: T('2026-11-30T00:00:00Z') },
    ]);
    const ada = orgRepo(t.db).personByEmail('ada@acme.com')!;
    expect(story()).toEqual({
      key: 'ENG-123', title: 'Add SSO', points: 3, done: 1, done_at: T('2026-11-23T09:59:00Z'), team_id: eng,
      project_key: 'ENG', ai_assisted: 1, sprint_id: sprint[0]!.id, person_id: ada.id,
    });
    expect(orgRepo(t.db).personByIdentity('linear', '2f1c6a0e-4b1d-4c4e-9a51-1f1d2b3c4d5e')!.id).toBe(ada.id);
  });

  it('counts a redelivery once (webhookId + data.id + updatedAt + action)', async () => {
    const before = deliveryCounts(t.db);
    const again = issue();
    again.webhookTimestamp = NOW + 5_000; // a retry is signed again with a new time
    const res = await sendLinear(t.url, again);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 1 });
    expect(deliveryCounts(t.db)).toEqual(before);
  });

  it('uses the Linear-Delivery header as the key when it is sent', async () => {
    const a = issue();
    a.data.updatedAt = '2026-11-23T09:59:30.000Z';
    const first = await sendLinear(t.url, a, { headers: { 'linear-delivery': 'dlv-1' } });
    expect(await first.json()).toEqual({ accepted: 1, duplicates: 0 });
    const second = await sendLinear(t.url, a, { headers: { 'linear-delivery': 'dlv-1' } });
    expect(await second.json()).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('withdraws an issue moved back to started', async () => {
    const back = issue();
    back.data.updatedAt = '2026-11-23T09:59:50.000Z';
    back.data.completedAt = null;
    back.data.state = { id: 's', name: 'In Progress', type: 'started', color: '#f2c94c' };
    await sendLinear(t.url, back);
    expect(story()).toMatchObject({ done: 0, done_at: T('2026-11-23T09:59:00Z') });
  });

  it('records a completed cycle', async () => {
    t.clock.set(T('2026-11-30T00:00:05Z'));
    const res = await sendLinear(t.url, fixture('linear/cycle-completed.json'));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(rows(t.db, 'SELECT name, state, completed_at, team_id FROM sprints')).toEqual([
      { name: 'Cycle 42', state: 'closed', completed_at: T('2026-11-30T00:00:04Z'), team_id: eng },
    ]);
  });
});
