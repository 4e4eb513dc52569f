// Who may excuse a loop (issue 13). The three buttons pressed by the session's owner, a team approver,
// an admin and an outsider, with the team's waste figure (what `summary` and the digest show) after
// each; then the owner's request to the approvers, confirmed or declined, through signed requests.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsRepo } from '../../src/db/repos/metrics-repo.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { ActionIds } from '../../src/slack/ids.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import type { PostedMessage } from '../helpers/fake-slack.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, LEAD, MALLORY, MIN, T0, actionElements, alertsOf, blockText, seedOrg, session } from './seed.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, features: [loopFeature] });
});
afterEach(async () => {
  await t.close();
});

const DM = `D${ALICE}`;
const at = (minute: number) => T0 + minute * MIN;
let presses = 0;

async function job(minute: number) {
  t.clock.set(at(minute));
  await runLoopJob(t.app.deps, at(minute));
  await drainOutbox(t.app.deps);
}

/** the team's waste in loop sessions, as `/aispend summary` and the digest count it */
function waste(teamId: number): number {
  return metricsRepo(t.db).waste(teamId, T0 - 86_400_000, T0 + 86_400_000).loopCostUsd;
}

/** Alice's sessions, each $12 over 31 minutes without a commit, alerted once their data settled */
async function alerted(ids: string[], opts: { channel?: string | null } = {}) {
  const { team, alice } = seedOrg(t.db, opts);
  for (const id of ids) session(t.db, id, { personId: alice.id, teamId: team.id }).work(0, 2).work(20, 5, 3).work(31, 5);
  await job(31);
  await job(33);
  const alerts = ids.map((id) => alertsOf(t.db, id)[0]!);
  expect(alerts).toHaveLength(ids.length);
  const copy = (id: number, channel: string) =>
    t.slack.messages.find((m) => m.channel === channel && !m.thread_ts && actionElements(m.blocks).some((e) => e.value === String(id)))!;
  return { team, alerts, channelCopy: (id: number) => copy(id, CHANNEL), dmCopy: (id: number) => copy(id, DM) };
}

/** presses a button through a signed request; returns every response_url answer to it */
async function press(user: string, actionId: string, value: string | number, where: Pick<PostedMessage, 'channel' | 'ts'>) {
  const id = `press${++presses}`;
  const res = await t.action({ user_id: user, action_id: actionId, value: String(value), channel_id: where.channel, message_ts: where.ts, response_url: t.slack.responseUrl(id) });
  expect(res.status).toBe(200);
  await t.slack.waitFor(() => t.slack.responses.some((r) => r.id === id));
  // a press may answer twice (the message replaced, then a private note)
  await new Promise((r) => setTimeout(r, 30));
  await drainOutbox(t.app.deps);
  return t.slack.responses.filter((r) => r.id === id).map((r) => r.body);
}
const note = (answers: Array<Record<string, unknown>>) => answers.find((a) => a.response_type === 'ephemeral')?.text as string | undefined;
const statusOf = (sessionId: string) => alertsOf(t.db, sessionId)[0]!.status;
const sessionExpected = (sessionId: string) =>
  (t.db.prepare('SELECT expected FROM agent_sessions WHERE session_id = ?').get(sessionId) as { expected: number }).expected;

describe('the three buttons, by role, with the waste figure after each', () => {
  const cases: Array<{ role: string; user: string; ack: string; snooze: string; expected: string; wasteAfterExpected: number }> = [
    { role: 'the owner', user: ALICE, ack: 'acknowledged', snooze: 'snoozed', expected: 'open', wasteAfterExpected: 36 },
    { role: 'a team approver', user: LEAD, ack: 'acknowledged', snooze: 'snoozed', expected: 'expected', wasteAfterExpected: 24 },
    { role: 'an admin', user: TEST_ADMIN, ack: 'acknowledged', snooze: 'snoozed', expected: 'expected', wasteAfterExpected: 24 },
    { role: 'an outsider', user: MALLORY, ack: 'open', snooze: 'open', expected: 'open', wasteAfterExpected: 36 },
  ];
  for (const c of cases) {
    it(`${c.role}: Acknowledge → ${c.ack}, Snooze → ${c.snooze}, Expected → ${c.expected}; waste ${c.wasteAfterExpected === 36 ? 'unchanged' : 'down by that session'}`, async () => {
      const { team, alerts, channelCopy } = await alerted(['s-ack', 's-snooze', 's-expected']);
      expect(waste(team.id)).toBe(36);

      const ack = await press(c.user, ActionIds.loopAcknowledge, alerts[0]!.id, channelCopy(alerts[0]!.id));
      expect(statusOf('s-ack')).toBe(c.ack);
      expect(waste(team.id)).toBe(36);

      const snooze = await press(c.user, ActionIds.loopSnooze, alerts[1]!.id, channelCopy(alerts[1]!.id));
      expect(statusOf('s-snooze')).toBe(c.snooze);
      expect(waste(team.id)).toBe(36);

      const expected = await press(c.user, ActionIds.loopExpected, alerts[2]!.id, channelCopy(alerts[2]!.id));
      expect(statusOf('s-expected')).toBe(c.expected);
      expect(sessionExpected('s-expected')).toBe(c.expected === 'expected' ? 1 : 0);
      expect(waste(team.id)).toBe(c.wasteAfterExpected);

      const audit = (t.db.prepare('SELECT actor, action FROM audit_log ORDER BY id').all() as Array<{ actor: string; action: string }>);
      if (c.user === MALLORY) {
        for (const a of [ack, snooze, expected]) {
          expect(a).toEqual([
            { response_type: 'ephemeral', replace_original: false, text: `Only <@${ALICE}>, the team's approvers or aispend admins can act on this loop alert. Nothing was changed.` },
          ]);
        }
        expect(audit).toEqual([]);
        expect(t.slack.messagesIn(CHANNEL).filter((m) => m.thread_ts)).toHaveLength(0);
      } else if (c.user === ALICE) {
        expect(audit.map((a) => a.action)).toEqual(['loop.acknowledge', 'loop.snooze', 'loop.expected_request']);
        expect(note(expected)).toBe(`Asked <@${LEAD}> in the alert's thread to confirm this session as an expected long task. Until one of them does, it counts as waste and its alerts continue.`);
      } else {
        expect(audit).toEqual([
          { actor: c.user, action: 'loop.acknowledge' },
          { actor: c.user, action: 'loop.snooze' },
          { actor: c.user, action: 'loop.expected' },
        ]);
        expect(blockText(expected[0]!.blocks as unknown[])).toContain(`Marked *expected (long task)* by <@${c.user}>`);
      }
    });
  }
});

describe("the owner's Expected asks the team's approvers", () => {
  it('in a thread reply under the alert naming them; an approver confirms and the session leaves the waste', async () => {
    const { team, alerts, channelCopy, dmCopy } = await alerted(['s-long']);
    const alert = alerts[0]!;
    const parent = channelCopy(alert.id);
    const dm = dmCopy(alert.id);

    // the owner asks from their DM
    const asked = await press(ALICE, ActionIds.loopExpected, alert.id, dm);
    expect(blockText(asked.find((a) => a.replace_original)!.blocks as unknown[])).toContain(`:raising_hand: <@${ALICE}> asked at`);
    expect(note(asked)).toContain(`Asked <@${LEAD}> in the alert's thread`);
    const [reply] = t.slack.messagesIn(CHANNEL).filter((m) => m.thread_ts);
    expect(reply!.thread_ts).toBe(parent.ts);
    expect(reply!.text).toBe(`<@${LEAD}>: confirm session s-long as an expected long task?`);
    expect(blockText(reply!.blocks)).toContain(`<@${ALICE}> asks to mark session \`s-long\` an *expected long task*`);
    const requestId = actionElements(reply!.blocks)[0]!.value;
    expect(actionElements(reply!.blocks).map((e) => [e.action_id, e.text.text])).toEqual([
      [ActionIds.loopExpectConfirm, 'Confirm: long task'],
      [ActionIds.loopExpectDecline, 'Decline'],
    ]);
    // the channel alert shows the pending request; nothing is excused yet
    expect(blockText(parent.blocks)).toContain(`<@${LEAD}> can confirm it. Until then it counts as waste.`);
    expect(statusOf('s-long')).toBe('open');
    expect(waste(team.id)).toBe(12);

    // asking twice, confirming one's own request, an outsider deciding: refused, nothing changes
    expect(note(await press(ALICE, ActionIds.loopExpected, alert.id, parent))).toContain('You already asked at');
    expect(note(await press(ALICE, ActionIds.loopExpectConfirm, requestId, reply!))).toBe(
      'You asked for this, so one of the approvers or an admin has to decide it. Nothing was changed.',
    );
    expect(note(await press(MALLORY, ActionIds.loopExpectConfirm, requestId, reply!))).toBe(
      `Only <@${LEAD}>, the team's other approvers or aispend admins can decide this. Nothing was changed.`,
    );
    expect(waste(team.id)).toBe(12);

    // the approver confirms in the thread
    t.clock.set(at(40));
    const confirmed = await press(LEAD, ActionIds.loopExpectConfirm, requestId, reply!);
    expect(blockText(confirmed[0]!.blocks as unknown[])).toContain(`:white_check_mark: <@${LEAD}> confirmed at`);
    expect(actionElements(confirmed[0]!.blocks as unknown[])).toEqual([]);
    expect(statusOf('s-long')).toBe('expected');
    expect(sessionExpected('s-long')).toBe(1);
    expect(waste(team.id)).toBe(0);
    // both alert copies say who did what; the owner is told
    for (const copy of [parent, dm]) {
      const text = blockText(copy.blocks);
      expect(text).toContain(`Marked *expected (long task)* by <@${LEAD}>`);
      expect(text).toContain(`(asked by <@${ALICE}>)`);
      expect(text).toContain(`<@${ALICE}> asked to mark it an expected long task`);
      expect(text).toContain(`<@${LEAD}> marked it an expected long task`);
      expect(actionElements(copy.blocks)).toEqual([]);
    }
    expect(t.slack.messagesIn(DM).map((m) => m.text)).toContain(
      `:white_check_mark: <@${LEAD}> confirmed your session \`s-long\` as an expected long task: it no longer counts as waste, and its alerts stop.`,
    );
    expect(t.db.prepare('SELECT actor, action, details FROM audit_log ORDER BY id').all()).toEqual([
      { actor: ALICE, action: 'loop.expected_request', details: JSON.stringify({ session_id: 's-long', rule: 'no_commit_burn', request_id: Number(requestId), approvers: [LEAD] }) },
      { actor: LEAD, action: 'loop.expected', details: JSON.stringify({ session_id: 's-long', rule: 'no_commit_burn', request_id: Number(requestId), requested_by: ALICE }) },
    ]);

    // a later decision is told who decided; more burn raises nothing
    expect(note(await press(TEST_ADMIN, ActionIds.loopExpectDecline, requestId, reply!))).toMatch(new RegExp(`^This request was already confirmed by <@${LEAD}> at `));
    const posts = t.slack.callsOf('chat.postMessage').length;
    t.db.prepare('UPDATE agent_sessions SET cost_usd = cost_usd + 500, last_activity_at = ? WHERE session_id = ?').run(at(60), 's-long');
    await job(60);
    await job(62);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(posts);
  });

  it('a confirmed long task that closes without a commit stays out of the waste, for the team, the org and the owner', async () => {
    const { team, alerts, dmCopy, channelCopy } = await alerted(['s-long', 's-other']);
    await press(ALICE, ActionIds.loopExpected, alerts[0]!.id, dmCopy(alerts[0]!.id));
    const reply = t.slack.messagesIn(CHANNEL).find((m) => m.thread_ts === channelCopy(alerts[0]!.id).ts)!;
    await press(LEAD, ActionIds.loopExpectConfirm, actionElements(reply.blocks)[0]!.value, reply);
    expect(sessionExpected('s-long')).toBe(1);
    // both sessions end without a commit: s-other ($12) is a dead end and a loop, s-long ($12) neither
    t.db.prepare(`UPDATE agent_sessions SET status = 'closed', closed_at = ?`).run(at(90));
    const alice = t.db.prepare(`SELECT person_id FROM agent_sessions WHERE session_id = 's-long'`).get() as { person_id: number };
    const figures = { noCommitSessions: 1, noCommitCostUsd: 12, loopSessions: 1, loopCostUsd: 12, totalCostUsd: 12 };
    const none = { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 };
    const m = metricsRepo(t.db);
    // both sessions last worked at 10:31 UTC on Mon 23 Nov: that local day, west and east of UTC,
    // holds $12 of waste (s-other's alone); the local day before holds none
    const localDays: Array<{ zone: string; day23: [string, string]; day22: [string, string] }> = [
      { zone: 'America/Los_Angeles', day23: ['2026-11-23T08:00:00Z', '2026-11-24T08:00:00Z'], day22: ['2026-11-22T08:00:00Z', '2026-11-23T08:00:00Z'] },
      { zone: 'Asia/Kolkata', day23: ['2026-11-22T18:30:00Z', '2026-11-23T18:30:00Z'], day22: ['2026-11-21T18:30:00Z', '2026-11-22T18:30:00Z'] },
    ];
    for (const { day23, day22 } of localDays) {
      const [from, to] = day23.map((iso) => Date.parse(iso)) as [number, number];
      expect(m.waste(team.id, from, to)).toEqual(figures);
      expect(m.waste('org', from, to)).toEqual(figures);
      expect(m.personWaste(alice.person_id, from, to)).toEqual(figures);
      const [before, until] = day22.map((iso) => Date.parse(iso)) as [number, number];
      expect(m.waste(team.id, before, until)).toEqual(none);
      expect(m.waste('org', before, until)).toEqual(none);
    }
  });

  it('an approver declines: it stays in the waste, the owner is told and cannot ask again; an admin can still excuse it', async () => {
    const { team, alerts, channelCopy } = await alerted(['s-decl']);
    const alert = alerts[0]!;
    await press(ALICE, ActionIds.loopExpected, alert.id, channelCopy(alert.id));
    const reply = t.slack.messagesIn(CHANNEL).find((m) => m.thread_ts)!;
    const requestId = actionElements(reply.blocks)[0]!.value;
    const declined = await press(LEAD, ActionIds.loopExpectDecline, requestId, reply);
    expect(blockText(declined[0]!.blocks as unknown[])).toContain(`:no_entry_sign: <@${LEAD}> declined at`);
    expect(waste(team.id)).toBe(12);
    expect(statusOf('s-decl')).toBe('open');
    expect(blockText(channelCopy(alert.id).blocks)).toContain(`<@${LEAD}> declined at`);
    expect(t.slack.messagesIn(DM).map((m) => m.text)).toContain(
      `:no_entry_sign: <@${LEAD}> declined to mark your session \`s-decl\` an expected long task: it counts as waste, and its alerts continue.`,
    );
    expect(note(await press(ALICE, ActionIds.loopExpected, alert.id, channelCopy(alert.id)))).toMatch(
      new RegExp(`^<@${LEAD}> declined your request at .*An approver or an admin can still mark it expected`),
    );
    expect(t.slack.messagesIn(CHANNEL).filter((m) => m.thread_ts)).toHaveLength(1);

    await press(TEST_ADMIN, ActionIds.loopExpected, alert.id, channelCopy(alert.id));
    expect(waste(team.id)).toBe(0);
    expect((t.db.prepare('SELECT action FROM audit_log ORDER BY id').all() as Array<{ action: string }>).map((r) => r.action)).toEqual([
      'loop.expected_request',
      'loop.expected_decline',
      'loop.expected',
    ]);
  });

  it('an owner who is also an approver cannot excuse their own session: the other approvers, else the admins, are asked', async () => {
    const { team, alerts, channelCopy } = await alerted(['s-self']);
    orgRepo(t.db).setApprovers(team.id, [ALICE]);
    const answers = await press(ALICE, ActionIds.loopExpected, alerts[0]!.id, channelCopy(alerts[0]!.id));
    expect(note(answers)).toContain(`Asked <@${TEST_ADMIN}> in the alert's thread`);
    expect(statusOf('s-self')).toBe('open');
    expect(waste(team.id)).toBe(12);
    const reply = t.slack.messagesIn(CHANNEL).find((m) => m.thread_ts)!;
    expect(reply.text).toBe(`<@${TEST_ADMIN}>: confirm session s-self as an expected long task?`);
    expect(note(await press(ALICE, ActionIds.loopExpectConfirm, actionElements(reply.blocks)[0]!.value, reply))).toContain('You asked for this');
    expect(waste(team.id)).toBe(12);
  });

  it('a team without a channel: the request goes to the approvers by DM, and is confirmed there', async () => {
    const { team, alerts, dmCopy } = await alerted(['s-dm'], { channel: null });
    const dm = dmCopy(alerts[0]!.id);
    await press(ALICE, ActionIds.loopExpected, alerts[0]!.id, dm);
    const [request] = t.slack.messagesIn(`D${LEAD}`);
    expect(request!.text).toBe(`<@${LEAD}>: confirm session s-dm as an expected long task?`);
    await press(LEAD, ActionIds.loopExpectConfirm, actionElements(request!.blocks)[0]!.value, request!);
    expect(waste(team.id)).toBe(0);
    expect(blockText(dm.blocks)).toContain(`Marked *expected (long task)* by <@${LEAD}>`);
  });

  it('Confirm and Decline pressed at once: exactly one decision wins, the other is told who decided', async () => {
    const { team, alerts, channelCopy } = await alerted(['s-race']);
    orgRepo(t.db).setApprovers(team.id, [LEAD, 'U0LEADTWO']);
    await press(ALICE, ActionIds.loopExpected, alerts[0]!.id, channelCopy(alerts[0]!.id));
    const reply = t.slack.messagesIn(CHANNEL).find((m) => m.thread_ts)!;
    const requestId = actionElements(reply.blocks)[0]!.value;
    const [a, b] = await Promise.all([
      press(LEAD, ActionIds.loopExpectConfirm, requestId, reply),
      press('U0LEADTWO', ActionIds.loopExpectDecline, requestId, reply),
    ]);
    const decisions = t.db.prepare(`SELECT action FROM audit_log WHERE action IN ('loop.expected', 'loop.expected_decline')`).all();
    expect(decisions).toHaveLength(1);
    const loser = note(a) ? a : b;
    expect(note(loser)).toMatch(/^This request was already (confirmed|declined) by <@U0LEAD(TWO)?> at /);
  });
});
