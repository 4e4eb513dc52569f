// Pending requests over time, with an injected clock: one reminder after 24 hours, expiry after 7
// days; each exactly once across job re-runs, a restart and a Slack failure.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionIds } from '../../src/slack/ids.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  APPROVALS_CHANNEL,
  APPROVER_1,
  APPROVER_2,
  NOW,
  REQUESTER,
  auditActions,
  increases,
  requestById,
  requestThroughCommand,
  seedOrg,
  startBudgetApp,
} from './budget-fixtures.js';

const HOUR = 3_600_000;
let t: TestApp;
beforeEach(async () => {
  t = await startBudgetApp();
  seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

/** one run of the job, then what it left to the outbox */
async function runJob(app: TestApp) {
  await app.app.jobs.find((j) => j.name === 'budgets')!.run(app.clock.now());
  await drainOutbox(app.app.deps);
}

const reminders = (app: TestApp, parentTs: string) =>
  app.slack.messages.filter((m) => m.thread_ts === parentTs && m.text?.includes('reminder'));

describe('reminder and expiry', () => {
  it('reminds the approvers once after 24 hours, then expires the request after 7 days', async () => {
    const { request, parent } = await requestThroughCommand(t, '500 finish the migration');
    t.clock.set(NOW + 24 * HOUR - 60_000);
    await runJob(t);
    expect(reminders(t, parent!.ts)).toHaveLength(0);

    t.clock.set(NOW + 24 * HOUR);
    await runJob(t);
    const [reminder] = reminders(t, parent!.ts);
    expect(reminder?.channel).toBe(APPROVALS_CHANNEL);
    expect(reminder?.text).toContain(
      `<@${APPROVER_1}> <@${APPROVER_2}>: reminder, <@${REQUESTER}>'s request for +$500 has waited 24 hours for a decision.`,
    );
    expect(reminder?.text).toContain('Nov 30, 2026, 10:00 UTC');
    expect(requestById(t.db, request!.id)).toMatchObject({ status: 'pending', reminded_at: NOW + 24 * HOUR });

    t.clock.set(NOW + 3 * 24 * HOUR);
    await runJob(t);
    expect(reminders(t, parent!.ts)).toHaveLength(1);

    t.clock.set(NOW + 7 * 24 * HOUR - 1);
    await runJob(t);
    expect(requestById(t.db, request!.id).status).toBe('pending');

    t.clock.set(NOW + 7 * 24 * HOUR);
    await runJob(t);
    expect(requestById(t.db, request!.id)).toMatchObject({ status: 'expired', decided_by: null, decided_at: NOW + 7 * 24 * HOUR });
    const update = t.slack.callsOf('chat.update').filter((c) => c.args.ts === parent!.ts);
    expect(update).toHaveLength(1);
    expect(JSON.stringify(update[0]!.args.blocks)).toContain(':hourglass: *Expired*');
    expect(JSON.stringify(update[0]!.args.blocks)).toContain('nobody decided within 7 days.');
    expect(JSON.stringify(update[0]!.args.blocks)).not.toContain('"type":"actions"');
    const dm = t.slack.messagesIn(`D${REQUESTER}`);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.text).toContain('*Expired*');
    expect(t.slack.messages.filter((m) => m.thread_ts === parent!.ts && m.text?.includes('*Expired*'))).toHaveLength(1);

    await runJob(t);
    expect(t.slack.callsOf('chat.update')).toHaveLength(1);
    expect(auditActions(t.db)).toEqual(['budget.request', 'budget.remind', 'budget.expire']);

    // an approver arriving late is told, and nothing changes
    await t.action({ user_id: APPROVER_1, action_id: ActionIds.approvalApprove, value: String(request!.id), channel_id: APPROVALS_CHANNEL, message_ts: parent!.ts });
    const told = await t.slack.waitFor(() => t.slack.responses.find((r) => String(r.body.text).startsWith('Request #1 was already expired')));
    expect(told.body.text).toBe('Request #1 was already expired on Nov 30, 2026, 10:00 UTC. Nothing was changed.');
    expect(increases(t.db)).toEqual([]);
  });

  it('follows the configured delays', async () => {
    await t.close();
    t = await startBudgetApp({ env: { BUDGET_REMINDER_HOURS: '2', BUDGET_EXPIRY_DAYS: '1' } });
    seedOrg(t.db);
    const { request, parent } = await requestThroughCommand(t, '500 quick');
    t.clock.set(NOW + 2 * HOUR);
    await runJob(t);
    expect(reminders(t, parent!.ts)).toHaveLength(1);
    expect(reminders(t, parent!.ts)[0]!.text).toContain('has waited 2 hours');
    t.clock.set(NOW + 24 * HOUR);
    await runJob(t);
    expect(requestById(t.db, request!.id).status).toBe('expired');
  });

  it('sends the reminder exactly once across a Slack failure and a restart', async () => {
    const { request, parent } = await requestThroughCommand(t, '500 finish the migration');
    t.clock.set(NOW + 25 * HOUR);
    t.slack.failNext('chat.postMessage', { count: 1, error: 'fatal_error' });
    await runJob(t);
    // recorded and audited, but Slack failed: the outbox keeps it for a retry
    expect(reminders(t, parent!.ts)).toHaveLength(0);
    expect(requestById(t.db, request!.id).reminded_at).toBe(NOW + 25 * HOUR);

    await t.stopApp();
    const again = await startBudgetApp({ dbPath: t.dbPath, slack: t.slack, now: NOW + 26 * HOUR });
    try {
      await runJob(again);
      await runJob(again);
      expect(reminders(again, parent!.ts)).toHaveLength(1);
      expect(auditActions(again.db)).toEqual(['budget.request', 'budget.remind']);
    } finally {
      await again.close();
    }
  });
});
