// "Waiting for you" on the App Home, tested by structure: the request's facts, where it was asked, the
// thread's own buttons, and how many more wait.
import { describe, expect, it } from 'vitest';
import { expectRequestMessage } from '../../src/loops/loop-alert-blocks.js';
import { pendingDecisionBlocks, type PendingDecisionView } from '../../src/loops/pending-blocks.js';
import { ActionIds } from '../../src/slack/ids.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const MIN = 60_000;

const decision = (over: Partial<PendingDecisionView> = {}): PendingDecisionView => ({
  requestId: 7,
  sessionId: '0b6c1f7e-5d0a-4c43-9d1e-2a7f0c2b9e11',
  teamName: 'plat<form>',
  owner: { slackUserId: 'U0ALICE', email: 'alice@example.com', name: null },
  costUsd: 57.5,
  runningMs: 95 * MIN,
  requestedAt: T0 - 20 * MIN,
  ...over,
});

const texts = (blocks: unknown[]) => blocks.map((b) => (b as { text?: { text: string } }).text?.text ?? (b as { type: string }).type);

describe('pendingDecisionBlocks', () => {
  it('shows nothing when nothing waits', () => {
    expect(pendingDecisionBlocks([], 0, T0)).toEqual([]);
  });

  it('one line of who and which session, one of its figures linked to where it was asked, then the buttons of the thread', () => {
    const blocks = pendingDecisionBlocks([decision({ link: 'https://x.slack.com/archives/C1/p1', channelId: 'C1' })], 1, T0);
    expect(texts(blocks)).toEqual([
      ':raising_hand: *Waiting for you: 1 long-task request*\nOwners ask to excuse these sessions from the waste figure. Until an approver confirms, they count as waste.',
      '`0b6c1f7e…` · <@U0ALICE> · plat&lt;form&gt;\n*$57.50* so far · running 1 h 35 min · <https://x.slack.com/archives/C1/p1|asked 20 min ago>',
      'actions',
    ]);
    const thread = expectRequestMessage({
      request: { id: 7, status: 'pending', requestedBy: 'U0ALICE', requestedAt: T0, approvers: ['U0LEAD'], decidedBy: null, decidedAt: null },
      sessionId: 'x',
      rule: 'no_commit_burn',
      costSinceCommit: 1,
      costUsd: 1,
      runningMs: 1,
      where: 'thread',
      teamName: null,
    });
    // the very actions block of the thread reply
    expect(blocks[2]).toEqual(thread.blocks.find((b) => (b as { type: string }).type === 'actions'));
    expect((blocks[2] as { elements: Array<{ action_id: string; value: string }> }).elements.map((e) => [e.action_id, e.value])).toEqual([
      [ActionIds.loopExpectConfirm, '7'],
      [ActionIds.loopExpectDecline, '7'],
    ]);
  });

  it('without a link: the channel it was asked in, or nothing for a DM; an owner known only by email', () => {
    const inChannel = pendingDecisionBlocks([decision({ channelId: 'C1' })], 1, T0);
    expect(texts(inChannel)[1]).toMatch(/· asked 20 min ago in <#C1>$/);
    const inDm = pendingDecisionBlocks([decision({ channelId: 'D1', owner: { slackUserId: null, email: 'bo@example.com', name: null } })], 1, T0);
    expect(texts(inDm)[1]).toBe('`0b6c1f7e…` · bo@example.com · plat&lt;form&gt;\n*$57.50* so far · running 1 h 35 min · asked 20 min ago');
  });

  it('counts the ones not shown', () => {
    const blocks = pendingDecisionBlocks([decision({ requestId: 9 }), decision({ requestId: 8 })], 6, T0);
    expect(texts(blocks)[0]).toMatch(/^:raising_hand: \*Waiting for you: 6 long-task requests\*/);
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: "…and 4 more, older: each is in its loop alert's thread." }] });
  });
});
