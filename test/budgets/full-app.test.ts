// With every feature loaded (as `npm start` runs it): a real usage batch crosses a threshold through
// the after-ingest hook, and a request is decided in its thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { APPROVALS_CHANNEL, APPROVER_1, NOW, REQUESTER, TEAM_CHANNEL, requests, seedOrg } from './budget-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  seedOrg(t.db, { budget: 1000 });
});
afterAll(async () => {
  await t.close();
});

describe('budgets in the whole app', () => {
  it('a usage batch over 80% of the budget alerts the team once', async () => {
    const record = (id: string, cost: number) => ({
      id,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      timestamp: '2026-11-23T09:00:00Z',
      team: 'platform',
      input_tokens: 1000,
      output_tokens: 500,
      cost_usd: cost,
    });
    const res = await t.ingest('/ingest/usage', { records: [record('u1', 500), record('u2', 350)] });
    expect(res.status).toBe(200);
    const alert = await t.slack.waitFor(() => t.slack.messagesIn(TEAM_CHANNEL)[0]);
    expect(alert.text).toBe('platform has used 85% of its November 2026 budget ($850 of $1,000)');
    // the same batch again is a duplicate: no spend, no alert
    await t.ingest('/ingest/usage', { records: [record('u1', 500), record('u2', 350)] });
    const more = await t.ingest('/ingest/usage', { records: [record('u3', 10)] });
    expect(more.status).toBe(200);
    expect(t.slack.messagesIn(TEAM_CHANNEL)).toHaveLength(1);
  });

  it('a request is approved by a thread reply and shows in the budget and its history', async () => {
    const answer = await t.command('request 500 full app', { user: REQUESTER });
    expect(String(answer.text)).toContain('Your request #1 for +$500 for platform');
    const parent = t.slack.messages.find((m) => m.metadata?.event_payload?.key === 'approval:1')!;
    await t.event({ type: 'message', channel: APPROVALS_CHANNEL, user: APPROVER_1, text: 'approve 200', ts: '1760000300.000100', thread_ts: parent.ts });
    await t.slack.waitFor(() => requests(t.db)[0]!.status === 'approved');
    const budget = await t.command('budget', { user: REQUESTER });
    // all of the team's spend arrived today, 10 hours ago: less than a day of pace to go on
    expect(budget.text).toBe('platform, November 2026: spent $860 of $1,200 (72%), too early to forecast, 0 pending requests');
    const history = await t.command('budget history', { user: REQUESTER });
    expect(history.text).toBe('platform: budget history, 3 entries');
  });
});
