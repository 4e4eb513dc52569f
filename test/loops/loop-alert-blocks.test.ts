// The loop alert and sessions builders, tested by structure.
import { describe, expect, it } from 'vitest';
import {
  expectDecisionNote,
  expectRequestMessage,
  loopAlertMessage,
  loopAlertView,
  loopEscalationMessage,
  slackTime,
  type LoopAlertView,
} from '../../src/loops/loop-alert-blocks.js';
import { sessionListItem, sessionsListMessage } from '../../src/loops/sessions-blocks.js';
import { ActionIds } from '../../src/slack/ids.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const MIN = 60_000;

const session = {
  session_id: '0b6c1f7e-5d0a-4c43-9d1e-2a7f0c2b9e11',
  repo: 'acme/<api>&co',
  project: 'PROJ',
  started_at: T0,
  last_activity_at: T0 + 95 * MIN,
  cost_usd: 57.5,
  last_commit_at: T0 + 20 * MIN,
  cost_at_last_commit: 15.25,
  lines_added: 30,
  lines_removed: 2,
  lines_at_last_commit: 32,
  owner_slack_id: null as string | null,
  owner_email: 'dev@example.com',
  owner_name: null,
};
const alert = {
  id: 42,
  rule: 'burn_without_change' as const,
  status: 'open' as const,
  level: 1,
  reason: '$42.25 spent over 75 min since its last commit without changing a single line of code.',
  updated_at: T0 + 95 * MIN,
  acted_by: null,
  acted_at: null,
  snoozed_until: null,
};

type Block = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<Record<string, unknown>> };

function check(blocks: unknown[]) {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks as Block[]) {
    if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    if (b.fields) expect(b.fields.length).toBeLessThanOrEqual(10);
  }
}

describe('loopAlertMessage', () => {
  const view = loopAlertView(session, alert, 'platform', T0 + 100 * MIN);

  it('says who, which session, how long, how much, since when no commit, which rule and why', () => {
    expect(view).toMatchObject({ costSinceCommit: 42.25, activeUntil: T0 + 95 * MIN, commitResetAt: null });
    const m = loopAlertMessage(view);
    check(m.blocks);
    const [head, facts, rule] = m.blocks as Block[];
    expect(head!.text!.text).toBe(":rotating_light: *Possible agent loop:* dev@example.com's session in *acme/&lt;api&gt;&amp;co* / *PROJ*");
    expect(facts!.fields!.map((f) => f.text)).toEqual([
      '*Since last commit*\n$42.25',
      '*Session total*\n$57.50',
      '*Running*\n1 h 35 min',
      `*Commits*\nlast commit ${slackTime(T0 + 20 * MIN)}`,
      '*Owner*\ndev@example.com',
      '*Session*\n`0b6c1f7e-5d0a-4c43-9d1e-2a7f0c2b9e11`',
    ]);
    expect(rule!.text!.text).toBe(`*Burn without change*: ${alert.reason}`);
    expect(m.text).toBe("Possible agent loop: dev@example.com's session 0b6c1f7e… spent $42.25 since its last commit (Burn without change).");
    const context = (m.blocks as Block[]).at(-1)!;
    expect(JSON.stringify(context)).toContain('All looping sessions: `/aispend sessions looping`.');
  });

  it('carries the three buttons with the alert id, and a Slack time readers see in their own zone', () => {
    const actions = (loopAlertMessage(view).blocks as Block[]).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => [e.action_id, e.value, (e.text as { text: string }).text])).toEqual([
      [ActionIds.loopAcknowledge, '42', 'Acknowledge'],
      [ActionIds.loopSnooze, '42', 'Snooze 1 h'],
      [ActionIds.loopExpected, '42', 'Expected (long task)'],
    ]);
    expect(slackTime(T0)).toBe(`<!date^${T0 / 1000}^{date_short_pretty} {time}|2026-11-23 10:00 UTC>`);
  });

  it('mentions a known owner and speaks to them in the DM', () => {
    const v: LoopAlertView = { ...view, owner: { slackUserId: 'U1', email: 'dev@example.com', name: null }, lastCommitAt: null };
    const dm = loopAlertMessage(v, 'owner');
    expect((dm.blocks[0] as Block).text!.text).toBe(':rotating_light: *Your agent session may be looping* in *acme/&lt;api&gt;&amp;co* / *PROJ*');
    expect(JSON.stringify(dm.blocks)).toContain(`no commit since it started ${slackTime(T0)}`);
    expect(loopAlertMessage(v).text).toContain("<@U1>'s session");
  });

  it('shows who acted, and keeps buttons until the session is marked expected', () => {
    const buttonsOf = (v: LoopAlertView) =>
      ((loopAlertMessage(v).blocks as Block[]).find((b) => b.type === 'actions')?.elements ?? []).map((e) => e.action_id);
    const acted = { ...view, actedBy: 'U9', actedAt: T0 + 101 * MIN };
    // acknowledged still counts as waste: an approver can still excuse it
    expect(buttonsOf({ ...acted, status: 'acknowledged' })).toEqual([ActionIds.loopExpected]);
    expect(buttonsOf({ ...acted, status: 'expected' })).toEqual([]);
    expect(buttonsOf({ ...acted, status: 'snoozed', snoozedUntil: T0 + 161 * MIN })).toEqual([ActionIds.loopAcknowledge, ActionIds.loopExpected]);
    expect(JSON.stringify(loopAlertMessage({ ...acted, status: 'expected' }).blocks)).toContain(
      `:hourglass_flowing_sand: Marked *expected (long task)* by <@U9> at ${slackTime(T0 + 101 * MIN)}. No more alerts for this session, and it no longer counts as waste.`,
    );
  });

  it('notes a commit that landed after the alert', () => {
    const v = loopAlertView({ ...session, last_commit_at: T0 + 99 * MIN, cost_at_last_commit: 57.5 }, alert, null, T0 + 100 * MIN);
    expect(v.costSinceCommit).toBe(0);
    expect(JSON.stringify(loopAlertMessage(v).blocks)).toContain(`A commit landed ${slackTime(T0 + 99 * MIN)}: the no-commit streak reset.`);
  });
});

describe("the owner's request to mark a session expected", () => {
  const pending = { id: 3, status: 'pending' as const, requestedBy: 'U1', requestedAt: T0 + 97 * MIN, approvers: ['U7', 'U8'], decidedBy: null, decidedAt: null };
  const req = (r = pending) => ({ request: r, sessionId: session.session_id, rule: alert.rule, costSinceCommit: 42.25, costUsd: 57.5, runningMs: 95 * MIN, where: 'thread' as const, teamName: 'platform' });

  it('shows on the alert while it waits, with the history of steps, and no hint to ask again', () => {
    const v = loopAlertView({ ...session, owner_slack_id: 'U1' }, { ...alert, status: 'acknowledged', acted_by: 'U1', acted_at: T0 + 96 * MIN }, 'platform', T0 + 100 * MIN, {
      expectRequest: pending,
      history: [
        { actor: 'U1', action: 'acknowledge', at: T0 + 96 * MIN },
        { actor: 'U1', action: 'expected_request', at: T0 + 97 * MIN },
      ],
    });
    const m = loopAlertMessage(v, 'owner');
    check(m.blocks);
    const text = JSON.stringify(m.blocks);
    expect(text).toContain(`:raising_hand: <@U1> asked at ${slackTime(T0 + 97 * MIN)} to mark this session an *expected long task*; <@U7> or <@U8> can confirm it. Until then it counts as waste.`);
    expect(text).toContain(`*History:* <@U1> acknowledged · ${slackTime(T0 + 96 * MIN)}; <@U1> asked to mark it an expected long task · ${slackTime(T0 + 97 * MIN)}.`);
    expect(text).not.toContain('asks your team');
    expect(((m.blocks as Block[]).find((b) => b.type === 'actions')!.elements ?? []).map((e) => e.action_id)).toEqual([ActionIds.loopExpected]);
  });

  it('asks the approvers by name, with Confirm and Decline carrying the request id', () => {
    const m = expectRequestMessage(req());
    check(m.blocks);
    expect(m.text).toBe('<@U7> <@U8>: confirm session 0b6c1f7e… as an expected long task?');
    expect((m.blocks[0] as Block).text!.text).toBe(
      ":raising_hand: <@U1> asks to mark session `0b6c1f7e…` an *expected long task*: it would leave the team's waste figure and its alerts would stop. <@U7> or <@U8>, can you confirm?",
    );
    expect(JSON.stringify(m.blocks[1])).toContain('$42.25 since the last commit · $57.50 in total · running 1 h 35 min · Burn without change · team platform');
    const actions = (m.blocks as Block[]).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((e) => [e.action_id, e.value])).toEqual([
      [ActionIds.loopExpectConfirm, '3'],
      [ActionIds.loopExpectDecline, '3'],
    ]);
  });

  it('says who decided, without buttons, and tells the owner', () => {
    const approved = expectRequestMessage(req({ ...pending, status: 'approved', decidedBy: 'U7', decidedAt: T0 + 99 * MIN } as never));
    expect((approved.blocks as Block[]).some((b) => b.type === 'actions')).toBe(false);
    expect((approved.blocks[0] as Block).text!.text).toBe(
      `:white_check_mark: <@U7> confirmed at ${slackTime(T0 + 99 * MIN)}: session \`0b6c1f7e…\` is an expected long task (asked by <@U1>). It no longer counts as waste, and its alerts stop.`,
    );
    const declined = { ...pending, status: 'declined', decidedBy: 'U8', decidedAt: T0 + 99 * MIN } as never;
    expect(expectDecisionNote(req(declined)).text).toBe(
      ':no_entry_sign: <@U8> declined to mark your session `0b6c1f7e…` an expected long task: it counts as waste, and its alerts continue.',
    );
  });
});

describe('loopEscalationMessage', () => {
  it('says how much worse it got, or that the snooze is over', () => {
    const v = loopAlertView(session, { ...alert, level: 2 }, 'platform', T0 + 100 * MIN);
    const worse = loopEscalationMessage(v, 21, 'worse');
    check(worse.blocks);
    expect(worse.text).toBe('0b6c1f7e…: $42.25 since the last commit (level 2).');
    expect((worse.blocks[0] as Block).text!.text).toBe(
      ':arrow_double_up: *Getting worse:* $42.25 since the last commit now, up from $21.00 at the last alert.\n' +
        `Burn without change (level 2): ${alert.reason} Running 1 h 35 min, $57.50 in total.`,
    );
    expect((loopEscalationMessage(v, 21, 'snooze_ended').blocks[0] as Block).text!.text).toMatch(
      /^:alarm_clock: \*Snooze over, still going:\* \$42\.25 since the last commit \(\$21\.00 at the last alert\)\./,
    );
  });
});

describe('sessions list', () => {
  const row = (over: Record<string, unknown>) => ({
    session_id: 's-1',
    repo: null,
    project: null,
    started_at: T0,
    last_activity_at: T0 + 10 * MIN,
    cost_usd: 1,
    commits: 0,
    status: 'active' as const,
    expected: 0,
    last_commit_at: null,
    owner_slack_id: 'U1',
    owner_email: null,
    owner_name: null,
    alerts: null,
    ...over,
  });

  it('picks the most pressing badge: looping, then snoozed, acknowledged, committed-after-alert, expected', () => {
    const badge = (over: Record<string, unknown>) => sessionListItem(row(over), T0 + 20 * MIN).badge;
    expect(badge({})).toBeUndefined();
    expect(badge({ alerts: `repeating_failure:acknowledged:${T0},no_commit_burn:open:${T0}` })).toEqual({ kind: 'looping', rule: 'no_commit_burn' });
    expect(badge({ alerts: `no_commit_burn:snoozed:${T0}` })).toEqual({ kind: 'snoozed', rule: 'no_commit_burn' });
    expect(badge({ alerts: `no_commit_burn:open:${T0}`, last_commit_at: T0 + 1 })).toEqual({ kind: 'committed', rule: 'no_commit_burn' });
    expect(badge({ alerts: `no_commit_burn:open:${T0}`, status: 'closed' })).toBeUndefined();
    expect(badge({ alerts: `no_commit_burn:expected:${T0}`, expected: 1 })).toEqual({ kind: 'expected' });
  });

  it('keeps the order it is given (recency), never sorting by cost', () => {
    const items = [row({ session_id: 'cheap', cost_usd: 1 }), row({ session_id: 'dear', cost_usd: 900 })].map((r) => sessionListItem(r, T0));
    const m = sessionsListMessage({ scope: 'team x', looping: false, items, days: 7 });
    check(m.blocks);
    const texts = (m.blocks as Block[]).filter((b) => b.type === 'section').map((b) => b.text!.text);
    expect(texts.slice(1).map((x) => /`([^`]+)`/.exec(x)![1])).toEqual(['cheap', 'dear']);
  });

  it('shows at most 20 sessions', () => {
    const items = Array.from({ length: 30 }, (_, i) => sessionListItem(row({ session_id: `s${i}` }), T0));
    const m = sessionsListMessage({ scope: 'team x', looping: true, items });
    check(m.blocks);
    expect((m.blocks as Block[]).filter((b) => b.type === 'section')).toHaveLength(21);
  });
});
