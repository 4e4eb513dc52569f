// The digest's Block Kit message: structure, and Slack's limits whatever the names and model counts.
import { describe, expect, it } from 'vitest';
import { computeDigest, digestWeeks, type DigestInput, type DigestModelInput } from '../../src/digest/digest.js';
import { digestBlocks, LIMITS, type Block } from '../../src/digest/digest-blocks.js';
import { ActionIds } from '../../src/slack/ids.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

function input(over: Partial<DigestInput> = {}): DigestInput {
  const { week, weeks } = digestWeeks(NOW, 'UTC');
  return {
    scope: { kind: 'team', teamId: 4, name: 'Platform' },
    timezone: 'UTC',
    week,
    weeks: weeks.map((w, i) => ({ from: w.from, to: w.to, spendUsd: 100 * (i + 1), stories: i, points: i * 3 })),
    spend: { costUsd: 800, inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 5, fitCostUsd: 30, fitAltCostUsd: 6, fitRequests: 12 },
    models: [
      { provider: 'anthropic', model: 'claude-opus-4-1', costUsd: 800, inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 5, fitCostUsd: 30, fitAltCostUsd: 6, fitRequests: 12, cheaperModel: 'claude-sonnet-4-0' },
    ],
    sources: [{ billingSource: 'anthropic_api', costUsd: 800 }],
    stories: { stories: 7, points: 21, aiAssisted: 3, unpointed: 0 },
    waste: { noCommitSessions: 1, noCommitCostUsd: 40, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 40 },
    hasDelivery: true,
    firstSpendDay: '2026-09-28',
    month: { key: '2026-11', from: '2026-11-01', to: '2026-12-01', spentUsd: 2000, forecastUsd: 2727.27, elapsedMs: 22 * DAY, monthMs: 30 * DAY, baseBudgetUsd: 3000, increasesUsd: 0 },
    ...over,
  };
}

function textsOf(block: Block): string[] {
  const out: string[] = [];
  const t = block.text as { text?: string } | undefined;
  if (t?.text !== undefined) out.push(t.text);
  for (const f of (block.fields as Array<{ text: string }> | undefined) ?? []) out.push(f.text);
  for (const e of (block.elements as Array<{ text?: string | { text: string } }> | undefined) ?? []) {
    if (typeof e.text === 'string') out.push(e.text);
    else if (e.text) out.push(e.text.text);
  }
  return out;
}

function expectWithinLimits(blocks: Block[]): void {
  expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of blocks) {
    if (b.type === 'header') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(LIMITS.header);
    if (b.type === 'section') {
      const text = b.text as { text: string } | undefined;
      if (text) expect(text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      const fields = (b.fields as Array<{ text: string }> | undefined) ?? [];
      expect(fields.length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(LIMITS.field);
    }
    if (b.type === 'context') {
      const els = b.elements as Array<{ text: string }>;
      expect(els.length).toBeLessThanOrEqual(10);
      for (const e of els) expect(e.text.length).toBeLessThanOrEqual(LIMITS.context);
    }
    if (b.type === 'actions') {
      for (const e of b.elements as Array<{ text: { text: string }; value: string; action_id: string }>) {
        expect(e.text.text.length).toBeLessThanOrEqual(75);
        expect(e.value.length).toBeLessThanOrEqual(2000);
        expect(e.action_id.length).toBeLessThanOrEqual(255);
      }
    }
  }
}

describe('digest Block Kit message', () => {
  it('header, key figures first, details, the counting note, then the buttons', () => {
    const { text, blocks } = digestBlocks(computeDigest(input()), { chartNote: 'Chart of the last 8 weeks: in the thread.' });
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Platform · AI spend, week of 16–22 Nov 2026', emoji: false } });
    expect(blocks[1]!.fields).toEqual([
      { type: 'mrkdwn', text: '*Spend*\n$800 (▲ 14%)' },
      { type: 'mrkdwn', text: '*Stories delivered*\n7 (21 points)' },
      { type: 'mrkdwn', text: '*Cost per story*\n$114' },
      { type: 'mrkdwn', text: '*Cost per point*\n$38.10' },
    ]);
    expect(textsOf(blocks[2]!)[0]).toMatch(/^\*Cost per story, 8 weeks\*: /);
    const all = blocks.flatMap(textsOf).join('\n');
    expect(all).toContain('*Waste*: $40.00 wasted (5% of the week\'s spend)');
    expect(all).toContain('routing these 12 small-output calls ($30.00) to claude-sonnet-4-0 would have saved $24.00');
    expect(all).toContain('*Budget*: November 2026 to date: $2,000 of $3,000 budget');
    const ctx = blocks[blocks.length - 2]!;
    expect(ctx.type).toBe('context');
    expect(textsOf(ctx)[0]).toContain('Week Mon 16 Nov – Sun 22 Nov in UTC. Spend counts each call once');
    expect(textsOf(ctx)[1]).toBe('Chart of the last 8 weeks: in the thread.');
    const actions = blocks[blocks.length - 1]!;
    expect(actions.type).toBe('actions');
    expect((actions.elements as Array<{ action_id: string; value: string }>).map((e) => [e.action_id, e.value])).toEqual([
      [ActionIds.digestRequestIncrease, '4'],
      [ActionIds.digestSeeSessions, '4'],
    ]);
    expect(text).toBe(
      'AI spend digest for Platform, week of 16–22 Nov 2026: $800 AI spend, up 14% on the week before ($700); 7 stories delivered, 21 points; $114 per delivered story, $38.10 per point.',
    );
    expectWithinLimits(blocks);
  });

  it('stays within limits for a team with a very long name and many models', () => {
    const name = 'Platform & <Infrastructure> ' + 'Reliability Engineering '.repeat(20);
    const models: DigestModelInput[] = Array.from({ length: 80 }, (_, i) => ({
      provider: i % 2 ? 'openai' : 'anthropic',
      model: `model-${i}-` + 'x'.repeat(300),
      costUsd: 1000 - i,
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      requests: 3,
      fitCostUsd: 10,
      fitAltCostUsd: 2,
      fitRequests: 2,
      cheaperModel: 'cheap-' + 'y'.repeat(300),
    }));
    const f = computeDigest(input({ scope: { kind: 'team', teamId: 9, name }, models }));
    const { blocks, text } = digestBlocks(f, { chartNote: 'z'.repeat(5000) });
    expectWithinLimits(blocks);
    expect(blocks.length).toBeLessThan(20);
    const all = blocks.filter((b) => b.type !== 'header').flatMap(textsOf).join('\n');
    // user-supplied names are escaped in mrkdwn (the header is plain text)
    expect(all).not.toContain('<Infrastructure>');
    expect(text).toContain('&lt;Infrastructure&gt;');
    expect(all).toContain('75 other models');
    expect(all).toContain('and 75 more models');
  });

  it('the org digest lists teams within one section and says what is unattributed; no buttons', () => {
    const teams = Array.from({ length: 300 }, (_, i) => ({ teamId: i + 1, name: `team-${i}-` + 'n'.repeat(80), spendUsd: 300 - i, stories: i % 4 }));
    const f = computeDigest(input({ scope: { kind: 'org', name: 'Whole org' }, teams: [...teams, { teamId: 0, name: 'unattributed', spendUsd: 123, stories: 0 }] }));
    const { blocks } = digestBlocks(f);
    expectWithinLimits(blocks);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    const teamsText = blocks.flatMap(textsOf).find((t) => t.startsWith('*Teams*'))!;
    expect(teamsText).toMatch(/• and \d+ more teams: \$/);
    expect(teamsText).toContain('*Unattributed*: $123');
  });

  it('a team with nothing to report gets a short message, not silence', () => {
    const { week, weeks } = digestWeeks(NOW, 'UTC');
    const f = computeDigest(
      input({
        scope: { kind: 'team', teamId: 5, name: 'Quiet' },
        week,
        weeks: weeks.map((w) => ({ from: w.from, to: w.to, spendUsd: 0, stories: 0, points: 0 })),
        spend: { costUsd: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, fitCostUsd: 0, fitAltCostUsd: 0, fitRequests: 0 },
        models: [],
        stories: { stories: 0, points: 0, aiAssisted: 0, unpointed: 0 },
        waste: { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 },
        firstSpendDay: null,
      }),
    );
    const { blocks, text } = digestBlocks(f);
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(textsOf(blocks[1]!)[0]).toMatch(/^No AI spend or delivered work recorded for Quiet in the week of 16–22 Nov 2026\. Connect /);
    expect(text).toBe('AI spend digest for Quiet, week of 16–22 Nov 2026: nothing recorded.');
  });
});
