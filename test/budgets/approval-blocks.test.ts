import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/budgets/budget-numbers.js';
import { approvalRequestMessage, decidedBlocks, outcomeText, APPROVAL_OUTCOME_BLOCK } from '../../src/budgets/approval-blocks.js';
import { describeAudit, monthLabel, thresholdAlertMessage } from '../../src/budgets/budget-blocks.js';

const AT = Date.parse('2026-11-23T10:00:00Z');

function context(over: Partial<RequestContext> = {}): RequestContext {
  return {
    status: {
      team: { id: 1, name: 'platform', channel_id: 'C1', approvals_channel_id: null, monthly_budget_usd: 5000, loop_min_cost_usd: null, loop_min_minutes: null, created_at: 0 },
      month: '2026-11',
      period: { from: '2026-11-01', to: '2026-12-01', startMs: 0, endMs: 1 },
      baseUsd: 5000,
      increases: [],
      increasesUsd: 0,
      budgetUsd: 5000,
      spentUsd: 4200,
      used: 0.84,
      forecastUsd: 5600,
      pending: [],
    },
    stories: 0,
    points: 0,
    costPerStory: null,
    trend: [
      { month: '2026-08', spentUsd: 0, stories: 0, costPerStory: null },
      { month: '2026-09', spentUsd: 0, stories: 0, costPerStory: null },
      { month: '2026-10', spentUsd: 0, stories: 0, costPerStory: null },
    ],
    costPerStoryChange: null,
    waste: { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 },
    hasDelivery: false,
    ...over,
  };
}

const view = (over: Partial<Parameters<typeof approvalRequestMessage>[0]> = {}) =>
  approvalRequestMessage({
    requestId: 7,
    teamName: 'platform',
    requester: 'U1',
    amountUsd: 800,
    reason: 'load tests <before> launch & more',
    month: '2026-11',
    expiresAt: AT + 7 * 86_400_000,
    approvers: ['U2', 'U3'],
    context: context(),
    tz: 'UTC',
    ...over,
  });

describe('approval request message', () => {
  it('says when there is no delivery data rather than showing a cost per story', () => {
    const m = view();
    const text = JSON.stringify(m.blocks);
    expect(text).toContain('*Cost per story*\\nno delivery data connected');
    expect(text).toContain('*Delivered stories this month*\\n0');
    expect(text).toContain('*Waste in loop sessions*\\nnone this month');
    expect(text).toContain('load tests &lt;before&gt; launch &amp; more');
    expect(m.text).toBe('Budget increase request #7: <@U1> asks for +$800 for platform');
  });

  it('stays within Block Kit limits with a long team name and a 500-character reason', () => {
    const m = view({ teamName: 'x'.repeat(200), reason: 'word '.repeat(100).trim() });
    const blocks = m.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text?: { text: string } }> }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks[0]!.text!.text.length).toBeLessThanOrEqual(150);
    for (const b of blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    for (const e of buttons) expect(e.text!.text.length).toBeLessThanOrEqual(75);
  });

  it('once decided keeps the figures, drops the buttons and how-to, and shows one outcome', () => {
    const original = view().blocks;
    const once = decidedBlocks(original, 'first');
    const twice = decidedBlocks(once, 'second');
    const types = twice.map((b) => (b as { type: string }).type);
    expect(types).toEqual(['header', 'section', 'section', 'context', 'section']);
    expect(twice[twice.length - 1]).toEqual({ type: 'section', block_id: APPROVAL_OUTCOME_BLOCK, text: { type: 'mrkdwn', text: 'second' } });
  });
});

describe('outcome and history lines', () => {
  it('words each ending', () => {
    const base = { at: AT, requestedUsd: 800, month: '2026-11', tz: 'UTC' };
    expect(outcomeText({ ...base, status: 'approved', by: 'U2', approvedUsd: 800, budgetAfterUsd: 5800 })).toBe(
      ':white_check_mark: *Approved* +$800 by <@U2> <!date^1795428000^{date_short_pretty} at {time}|Nov 23, 2026, 10:00 UTC>. The November 2026 budget is now $5,800.',
    );
    expect(outcomeText({ ...base, status: 'denied', by: 'U2', note: 'no <way>' })).toContain('*Denied* by <@U2>');
    expect(outcomeText({ ...base, status: 'denied', by: 'U2', note: 'no <way>' })).toContain(': “no &lt;way&gt;”');
    expect(outcomeText({ ...base, status: 'expired', by: null, expiryDays: 7 })).toContain('nobody decided within 7 days.');
  });

  it('describes unknown audit actions generically', () => {
    expect(
      describeAudit({ id: 1, at: AT, actor: 'U9', action: 'team.create', team_id: 1, subject: 'platform', details: { channel: 'C1' } }),
    ).toBe('<@U9> team.create platform {"channel":"C1"}');
    expect(monthLabel('2027-01')).toBe('January 2027');
  });

  it('puts the Request increase button on the 100% alert only', () => {
    const a = { teamId: 3, teamName: 'data', month: '2026-11', spentUsd: 500, budgetUsd: 1000, forecastUsd: 700 };
    expect(JSON.stringify(thresholdAlertMessage({ ...a, pct: 50 }).blocks)).not.toContain('"type":"actions"');
    const full = thresholdAlertMessage({ ...a, pct: 100, spentUsd: 1000 });
    expect(JSON.stringify(full.blocks)).toContain('"action_id":"budget_request_increase","text":{"type":"plain_text","text":"Request increase"},"style":"primary","value":"3"');
  });
});
