// 20 approvers act at the same moment (approve buttons and deny modals): exactly one decision wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { ActionIds, CallbackIds } from '../../src/slack/ids.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  APPROVALS_CHANNEL,
  REQUESTER,
  auditActions,
  increases,
  requestById,
  requestThroughCommand,
  seedOrg,
  startBudgetApp,
} from './budget-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await startBudgetApp();
});
afterAll(async () => {
  await t.close();
});

describe('concurrent decisions', () => {
  it('20 approve and deny attempts sent at once produce exactly one decision; the others are told who decided', async () => {
    const org = seedOrg(t.db);
    const approvers = Array.from({ length: 20 }, (_, i) => `U0RACE${String(i).padStart(2, '0')}`);
    orgRepo(t.db).setApprovers(org.platform.id, approvers);
    const { request, parent } = await requestThroughCommand(t, '700 a sprint of load tests');
    expect(parent).toBeDefined();
    const id = request!.id;
    const privateMetadata = JSON.stringify({ requestId: id });

    // even-numbered approvers click Approve; odd-numbered submit the Deny modal
    const responses = await Promise.all(
      approvers.map((user, i) =>
        i % 2 === 0
          ? t.action({ user_id: user, action_id: ActionIds.approvalApprove, value: String(id), channel_id: APPROVALS_CHANNEL, message_ts: parent!.ts })
          : t.submitView({
              user_id: user,
              callback_id: CallbackIds.denyReasonModal,
              private_metadata: privateMetadata,
              values: { reason: { reason: { value: `not now (${user})` } } },
            }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(approvers.map(() => 200));
    const bodies = await Promise.all(responses.map((r) => r.text()));

    const final = requestById(t.db, id);
    expect(['approved', 'denied']).toContain(final.status);
    expect(approvers).toContain(final.decided_by);
    const decisions = auditActions(t.db).filter((a) => a === 'budget.approve' || a === 'budget.deny');
    expect(decisions).toHaveLength(1);
    expect(increases(t.db)).toHaveLength(final.status === 'approved' ? 1 : 0);

    // losing deny modals stay open with the news; losing approve clicks get a private answer
    const winnerIndex = approvers.indexOf(final.decided_by!);
    const modalLosers = bodies.filter((b, i) => i % 2 === 1 && i !== winnerIndex);
    expect(modalLosers).toHaveLength(final.status === 'denied' ? 9 : 10);
    for (const b of modalLosers) {
      const parsed = JSON.parse(b) as { response_action: string; errors: { reason: string } };
      expect(parsed.response_action).toBe('errors');
      expect(parsed.errors.reason).toMatch(new RegExp(`^Request #${id} was already ${final.status} by ${final.decided_by} on Nov 23, 2026, 10:00 UTC`));
    }
    const clickLosers = final.status === 'approved' ? 9 : 10;
    const told = await t.slack.waitFor(() => {
      const r = t.slack.responses.filter((x) => String(x.body.text).startsWith(`Request #${id} was already ${final.status} by <@${final.decided_by}>`));
      return r.length === clickLosers ? r : undefined;
    });
    expect(told).toHaveLength(clickLosers);

    // one update of the request message, one thread reply, one DM
    await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`).length === 1);
    const updates = t.slack.callsOf('chat.update').filter((c) => c.args.ts === parent!.ts);
    expect(updates).toHaveLength(1);
    const outcomeReplies = t.slack.messages.filter(
      (m) => m.thread_ts === parent!.ts && /\*(Approved|Denied)\*/.test(m.text ?? ''),
    );
    expect(outcomeReplies).toHaveLength(1);
    expect(t.slack.messagesIn(`D${REQUESTER}`)).toHaveLength(1);
    expect(t.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE dedupe_key LIKE 'approval:${id}:%'`).get()).toEqual({ n: 4 });
  });
});
