// The buttons of a loop alert, pressed through signed Slack requests against the real app.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import { ActionIds } from '../../src/slack/ids.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, LEAD, MALLORY, MIN, T0, actionElements, alertsOf, blockText, seedOrg, session } from './seed.js';

let t: TestApp;
beforeEach(async () => {
  // judged at once: settling has its own tests (test/loops/loop-settle.test.ts)
  t = await startTestApp({ now: T0, features: [loopFeature], env: { LOOP_SETTLE_SECONDS: '0' } });
});
afterEach(async () => {
  await t.close();
});

const DM = `D${ALICE}`;
const at = (minute: number) => T0 + minute * MIN;
let presses = 0;

async function tick(minute: number) {
  t.clock.set(at(minute));
  await runLoopJob(t.app.deps, t.clock.now());
  await drainOutbox(t.app.deps);
}

/** Alice's session raises a no-commit burn alert at minute 31; returns the alert and its two messages. */
async function raised(withFailures = false) {
  const { team, alice } = seedOrg(t.db);
  const s = session(t.db, 'sess-btn', { personId: alice.id, teamId: team.id }).work(0, 2).work(20, 5, 3).work(31, 5);
  if (withFailures) for (let i = 25; i < 30; i++) s.toolResult(i, 'Bash', false);
  await tick(31);
  const channelMsg = t.slack.messagesIn(CHANNEL)[0]!;
  const dmMsg = t.slack.messagesIn(DM)[0]!;
  return { s, alert: alertsOf(t.db, s.id)[0]!, channelMsg, dmMsg, team };
}

async function press(user: string, actionId: string, value: string, where: { channel: string; ts: string }) {
  const id = `press${++presses}`;
  const res = await t.action({
    user_id: user,
    action_id: actionId,
    value,
    channel_id: where.channel,
    message_ts: where.ts,
    response_url: t.slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  return (await t.slack.waitFor(() => t.slack.responses.find((r) => r.id === id))).body;
}

describe('loop alert buttons', () => {
  it('refuses someone who is not the owner, an approver or an admin, privately, and changes nothing', async () => {
    const { alert, channelMsg } = await raised();
    const before = JSON.stringify(channelMsg.blocks);
    const body = await press(MALLORY, ActionIds.loopAcknowledge, String(alert.id), { channel: CHANNEL, ts: channelMsg.ts });
    expect(body).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Only <@${ALICE}>, the team's approvers or aispend admins can act on this loop alert. Nothing was changed.`,
    });
    expect(alertsOf(t.db, 'sess-btn')[0]).toMatchObject({ status: 'open', acted_by: null, acted_at: null });
    expect(JSON.stringify(channelMsg.blocks)).toBe(before);
    expect(t.slack.callsOf('chat.update')).toHaveLength(0);
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
    for (const id of [ActionIds.loopSnooze, ActionIds.loopExpected]) {
      await press(MALLORY, id, String(alert.id), { channel: CHANNEL, ts: channelMsg.ts });
    }
    expect(alertsOf(t.db, 'sess-btn')[0]!.status).toBe('open');
    expect(t.db.prepare('SELECT expected FROM agent_sessions WHERE session_id = ?').get('sess-btn')).toEqual({ expected: 0 });
  });

  it('lets the owner acknowledge: the pressed message and the other copy show who did it, with only Expected left', async () => {
    const { alert, channelMsg, dmMsg } = await raised();
    t.clock.set(at(33));
    const body = await press(ALICE, ActionIds.loopAcknowledge, String(alert.id), { channel: CHANNEL, ts: channelMsg.ts });
    expect(body.replace_original).toBe(true);
    const blocks = body.blocks as unknown[];
    expect(blockText(blocks)).toContain(`:white_check_mark: Acknowledged by <@${ALICE}> at <!date^${at(33) / 1000}^`);
    expect(actionElements(blocks).map((e) => e.action_id)).toEqual([ActionIds.loopExpected]);
    expect(alertsOf(t.db, 'sess-btn')[0]).toMatchObject({ status: 'acknowledged', acted_by: ALICE, acted_at: at(33), snoozed_until: null });
    // the DM copy is updated through the outbox; the channel copy was replaced through response_url
    await t.slack.waitFor(() => t.slack.callsOf('chat.update').length === 1);
    expect(t.slack.callsOf('chat.update')[0]!.args).toMatchObject({ channel: DM, ts: dmMsg.ts });
    expect(blockText(dmMsg.blocks)).toContain(`Acknowledged by <@${ALICE}>`);
    expect(actionElements(dmMsg.blocks).map((e) => e.action_id)).toEqual([ActionIds.loopExpected]);
    expect(t.db.prepare('SELECT actor, action, subject FROM audit_log').all()).toEqual([
      { actor: ALICE, action: 'loop.acknowledge', subject: `loop_alert:${alert.id}` },
    ]);

    const again = await press(ALICE, ActionIds.loopSnooze, String(alert.id), { channel: CHANNEL, ts: channelMsg.ts });
    expect(again).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: `This alert was already acknowledged by <@${ALICE}>. Nothing was changed.` });
    expect(alertsOf(t.db, 'sess-btn')[0]!.status).toBe('acknowledged');
  });

  it("lets a team approver snooze for an hour; the buttons to acknowledge or mark expected stay", async () => {
    const { alert, channelMsg, dmMsg } = await raised();
    const body = await press(LEAD, ActionIds.loopSnooze, String(alert.id), { channel: CHANNEL, ts: channelMsg.ts });
    expect(alertsOf(t.db, 'sess-btn')[0]).toMatchObject({ status: 'snoozed', acted_by: LEAD, snoozed_until: at(31) + 60 * MIN });
    expect(blockText(body.blocks as unknown[])).toContain(`:zzz: Snoozed by <@${LEAD}>`);
    expect(blockText(body.blocks as unknown[])).toContain(`until <!date^${(at(31) + 60 * MIN) / 1000}^`);
    expect(actionElements(body.blocks as unknown[]).map((e) => e.action_id)).toEqual([ActionIds.loopAcknowledge, ActionIds.loopExpected]);
    await t.slack.waitFor(() => blockText(dmMsg.blocks).includes('Snoozed by'));
  });

  it('lets an admin mark the session expected from the DM: every alert of it stops, and none comes again', async () => {
    const { alert, dmMsg, s } = await raised(true);
    const alerts = alertsOf(t.db, s.id);
    expect(alerts.map((a) => a.rule)).toEqual(['repeating_failure', 'no_commit_burn']);
    const body = await press(TEST_ADMIN, ActionIds.loopExpected, String(alert.id), { channel: DM, ts: dmMsg.ts });
    expect(blockText(body.blocks as unknown[])).toContain(`Marked *expected (long task)* by <@${TEST_ADMIN}>`);
    expect(blockText(body.blocks as unknown[])).toContain('Your agent session may be looping');
    expect(alertsOf(t.db, s.id).map((a) => [a.rule, a.status, a.acted_by])).toEqual([
      ['repeating_failure', 'expected', TEST_ADMIN],
      ['no_commit_burn', 'expected', TEST_ADMIN],
    ]);
    expect(t.db.prepare('SELECT expected FROM agent_sessions WHERE session_id = ?').get(s.id)).toEqual({ expected: 1 });
    // both channel posts and the other DM are updated; the pressed DM was replaced through response_url
    await t.slack.waitFor(() => t.slack.callsOf('chat.update').length === 3);
    for (const m of t.slack.messagesIn(CHANNEL)) expect(blockText(m.blocks)).toContain('expected (long task)');

    s.work(120, 300);
    for (let i = 100; i < 110; i++) s.toolResult(i, 'Edit', false);
    const posts = t.slack.callsOf('chat.postMessage').length;
    await tick(120);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(alertsOf(t.db, s.id)).toHaveLength(2);
  });

  it('answers privately when the alert does not exist', async () => {
    await raised();
    const body = await press(ALICE, ActionIds.loopAcknowledge, '99999', { channel: CHANNEL, ts: '1.1' });
    expect(body).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'This loop alert no longer exists. Nothing was changed.' });
  });
});
