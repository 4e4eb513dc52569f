// Linear issues that leave done, through the signed route (Linear refuses deliveries older than a
// minute, so the clock follows each delivery). November 2026, UTC:
//   ENG-200 completed Tue 24 10:00, back to In Progress Fri 27 10:00 (3 days after done): a reopen
//   ENG-201 completed Tue 24 11:00, canceled Wed 25 09:00, then removed: withdrawn, never a reopen
//   ENG-202 completed Mon 2 09:00, back to Todo Wed 25 09:00 (23 days after done): a reopen, too late to count
// November so far: 3 stories done, 1 reopened within 14 days (none AI-assisted); none still delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { rows, seedPerson, seedTeam } from '../ingest/delivery/seed.js';
import { fixture, sendLinear, WEBHOOK_ENV } from '../ingest/delivery/webhook-client.js';

type Delivery = { action: string; webhookTimestamp: number; data: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
let t: TestApp;

const STATES = {
  completed: { id: 's-done', name: 'Done', type: 'completed' },
  started: { id: 's-prog', name: 'In Progress', type: 'started' },
  unstarted: { id: 's-todo', name: 'Todo', type: 'unstarted' },
  canceled: { id: 's-cancel', name: 'Canceled', type: 'canceled' },
} as const;

async function send(id: string, key: string, state: keyof typeof STATES, at: string, action = 'update') {
  const body = fixture<Delivery>('linear/issue-completed.json');
  const ms = Date.parse(at);
  t.clock.set(ms + 30_000);
  body.action = action;
  body.webhookTimestamp = ms + 30_000;
  body.data.id = id;
  body.data.identifier = key;
  body.data.state = { ...STATES[state], color: '#5e6ad2' };
  body.data.updatedAt = at;
  body.data.completedAt = state === 'completed' ? at : null;
  body.data.assignee = null;
  body.data.cycle = null;
  const res = await sendLinear(t.url, body);
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  t = await startTestApp({ env: WEBHOOK_ENV });
  const eng = seedTeam(t.db, 'Engineering');
  orgRepo(t.db).setMapping('project', 'ENG', eng);
  seedPerson(t.db, 'ada@acme.com', eng);
  orgRepo(t.db).linkSlackToEmail('U0ADA', 'ada@acme.com', 0);
  await send('i-202', 'ENG-202', 'completed', '2026-11-02T09:00:00Z');
  await send('i-200', 'ENG-200', 'completed', '2026-11-24T10:00:00Z');
  await send('i-201', 'ENG-201', 'completed', '2026-11-24T11:00:00Z');
  await send('i-201', 'ENG-201', 'canceled', '2026-11-25T09:00:00Z');
  await send('i-202', 'ENG-202', 'unstarted', '2026-11-25T09:00:00Z');
  await send('i-200', 'ENG-200', 'started', '2026-11-27T10:00:00Z');
  await send('i-201', 'ENG-201', 'canceled', '2026-11-27T12:00:00Z', 'remove');
  t.clock.set(Date.parse('2026-11-30T10:00:00Z'));
});
afterAll(async () => {
  await t.close();
});

describe('Linear issues that leave done', () => {
  it('records reopens and withdrawals with when and how long after done', () => {
    expect(
      rows(t.db, 'SELECT s.key, s.done, sp.done_at, sp.ended_at, sp.end_kind FROM story_spells sp JOIN stories s ON s.id = sp.story_id ORDER BY s.key'),
    ).toEqual([
      { key: 'ENG-200', done: 0, done_at: Date.parse('2026-11-24T10:00:00Z'), ended_at: Date.parse('2026-11-27T10:00:00Z'), end_kind: 'reopened' },
      { key: 'ENG-201', done: 0, done_at: Date.parse('2026-11-24T11:00:00Z'), ended_at: Date.parse('2026-11-25T09:00:00Z'), end_kind: 'withdrawn' },
      { key: 'ENG-202', done: 0, done_at: Date.parse('2026-11-02T09:00:00Z'), ended_at: Date.parse('2026-11-25T09:00:00Z'), end_kind: 'reopened' },
    ]);
  });

  it('counts a reopen within 14 days of done, and no longer counts any of them as delivered', async () => {
    const quality = blockText(await t.command('quality month', { user: 'U0ADA' }));
    expect(quality).toContain('*Reopened within 14 days*\nAI-assisted: none\nThe rest: 1 of 3 stories (not enough data)');
    expect(quality).toContain('• ENG-200 reopened 3 d 0 h after done');
    expect(quality).not.toContain('ENG-202 reopened');
    const summary = blockText(await t.command('summary month', { user: 'U0ADA' }));
    expect(summary).toContain('No AI spend or delivered stories recorded for Engineering in Nov 1 – Nov 30');
  });
});
