// "Waiting for you" on the App Home: the owners' long-task requests a user may decide, with the buttons
// of the thread reply. Through the real Bolt receiver: signed app_home_opened events and block_actions
// from the Home tab (a `view` container, no message, no response_url), against the fake Slack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricsRepo } from '../../src/db/repos/metrics-repo.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { loopFeature } from '../../src/loops/index.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { queriesFeature } from '../../src/queries/index.js';
import { ActionIds } from '../../src/slack/ids.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import type { PostedMessage } from '../helpers/fake-slack.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, LEAD, MALLORY, MIN, T0, actionElements, alertsOf, blockText, seedOrg, session } from '../loops/seed.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, features: [loopFeature, queriesFeature] });
});
afterEach(async () => {
  await t.close();
});

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text: { text: string } | string; style?: string }>;
}
interface View {
  type: string;
  blocks: Block[];
}

const at = (minute: number) => T0 + minute * MIN;

async function job(minute: number) {
  t.clock.set(at(minute));
  await runLoopJob(t.app.deps, at(minute));
  await drainOutbox(t.app.deps);
}

/** the team's waste in loop sessions, as `/aispend summary` and the digest count it */
const waste = (teamId: number) => metricsRepo(t.db).waste(teamId, T0 - 86_400_000, T0 + 86_400_000).loopCostUsd;
const sessionExpected = (id: string) => (t.db.prepare('SELECT expected FROM agent_sessions WHERE session_id = ?').get(id) as { expected: number }).expected;
const requestRow = (id: string) =>
  t.db.prepare('SELECT status, decided_by FROM loop_expect_requests WHERE id = ?').get(Number(id)) as { status: string; decided_by: string | null };
const audit = () => t.db.prepare('SELECT actor, action FROM audit_log ORDER BY id').all() as Array<{ actor: string; action: string }>;

/** sessions of `owner` ($12 over 31 min without a commit), alerted once settled; the owner asks for each, a minute apart */
async function requested(ids: string[], opts: { channel?: string | null; owner?: 'alice' | 'mallory' } = {}) {
  const seeded = seedOrg(t.db, opts);
  const owner = opts.owner === 'mallory' ? seeded.mallory : seeded.alice;
  for (const id of ids) session(t.db, id, { personId: owner.id, teamId: seeded.team.id }).work(0, 2).work(20, 5, 3).work(31, 5);
  await job(31);
  await job(33);
  const requestIds: string[] = [];
  for (const [i, id] of ids.entries()) {
    t.clock.set(at(34 + i));
    requestIds.push(await ask(owner.slack_user_id!, id));
  }
  return { ...seeded, requestIds };
}

/** the owner presses Expected (long task) on the session's alert; returns the request's id */
async function ask(owner: string, sessionId: string): Promise<string> {
  const res = await t.action({ user_id: owner, action_id: ActionIds.loopExpected, value: String(alertsOf(t.db, sessionId)[0]!.id) });
  expect(res.status).toBe(200);
  const row = await t.slack.waitFor(
    () => t.db.prepare('SELECT id FROM loop_expect_requests WHERE session_id = ?').get(sessionId) as { id: number } | undefined,
  );
  await drainOutbox(t.app.deps);
  return String(row.id);
}

/** the thread reply asking the approvers about a request (found by its buttons: look it up before it is decided) */
const threadReply = (requestId: string): PostedMessage =>
  t.slack.messagesIn(CHANNEL).find((m) => m.thread_ts && blockText(m.blocks).includes(`"block_id":"loop_expect_${requestId}"`))!;

/** opens the Home tab as `user` and returns the view published for them */
async function openHome(user: string): Promise<View> {
  const before = t.slack.callsOf('views.publish').length;
  const res = await t.event({ type: 'app_home_opened', user, tab: 'home', channel: `D${user}` });
  expect(res.status).toBe(200);
  const call = await t.slack.waitFor(() => t.slack.callsOf('views.publish').slice(before).find((c) => c.args.user_id === user));
  return call.args.view as View;
}

/** presses a button on `user`'s App Home; returns the Home published again after it */
async function pressOnHome(user: string, actionId: string, value: string): Promise<View> {
  const before = t.slack.callsOf('views.publish').length;
  const res = await t.action({ user_id: user, action_id: actionId, value, home: true });
  expect(res.status).toBe(200);
  const call = await t.slack.waitFor(() => t.slack.callsOf('views.publish').slice(before).find((c) => c.args.user_id === user));
  await drainOutbox(t.app.deps);
  return call.args.view as View;
}

/** the "Waiting for you" section's blocks: from its heading to the next divider */
function waiting(view: View): Block[] {
  const start = view.blocks.findIndex((b) => b.text?.text.startsWith(':raising_hand: *Waiting for you'));
  if (start < 0) return [];
  const end = view.blocks.findIndex((b, i) => i > start && b.type === 'divider');
  return view.blocks.slice(start, end < 0 ? undefined : end).filter((b) => !b.text?.text.startsWith(':inbox_tray:'));
}
const buttonsIn = (blocks: Block[]) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements!.map((e) => ({ action_id: e.action_id, value: e.value, text: (e.text as { text: string }).text })));
/** the notice on top of the Home: the block right after the Refresh button's context line */
const notice = (view: View) => view.blocks[3]?.text?.text;

describe('App Home: requests waiting for the viewer', () => {
  it("an approver and an admin see the owner's request with the thread's own buttons; the owner and an outsider do not", async () => {
    const { requestIds } = await requested(['s-long-task-0001']);
    const [requestId] = requestIds;
    t.clock.set(at(40));

    const view = await openHome(LEAD);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const section = waiting(view);
    const reply = threadReply(requestId!);
    expect(section.map((b) => b.text?.text ?? b.type)).toEqual([
      ':raising_hand: *Waiting for you: 1 long-task request*\nOwners ask to excuse these sessions from the waste figure. Until an approver confirms, they count as waste.',
      // session, owner, team; its cost so far, how long it ran, when asked, linked to the thread reply
      `\`s-long-t…\` · <@${ALICE}> · platform\n*$12.00* so far · running 31 min · ` +
        `<https://fake.slack.com/archives/${CHANNEL}/p${reply.ts.replace('.', '')}|asked 6 min ago>`,
      'actions',
    ]);
    // the very buttons of the thread reply: same action ids, same values
    expect(buttonsIn(section)).toEqual([
      { action_id: ActionIds.loopExpectConfirm, value: requestId, text: 'Confirm: long task' },
      { action_id: ActionIds.loopExpectDecline, value: requestId, text: 'Decline' },
    ]);
    expect(buttonsIn(section)).toEqual(actionElements(reply.blocks).map((e) => ({ action_id: e.action_id, value: e.value, text: e.text.text })));

    expect(buttonsIn(waiting(await openHome(TEST_ADMIN)))).toHaveLength(2);
    for (const user of [ALICE, MALLORY]) {
      const home = await openHome(user);
      expect(waiting(home)).toEqual([]);
      expect(blockText(home.blocks)).not.toContain(ActionIds.loopExpectConfirm);
    }
  });

  it("an owner who is also an approver sees others' requests, never their own", async () => {
    const { team, requestIds } = await requested(['s-mallory'], { owner: 'mallory' });
    // Alice is an approver too, with a request of her own (asked of the other approver)
    orgRepo(t.db).setApprovers(team.id, [LEAD, ALICE]);
    const alice = orgRepo(t.db).personBySlack(ALICE)!;
    session(t.db, 's-alice', { personId: alice.id, teamId: team.id }).work(0, 2).work(20, 5, 3).work(31, 5);
    await job(40);
    await job(42);
    const own = await ask(ALICE, 's-alice');

    const aliceHome = waiting(await openHome(ALICE));
    expect(buttonsIn(aliceHome).map((b) => b.value)).toEqual([requestIds[0], requestIds[0]]);
    expect(blockText(aliceHome)).not.toContain('s-alice');
    // the lead sees both, newest first
    expect(buttonsIn(waiting(await openHome(LEAD))).map((b) => b.value)).toEqual([own, own, requestIds[0], requestIds[0]]);
  });

  it('an approver confirms from the Home: the session leaves the waste, the audit log, the thread and the owner say so, the Home drops it', async () => {
    const { team, requestIds } = await requested(['s-long']);
    const requestId = requestIds[0]!;
    const reply = threadReply(requestId);
    expect(buttonsIn(waiting(await openHome(LEAD)))).toHaveLength(2);
    expect(waste(team.id)).toBe(12);

    t.clock.set(at(45));
    const answered = t.slack.responses.length;
    const home = await pressOnHome(LEAD, ActionIds.loopExpectConfirm, requestId);
    expect(sessionExpected('s-long')).toBe(1);
    expect(alertsOf(t.db, 's-long')[0]!.status).toBe('expected');
    expect(requestRow(requestId)).toEqual({ status: 'approved', decided_by: LEAD });
    expect(waste(team.id)).toBe(0);
    expect(audit()).toEqual([
      { actor: ALICE, action: 'loop.expected_request' },
      { actor: LEAD, action: 'loop.expected' },
    ]);
    // the Home again, without the request, saying what happened
    expect(waiting(home)).toEqual([]);
    expect(notice(home)).toBe(
      `:white_check_mark: You confirmed session \`s-long\` of <@${ALICE}> as an expected long task: it no longer counts as waste, and its alerts stop. <@${ALICE}> is told.`,
    );
    // the thread reply reads as when confirmed in the thread: decided, no buttons
    expect(blockText(reply.blocks)).toContain(`:white_check_mark: <@${LEAD}> confirmed at`);
    expect(reply.text).toBe('Confirmed as an expected long task: session s-long');
    expect(actionElements(reply.blocks)).toEqual([]);
    // both copies of the alert, and the owner
    const parent = t.slack.messagesIn(CHANNEL).find((m) => m.ts === reply.thread_ts)!;
    expect(blockText(parent.blocks)).toContain(`Marked *expected (long task)* by <@${LEAD}>`);
    expect(blockText(t.slack.messagesIn(`D${ALICE}`)[0]!.blocks)).toContain(`Marked *expected (long task)* by <@${LEAD}>`);
    expect(t.slack.messagesIn(`D${ALICE}`).map((m) => m.text)).toContain(
      `:white_check_mark: <@${LEAD}> confirmed your session \`s-long\` as an expected long task: it no longer counts as waste, and its alerts stop.`,
    );
    // nothing answered through a response_url, nothing failed
    expect(t.slack.responses).toHaveLength(answered);
    expect(t.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });

  it('an approver declines from the Home: it stays in the waste, the thread and the owner say so, the Home drops it', async () => {
    const { team, requestIds } = await requested(['s-decl']);
    const requestId = requestIds[0]!;
    const reply = threadReply(requestId);
    t.clock.set(at(45));
    const home = await pressOnHome(TEST_ADMIN, ActionIds.loopExpectDecline, requestId);
    expect(requestRow(requestId)).toEqual({ status: 'declined', decided_by: TEST_ADMIN });
    expect(sessionExpected('s-decl')).toBe(0);
    expect(waste(team.id)).toBe(12);
    expect(audit().map((a) => a.action)).toEqual(['loop.expected_request', 'loop.expected_decline']);
    expect(waiting(home)).toEqual([]);
    expect(notice(home)).toBe(
      `:no_entry_sign: You declined to mark session \`s-decl\` of <@${ALICE}> an expected long task: it counts as waste, and its alerts continue. <@${ALICE}> is told.`,
    );
    expect(blockText(reply.blocks)).toContain(`:no_entry_sign: <@${TEST_ADMIN}> declined at`);
    expect(actionElements(reply.blocks)).toEqual([]);
    expect(t.slack.messagesIn(`D${ALICE}`).map((m) => m.text)).toContain(
      `:no_entry_sign: <@${TEST_ADMIN}> declined to mark your session \`s-decl\` an expected long task: it counts as waste, and its alerts continue.`,
    );
  });

  it('a request decided elsewhere, pressed on a stale Home: told who decided, nothing changes, the Home drops it', async () => {
    const { team, requestIds } = await requested(['s-stale']);
    const requestId = requestIds[0]!;
    // both have it on their Home; the admin confirms in the thread
    expect(buttonsIn(waiting(await openHome(LEAD)))).toHaveLength(2);
    const reply = threadReply(requestId);
    const res = await t.action({ user_id: TEST_ADMIN, action_id: ActionIds.loopExpectConfirm, value: requestId, channel_id: reply.channel, message_ts: reply.ts });
    expect(res.status).toBe(200);
    await t.slack.waitFor(() => requestRow(requestId).status === 'approved');
    await drainOutbox(t.app.deps);
    const before = { audit: audit(), messages: JSON.stringify(t.slack.messages), waste: waste(team.id) };
    expect(before.waste).toBe(0);

    // the lead declines from their stale Home
    const home = await pressOnHome(LEAD, ActionIds.loopExpectDecline, requestId);
    expect(notice(home)).toMatch(new RegExp(`^This request was already confirmed by <@${TEST_ADMIN}> at <!date\\^\\d+\\^.*>\\. Nothing was changed\\.$`));
    expect(waiting(home)).toEqual([]);
    expect(requestRow(requestId)).toEqual({ status: 'approved', decided_by: TEST_ADMIN });
    expect(audit()).toEqual(before.audit);
    expect(waste(team.id)).toBe(0);
    expect(JSON.stringify(t.slack.messages)).toBe(before.messages);

    // and someone who may not decide, pressing a forged Home button, is told who may
    const alice = orgRepo(t.db).personBySlack(ALICE)!;
    session(t.db, 's-other', { personId: alice.id, teamId: team.id }).work(0, 2).work(20, 5, 3).work(31, 5);
    await job(50);
    await job(52);
    const other = await ask(ALICE, 's-other');
    const refused = await pressOnHome(MALLORY, ActionIds.loopExpectConfirm, other!);
    expect(notice(refused)).toBe(`Only <@${LEAD}>, the team's other approvers or aispend admins can decide this. Nothing was changed.`);
    expect(requestRow(other!)).toEqual({ status: 'pending', decided_by: null });
  });

  it('shows the newest five, and how many more wait; without a permalink, names the channel', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `s-many-${i}`);
    const { requestIds } = await requested(ids);
    t.slack.failNext('chat.getPermalink', { count: 5, error: 'message_not_found' });
    const section = waiting(await openHome(LEAD));
    expect(t.slack.callsOf('chat.getPermalink')).toHaveLength(5);
    expect(section.filter((b) => b.type === 'section').slice(1).map((b) => b.text!.text.split(' · ').at(-1))).toEqual(
      [6, 5, 4, 3, 2].map((i) => `asked ${6 - i} min ago in <#${CHANNEL}>`),
    );
    expect(section[0]!.text!.text).toMatch(/^:raising_hand: \*Waiting for you: 7 long-task requests\*/);
    expect(buttonsIn(section).filter((b) => b.action_id === ActionIds.loopExpectConfirm).map((b) => b.value)).toEqual(
      requestIds.slice(2).reverse(),
    );
    expect(section.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: "…and 2 more, older: each is in its loop alert's thread." }],
    });
  });

  it("a team without a channel: the Home links to the request in the approver's DMs", async () => {
    const { requestIds } = await requested(['s-dm'], { channel: null });
    const [dm] = t.slack.messagesIn(`D${LEAD}`);
    expect(actionElements(dm!.blocks)[0]!.value).toBe(requestIds[0]);
    const section = waiting(await openHome(LEAD));
    expect(section[1]!.text!.text).toContain(`<https://fake.slack.com/archives/D${LEAD}/p${dm!.ts.replace('.', '')}|asked `);
    const home = await pressOnHome(LEAD, ActionIds.loopExpectConfirm, requestIds[0]!);
    expect(waiting(home)).toEqual([]);
    expect(sessionExpected('s-dm')).toBe(1);
    expect(blockText(dm!.blocks)).toContain(`:white_check_mark: <@${LEAD}> confirmed at`);
  });
});
