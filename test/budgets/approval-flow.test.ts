// End to end: /aispend request → the approval message → decisions by button, modal and thread reply.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionIds, CallbackIds } from '../../src/slack/ids.js';
import type { TestApp } from '../helpers/test-app.js';
import { TEST_ADMIN } from '../helpers/test-app.js';
import {
  APPROVALS_CHANNEL,
  APPROVER_1,
  APPROVER_2,
  NOW,
  OUTSIDER,
  REQUESTER,
  addLoopSession,
  addSpend,
  addStory,
  allText,
  auditActions,
  increases,
  requestById,
  requestThroughCommand,
  seedOrg,
  startBudgetApp,
  type Org,
} from './budget-fixtures.js';

let t: TestApp;
let org: Org;

beforeEach(async () => {
  t = await startBudgetApp();
  org = seedOrg(t.db);
  const id = org.platform.id;
  // November so far: $3,000 of $5,000, 10 stories (30 points), one loop session of $120
  addSpend(t.db, id, '2026-11-02', 1200);
  addSpend(t.db, id, '2026-11-20', 1800);
  for (let i = 0; i < 10; i++) addStory(t.db, id, Date.parse('2026-11-10T12:00:00Z') + i * 60_000);
  addLoopSession(t.db, id, 'sess-loop-1', 120, Date.parse('2026-11-20T15:00:00Z'));
  // October: $4,000 for 8 stories ($500 each); September: $3,000 for 10 ($300 each); August: nothing
  addSpend(t.db, id, '2026-10-15', 4000);
  for (let i = 0; i < 8; i++) addStory(t.db, id, Date.parse('2026-10-15T12:00:00Z') + i * 60_000);
  addSpend(t.db, id, '2026-09-15', 3000);
  for (let i = 0; i < 10; i++) addStory(t.db, id, Date.parse('2026-09-15T12:00:00Z') + i * 60_000);
});

afterEach(async () => {
  await t.close();
});

const updatesOf = (channel: string, ts: string) =>
  t.slack.callsOf('chat.update').filter((c) => c.args.channel === channel && c.args.ts === ts);

function click(user: string, actionId: string, requestId: number, parentTs: string) {
  return t.action({ user_id: user, action_id: actionId, value: String(requestId), channel_id: APPROVALS_CHANNEL, message_ts: parentTs });
}

describe('a budget request', () => {
  it('posts the numbers approvers need, mentions them in the thread, and confirms privately with a link', async () => {
    const { answer, request, parent } = await requestThroughCommand(t, '500 finish the search migration & its backfill');
    expect(request).toMatchObject({
      id: 1,
      team_id: org.platform.id,
      requester_slack_id: REQUESTER,
      amount_usd: 500,
      reason: 'finish the search migration & its backfill',
      month: '2026-11',
      status: 'pending',
      channel_id: APPROVALS_CHANNEL,
    });
    expect(parent).toBeDefined();
    expect(parent!.channel).toBe(APPROVALS_CHANNEL);
    expect(request!.message_ts).toBe(parent!.ts);
    const text = allText(parent);
    expect(text).toContain(`<@${REQUESTER}> asks for *$500* more for *platform*'s November 2026 budget.`);
    expect(text).toContain('finish the search migration &amp; its backfill');
    expect(text).toContain('*Spent this month*\\n$3,000 of $5,000 (60%)');
    // 3,000 over 22 days 10 hours of a 30-day month
    // $3,000 so far + the pace since Nov 16 00:00 ($1,800 in 178 h) for the 182 h left = $4,840.45
    expect(text).toContain('*Forecast to month end*\\n$4,840');
    expect(text).toContain('*Delivered stories this month*\\n10 (30 points)');
    expect(text).toContain('*Cost per story*\\n$300 (▼ 40% vs Oct)');
    expect(text).toContain('*Waste in loop sessions*\\n$120 in 1 session');
    expect(text).toContain('*Budget if approved*\\n$5,500');
    expect(text).toContain('Cost per story by month: Aug — · Sep $300 · Oct $500 · Nov so far $300');
    const buttons = (parent!.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>)
      .find((b) => b.type === 'actions')!
      .elements!.map((e) => [e.action_id, e.value]);
    expect(buttons).toEqual([
      [ActionIds.approvalApprove, '1'],
      [ActionIds.approvalApproveOther, '1'],
      [ActionIds.approvalDeny, '1'],
      [ActionIds.approvalCancel, '1'],
    ]);

    const mention = t.slack.messages.find((m) => m.thread_ts === parent!.ts);
    expect(mention?.channel).toBe(APPROVALS_CHANNEL);
    expect(mention?.text).toContain(`<@${APPROVER_1}> <@${APPROVER_2}>: <@${REQUESTER}> asks for +$500 for platform.`);

    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toContain(
      `Your request #1 for +$500 for platform is <https://fake.slack.com/archives/${APPROVALS_CHANNEL}/p${parent!.ts.replace('.', '')}|posted in <#${APPROVALS_CHANNEL}>>.`,
    );
    expect(auditActions(t.db)).toEqual(['budget.request']);
  });

  it('approve with the button: parent updated without buttons, thread reply, DM, budget raised', async () => {
    const { request, parent } = await requestThroughCommand(t, '500 finish the search migration');
    const res = await click(APPROVER_1, ActionIds.approvalApprove, request!.id, parent!.ts);
    expect(res.status).toBe(200);
    const update = await t.slack.waitFor(() => updatesOf(APPROVALS_CHANNEL, parent!.ts)[0]);
    const blocks = update.args.blocks as Array<{ type: string; block_id?: string }>;
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks)).toContain(`:white_check_mark: *Approved* +$500 by <@${APPROVER_1}>`);
    expect(JSON.stringify(blocks)).toContain('The November 2026 budget is now $5,500.');
    // the figures approvers saw stay on the message
    expect(JSON.stringify(blocks)).toContain('$3,000 of $5,000 (60%)');

    const reply = await t.slack.waitFor(() =>
      t.slack.messages.find((m) => m.thread_ts === parent!.ts && m.text?.includes('*Approved*')),
    );
    expect(reply.channel).toBe(APPROVALS_CHANNEL);
    const dm = await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`)[0]);
    expect(dm.text).toContain('Your budget increase request #1 for platform');
    expect(dm.text).toContain('*Approved* +$500');

    expect(requestById(t.db, request!.id)).toMatchObject({ status: 'approved', decided_by: APPROVER_1, approved_amount_usd: 500 });
    expect(increases(t.db)).toEqual([{ team_id: org.platform.id, month: '2026-11', amount_usd: 500, request_id: 1 }]);
    expect(auditActions(t.db)).toEqual(['budget.request', 'budget.approve']);

    const status = await t.command('budget', { user: REQUESTER });
    const text = allText(status as { text?: string; blocks?: unknown[] });
    expect(text).toContain('*$5,500* (monthly $5,000 + $500 approved this month)');
    expect(text).toContain('$3,000 (55%)');
    expect(text).toContain('*Pending requests*\\nNone.');

    // a later click is told who decided, and changes nothing
    const late = await click(APPROVER_2, ActionIds.approvalApprove, request!.id, parent!.ts);
    expect(late.status).toBe(200);
    const told = await t.slack.waitFor(() =>
      t.slack.responses.find((r) => String(r.body.text).startsWith('Request #1 was already approved')),
    );
    expect(told.body.text).toContain(`already approved by <@${APPROVER_1}> on Nov 23, 2026, 10:00 UTC (+$500). Nothing was changed.`);
    expect(told.body.response_type).toBe('ephemeral');
    expect(told.body.replace_original).toBe(false);
    expect(increases(t.db)).toHaveLength(1);
    expect(updatesOf(APPROVALS_CHANNEL, parent!.ts)).toHaveLength(1);
  });

  it('approve another amount: a modal with the amount, validated, then that amount is granted', async () => {
    const { request, parent } = await requestThroughCommand(t, '800 load tests for the new cluster');
    await click(APPROVER_2, ActionIds.approvalApproveOther, request!.id, parent!.ts);
    const open = await t.slack.waitFor(() => t.slack.callsOf('views.open')[0]);
    const view = open.args.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe(CallbackIds.approveAmountModal);
    expect(JSON.parse(view.private_metadata)).toEqual({ requestId: request!.id });
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"800"');

    const submit = (amount: string) =>
      t.submitView({
        user_id: APPROVER_2,
        callback_id: CallbackIds.approveAmountModal,
        private_metadata: view.private_metadata,
        values: { amount: { amount: { value: amount } }, note: { note: { value: 'half now, more with results' } } },
      });
    const bad = await submit('lots');
    expect(await bad.json()).toEqual({
      response_action: 'errors',
      errors: { amount: 'Give an amount in dollars, such as 300, $300 or 1.5k.' },
    });
    const zero = await submit('0');
    expect(await zero.json()).toEqual({ response_action: 'errors', errors: { amount: 'The amount must be more than $0.' } });
    expect(requestById(t.db, request!.id).status).toBe('pending');

    const ok = await submit('$650');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    const update = await t.slack.waitFor(() => updatesOf(APPROVALS_CHANNEL, parent!.ts)[0]);
    expect(JSON.stringify(update.args.blocks)).toContain(
      `*Approved* +$650 (asked $800) by <@${APPROVER_2}>`,
    );
    expect(JSON.stringify(update.args.blocks)).toContain('The November 2026 budget is now $5,650.');
    expect(requestById(t.db, request!.id)).toMatchObject({
      status: 'approved',
      approved_amount_usd: 650,
      decision_note: 'half now, more with results',
    });
    expect(increases(t.db)).toEqual([{ team_id: org.platform.id, month: '2026-11', amount_usd: 650, request_id: request!.id }]);
    const dm = await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`)[0]);
    expect(dm.text).toContain('+$650 (asked $800)');
  });

  it('deny with a required reason through the modal', async () => {
    const { request, parent } = await requestThroughCommand(t, '2k more experiments');
    await click(APPROVER_1, ActionIds.approvalDeny, request!.id, parent!.ts);
    const open = await t.slack.waitFor(() => t.slack.callsOf('views.open')[0]);
    const view = open.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(CallbackIds.denyReasonModal);
    const submit = (reason: string) =>
      t.submitView({
        user_id: APPROVER_1,
        callback_id: CallbackIds.denyReasonModal,
        private_metadata: view.private_metadata,
        values: { reason: { reason: { value: reason } } },
      });
    const empty = await submit('   ');
    expect(await empty.json()).toEqual({
      response_action: 'errors',
      errors: { reason: 'A reason is required to deny a request.' },
    });
    expect(requestById(t.db, request!.id).status).toBe('pending');

    const ok = await submit('Loops burned $120 this month; fix those first');
    expect(ok.status).toBe(200);
    const update = await t.slack.waitFor(() => updatesOf(APPROVALS_CHANNEL, parent!.ts)[0]);
    const text = JSON.stringify(update.args.blocks);
    expect(text).toContain(`:no_entry: *Denied* by <@${APPROVER_1}>`);
    expect(text).toContain('Loops burned $120 this month; fix those first');
    expect(text).not.toContain('"type":"actions"');
    const dm = await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`)[0]);
    expect(dm.text).toContain('*Denied*');
    expect(dm.text).toContain('fix those first');
    await t.slack.waitFor(() => t.slack.messages.find((m) => m.thread_ts === parent!.ts && m.text?.includes('*Denied*')));
    expect(requestById(t.db, request!.id)).toMatchObject({
      status: 'denied',
      decided_by: APPROVER_1,
      approved_amount_usd: null,
      decision_note: 'Loops burned $120 this month; fix those first',
    });
    expect(increases(t.db)).toEqual([]);
    expect(auditActions(t.db)).toEqual(['budget.request', 'budget.deny']);
  });

  it('a thread reply `approve 300` approves $300; chatter is ignored and `deny` without reason is explained', async () => {
    const { request, parent } = await requestThroughCommand(t, '1000 migration');
    const reply = (user: string, text: string, ts: string) =>
      t.event({ type: 'message', channel: APPROVALS_CHANNEL, user, text, ts, thread_ts: parent!.ts });

    expect((await reply(APPROVER_2, 'looks reasonable, checking the numbers', '1760000100.000100')).status).toBe(200);
    expect((await reply(APPROVER_2, 'deny', '1760000101.000100')).status).toBe(200);
    const hint = await t.slack.waitFor(() => t.slack.callsOf('chat.postEphemeral')[0]);
    expect(hint.args).toMatchObject({ channel: APPROVALS_CHANNEL, user: APPROVER_2, thread_ts: parent!.ts });
    expect(hint.args.text).toBe('To deny, give a reason: `deny <reason>`. Nothing was changed.');
    expect(requestById(t.db, request!.id).status).toBe('pending');

    await reply(APPROVER_1, 'approve 300', '1760000102.000100');
    const update = await t.slack.waitFor(() => updatesOf(APPROVALS_CHANNEL, parent!.ts)[0]);
    expect(JSON.stringify(update.args.blocks)).toContain(`*Approved* +$300 (asked $1,000) by <@${APPROVER_1}>`);
    expect(increases(t.db)).toEqual([{ team_id: org.platform.id, month: '2026-11', amount_usd: 300, request_id: request!.id }]);
    await t.slack.waitFor(() => t.slack.messagesIn(`D${REQUESTER}`)[0]);
    // only the one hint was sent privately: the chatter got nothing
    expect(t.slack.callsOf('chat.postEphemeral')).toHaveLength(1);

    // a second approver's reply afterwards is told who decided
    await reply(APPROVER_2, 'approve', '1760000103.000100');
    const told = await t.slack.waitFor(() => t.slack.callsOf('chat.postEphemeral')[1]);
    expect(told.args.text).toContain(`already approved by <@${APPROVER_1}>`);
    expect(increases(t.db)).toHaveLength(1);
  });

  it('a non-approver, an admin who is not an approver, and the requester (even as approver) are refused; nothing changes', async () => {
    // the requester is also an approver of the team: still may not decide their own request
    const org2 = (await import('../../src/db/repos/org-repo.js')).orgRepo(t.db);
    org2.setApprovers(org.platform.id, [APPROVER_1, REQUESTER]);
    const { request, parent } = await requestThroughCommand(t, '500 more');
    expect(parent).toBeDefined();

    await click(OUTSIDER, ActionIds.approvalApprove, request!.id, parent!.ts);
    await click(TEST_ADMIN, ActionIds.approvalApprove, request!.id, parent!.ts);
    await click(REQUESTER, ActionIds.approvalApprove, request!.id, parent!.ts);
    await click(OUTSIDER, ActionIds.approvalDeny, request!.id, parent!.ts);
    await t.event({ type: 'message', channel: APPROVALS_CHANNEL, user: REQUESTER, text: 'approve', ts: '1760000200.000100', thread_ts: parent!.ts });
    await t.slack.waitFor(() => t.slack.responses.length >= 4 && t.slack.callsOf('chat.postEphemeral').length >= 1);

    const texts = t.slack.responses.map((r) => String(r.body.text));
    const notApprover = `Only platform's approvers (<@${APPROVER_1}>) can decide budget requests. Nothing was changed.`;
    expect(texts.filter((x) => x === notApprover)).toHaveLength(3);
    expect(texts).toContain('You asked for this increase, so another approver of platform has to decide it. Nothing was changed.');
    expect(t.slack.callsOf('chat.postEphemeral')[0]!.args.text).toBe(
      'You asked for this increase, so another approver of platform has to decide it. Nothing was changed.',
    );
    expect(t.slack.callsOf('views.open')).toHaveLength(0);
    expect(requestById(t.db, request!.id)).toMatchObject({ status: 'pending', decided_by: null });
    expect(t.slack.callsOf('chat.update')).toHaveLength(0);
    expect(increases(t.db)).toEqual([]);
    expect(auditActions(t.db)).toEqual(['budget.request']);
    expect(t.slack.messagesIn(`D${REQUESTER}`)).toEqual([]);
  });

  it('only the requester cancels, by button or command, while pending', async () => {
    const first = await requestThroughCommand(t, '400 first');
    await click(APPROVER_1, ActionIds.approvalCancel, first.request!.id, first.parent!.ts);
    await t.slack.waitFor(() => t.slack.responses.find((r) => String(r.body.text).startsWith('Only the person who asked')));
    expect(requestById(t.db, first.request!.id).status).toBe('pending');

    await click(REQUESTER, ActionIds.approvalCancel, first.request!.id, first.parent!.ts);
    const update = await t.slack.waitFor(() => updatesOf(APPROVALS_CHANNEL, first.parent!.ts)[0]);
    expect(JSON.stringify(update.args.blocks)).toContain(`:heavy_minus_sign: *Cancelled* by <@${REQUESTER}>`);
    expect(requestById(t.db, first.request!.id)).toMatchObject({ status: 'cancelled', decided_by: REQUESTER });
    // the requester did it: no DM about it
    expect(t.slack.messagesIn(`D${REQUESTER}`)).toEqual([]);

    const second = await requestThroughCommand(t, '300 second');
    const cancelled = await t.command(`request cancel #${second.request!.id}`, { user: REQUESTER });
    expect(cancelled.text).toBe(`Request #${second.request!.id} is cancelled. The approvers' message shows it.`);
    expect(requestById(t.db, second.request!.id).status).toBe('cancelled');
    const again = await t.command(`request cancel ${second.request!.id}`, { user: REQUESTER });
    expect(again.text).toMatch(/^Request #2 was already cancelled by the requester on Nov 23, 2026, 10:00 UTC\. Nothing was changed\.$/);

    // approving a cancelled request changes nothing
    await click(APPROVER_1, ActionIds.approvalApprove, second.request!.id, second.parent!.ts);
    await t.slack.waitFor(() => t.slack.responses.find((r) => String(r.body.text).startsWith('Request #2 was already cancelled')));
    expect(increases(t.db)).toEqual([]);
    expect(auditActions(t.db)).toEqual(['budget.request', 'budget.cancel', 'budget.request', 'budget.cancel']);
  });
});

describe('refused requests record nothing', () => {
  it('explains bad amounts, a missing reason, other teams, and teams nobody can decide for', async () => {
    const ask = async (text: string, user = REQUESTER) => String((await t.command(`request ${text}`, { user })).text);
    expect(await ask('')).toContain('Ask like this: `/aispend request <amount> <reason…>`');
    expect(await ask('lots because')).toContain(`I couldn't read "lots" as an amount.`);
    expect(await ask('0 nothing')).toBe('The amount must be more than $0.');
    expect(await ask('500')).toBe('Say why the team needs more: a reason is required.');
    expect(await ask('200k big plans')).toBe('The amount must be at most $100,000 (BUDGET_MAX_REQUEST_USD).');
    expect(await ask('500 help team:data')).toContain('You can ask for your own team only, and you are not on data.');
    expect(await ask('500 help team:nope')).toContain('There is no team called "nope". Teams: data, platform.');
    // data has no approvers
    expect(await ask('500 more queries', OUTSIDER)).toContain('data has no approvers yet, so nobody could decide this.');
    (await import('../../src/db/repos/org-repo.js')).orgRepo(t.db).setApprovers(org.data.id, [OUTSIDER]);
    expect(await ask('500 more queries', OUTSIDER)).toContain("You are data's only approver, and nobody decides their own request.");
    t.db.prepare('UPDATE teams SET channel_id = NULL, approvals_channel_id = NULL WHERE id = ?').run(org.platform.id);
    expect(await ask('500 help')).toBe(
      'platform has no Slack channel to post the request in. Ask an aispend admin to set one: `/aispend admin team approvals-channel platform <#channel>` (or `team channel`).',
    );
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM budget_requests').get()).toEqual({ n: 0 });
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(0);
    expect(auditActions(t.db)).toEqual([]);
    expect(NOW).toBe(t.clock.now());
  });
});
