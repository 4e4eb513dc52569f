import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { deliveryCounts, fixture, NOTHING_STORED, sendJira, WEBHOOK_ENV } from '../delivery/webhook-client.js';
import { rows, seedTeam } from '../delivery/seed.js';

const T = (iso: string) => Date.parse(iso);
let t: TestApp;
let proj: number;
beforeAll(async () => {
  t = await startTestApp({ env: WEBHOOK_ENV });
  proj = seedTeam(t.db, 'Identity');
  orgRepo(t.db).setMapping('project', 'PROJ', proj);
});
afterAll(async () => {
  await t.close();
});

const story = (key: string) =>
  rows(t.db, 'SELECT key, title, points, done, done_at, team_id, project_key, assignee_ref, person_id, sprint_id FROM stories WHERE key = ?', key)[0];

describe('POST /webhooks/jira: refusals store nothing', () => {
  it('refuses bad and missing signatures', async () => {
    const bad = await sendJira(t.url, fixture('jira/issue-done.json'), { signature: 'sha256=' + '0'.repeat(64) });
    expect(bad.status).toBe(401);
    const missing = await sendJira(t.url, fixture('jira/issue-done.json'), { noSignature: true });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toContain('JIRA_WEBHOOK_SECRET');
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('refuses an issue without a status with 400 and the field at fault', async () => {
    const e = fixture<{ issue: { fields: Record<string, unknown> } }>('jira/issue-done.json');
    delete e.issue.fields.status;
    const res = await sendJira(t.url, e);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path)).toEqual(['issue.fields.status']);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('answers 202 to events it does not store', async () => {
    const res = await sendJira(t.url, fixture('jira/comment-created.json'));
    expect(res.status).toBe(202);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });
});

describe('POST /webhooks/jira: issues and sprints', () => {
  it('keys a person without an email by accountId (real Cloud capture)', async () => {
    const res = await sendJira(t.url, fixture('jira/issue-created-no-email.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const people = rows(
      t.db,
      "SELECT p.email, p.name, i.external_id FROM people p JOIN person_identities i ON i.person_id = p.id AND i.kind = 'jira'",
    );
    expect(people).toEqual([{ email: null, name: 'Sirajudheen MK', external_id: '712020:f1ad7cfd-7f82-4dc0-85e4-8bc47bcc08e4' }]);
    expect(story('KAN-22')).toMatchObject({ title: 'Add back button to pages', done: 0, done_at: null, points: null, team_id: null, sprint_id: null });
  });

  it('records sprint_started', async () => {
    const res = await sendJira(t.url, fixture('jira/sprint-started.json'));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(rows(t.db, 'SELECT source, external_id, name, state, starts_at, ends_at, completed_at FROM sprints')).toEqual([
      { source: 'jira', external_id: '42', name: 'PROJ Sprint 7', state: 'active', starts_at: T('2026-11-09T08:00:00Z'), ends_at: T('2026-11-23T08:00:00Z'), completed_at: null },
    ]);
  });

  const doneDelivery = 'b2a6c8e0-0f3c-4c55-9c8e-7d0a3f6b8e01';

  it('delivers an issue reaching done, with points, sprint and team from the project mapping', async () => {
    const res = await sendJira(t.url, fixture('jira/issue-done.json'), { delivery: doneDelivery });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const sprint = rows<{ id: number }>(t.db, "SELECT id FROM sprints WHERE external_id = '42'")[0]!;
    expect(story('PROJ-842')).toMatchObject({
      title: 'Refresh IdP metadata nightly', points: 5, done: 1, done_at: T('2026-11-23T06:00:00Z'), team_id: proj,
      project_key: 'PROJ', assignee_ref: '5b10a2844c20165700ede21g', sprint_id: sprint.id,
    });
    // the closed sprint it carried over from is recorded too, not chosen
    expect(rows(t.db, "SELECT state, completed_at FROM sprints WHERE external_id = '41'")).toEqual([{ state: 'closed', completed_at: T('2026-11-09T09:00:00Z') }]);
  });

  it('counts a redelivery once', async () => {
    const before = deliveryCounts(t.db);
    const res = await sendJira(t.url, fixture('jira/issue-done.json'), { delivery: doneDelivery });
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 1 });
    expect(deliveryCounts(t.db)).toEqual(before);
  });

  it('withdraws a story that reopens, and counts it once, at the latest time, when it is done again', async () => {
    await sendJira(t.url, fixture('jira/issue-reopened.json'));
    expect(story('PROJ-842')).toMatchObject({ done: 0 });
    const again = fixture<{ timestamp: number; issue: { fields: Record<string, unknown> } }>('jira/issue-done.json');
    again.timestamp = T('2026-11-23T08:00:00Z');
    again.issue.fields.statuscategorychangedate = '2026-11-23T08:00:00.000+0000';
    await sendJira(t.url, again);
    expect(rows(t.db, "SELECT COUNT(*) AS n, SUM(done) AS done, MAX(done_at) AS done_at FROM stories WHERE key = 'PROJ-842'")).toEqual([
      { n: 1, done: 1, done_at: T('2026-11-23T08:00:00Z') },
    ]);
  });

  it('ignores a late delivery older than what it already applied', async () => {
    const res = await sendJira(t.url, fixture('jira/issue-reopened.json'));
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 0 });
    expect(story('PROJ-842')).toMatchObject({ done: 1 });
  });

  it('records sprint_closed without reopening it from an issue copy', async () => {
    await sendJira(t.url, fixture('jira/sprint-closed.json'));
    await sendJira(t.url, { ...fixture<Record<string, unknown>>('jira/issue-created-no-email.json'), timestamp: T('2026-11-23T09:30:00Z') });
    const again = fixture<{ timestamp: number; issue: { fields: Record<string, unknown> } }>('jira/issue-done.json');
    again.timestamp = T('2026-11-23T09:40:00Z');
    await sendJira(t.url, again);
    expect(rows(t.db, "SELECT state, completed_at FROM sprints WHERE external_id = '42'")).toEqual([
      { state: 'closed', completed_at: T('2026-11-23T09:12:00Z') },
    ]);
  });
});
