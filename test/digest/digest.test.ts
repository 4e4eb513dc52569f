import { describe, expect, it } from 'vitest';
import {
  computeDigest,
  digestWeeks,
  isDigestDue,
  type DigestInput,
  type DigestModelInput,
  type MonthInput,
} from '../../src/digest/digest.js';
import { dayRange, digestSummary, digestText, modelLabel } from '../../src/digest/digest-text.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T10:00:00Z'); // Monday

function model(provider: string, name: string, costUsd: number, fit: Partial<DigestModelInput> = {}): DigestModelInput {
  return {
    provider,
    model: name,
    costUsd,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    requests: 10,
    fitCostUsd: 0,
    fitAltCostUsd: 0,
    fitRequests: 0,
    ...fit,
  };
}

const month = (over: Partial<MonthInput> = {}): MonthInput => ({
  key: '2026-11',
  from: '2026-11-01',
  to: '2026-12-01',
  spentUsd: 3000,
  // the forecast is an input: one rule (src/domain/forecast.ts) computes it for every surface
  forecastUsd: 4500,
  elapsedMs: 20 * DAY,
  monthMs: 30 * DAY,
  baseBudgetUsd: 4000,
  increasesUsd: 500,
  ...over,
});

/** a hand-built week with answers worked out by hand */
function fixture(over: Partial<DigestInput> = {}): DigestInput {
  const { week, weeks } = digestWeeks(NOW, 'UTC');
  const spend = [0, 0, 0, 400, 500, 600, 800, 1000];
  const stories = [0, 0, 0, 2, 4, 5, 4, 8];
  return {
    scope: { kind: 'team', teamId: 7, name: 'Platform' },
    timezone: 'UTC',
    week,
    weeks: weeks.map((w, i) => ({ from: w.from, to: w.to, spendUsd: spend[i]!, stories: stories[i]!, points: stories[i]! * 2.5 })),
    spend: {
      costUsd: 1000,
      inputTokens: 1_000_000,
      outputTokens: 250_000,
      cacheReadTokens: 4_000_000,
      cacheWriteTokens: 300_000,
      requests: 1_500,
      fitCostUsd: 55,
      fitAltCostUsd: 11,
      fitRequests: 210,
    },
    models: [
      model('anthropic', 'claude-opus-4-1', 500, { fitCostUsd: 50, fitAltCostUsd: 10, fitRequests: 200, cheaperModel: 'claude-sonnet-4-0' }),
      model('openai', 'gpt-5', 200, { fitCostUsd: 5, fitAltCostUsd: 1, fitRequests: 10, cheaperModel: 'gpt-5-mini' }),
      model('anthropic', 'claude-sonnet-4-5', 100),
      model('openai', 'gpt-4.1-mini', 80),
      model('anthropic', 'claude-haiku-4-5', 60),
      model('openai', 'o4-mini', 40),
      model('anthropic', '(billing adjustment)', 20),
    ],
    // the same $1,000 by who bills it
    sources: [
      { billingSource: 'anthropic_api', costUsd: 480 },
      { billingSource: 'openai_api', costUsd: 320 },
      { billingSource: 'subscription', costUsd: 200 },
    ],
    stories: { stories: 8, points: 20, aiAssisted: 6, unpointed: 1 },
    // one session both ended without a commit and looped ($30): counted once in the total
    waste: { noCommitSessions: 2, noCommitCostUsd: 60, loopSessions: 1, loopCostUsd: 90, totalCostUsd: 120 },
    hasDelivery: true,
    firstSpendDay: '2026-10-19',
    month: month(),
    ...over,
  };
}

describe('computeDigest on a fixture week with known answers', () => {
  const f = computeDigest(fixture());

  it('reports the week that ended before now', () => {
    expect(f.week).toEqual({
      from: '2026-11-16',
      to: '2026-11-23',
      lastDay: '2026-11-22',
      startMs: Date.parse('2026-11-16T00:00:00Z'),
      endMs: Date.parse('2026-11-23T00:00:00Z'),
      hours: 168,
    });
    expect(f.empty).toBe(false);
    expect(f.partial).toBeNull();
  });

  it('spend, change, tokens', () => {
    expect(f.spend).toEqual({ usd: 1000, previousUsd: 800, change: 0.25 });
    expect(f.tokens).toEqual({ input: 1_000_000, output: 250_000, cacheRead: 4_000_000, cacheWrite: 300_000, total: 5_550_000, requests: 1_500 });
  });

  it('cost per story and per point, AI-assisted share', () => {
    expect(f.delivery).toEqual({
      connected: true,
      stories: 8,
      points: 20,
      unpointed: 1,
      aiAssisted: 6,
      aiShare: 0.75,
      costPerStory: 125,
      costPerPoint: 50,
    });
  });

  it('8-week trend of cost per story, against the pooled earlier weeks', () => {
    expect(f.trend).toHaveLength(8);
    expect(f.trend.map((t) => t.from)).toEqual([
      '2026-09-28', '2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16',
    ]);
    expect(f.trend.map((t) => t.costPerStory)).toEqual([null, null, null, 200, 125, 120, 200, 125]);
    expect(f.trend.map((t) => t.costPerPoint)).toEqual([null, null, null, 80, 50, 48, 80, 50]);
    // earlier weeks: $2,300 for 15 stories
    expect(f.priorCostPerStory).toBeCloseTo(2300 / 15, 9);
    expect(f.costPerStoryChange).toBeCloseTo((125 - 2300 / 15) / (2300 / 15), 9);
  });

  it('waste: sessions with no commit, loop sessions, and the share of spend', () => {
    expect(f.waste).toEqual({ noCommitSessions: 2, noCommitUsd: 60, loopSessions: 1, loopUsd: 90, totalUsd: 120, share: 0.12 });
  });

  it('model fit savings, per model and in total', () => {
    expect(f.modelFit.requests).toBe(210);
    expect(f.modelFit.costUsd).toBe(55);
    expect(f.modelFit.altCostUsd).toBe(11);
    expect(f.modelFit.savingsUsd).toBe(44);
    expect(f.modelFit.items).toEqual([
      { provider: 'anthropic', model: 'claude-opus-4-1', cheaperModel: 'claude-sonnet-4-0', requests: 200, costUsd: 50, altCostUsd: 10, savingsUsd: 40 },
      { provider: 'openai', model: 'gpt-5', cheaperModel: 'gpt-5-mini', requests: 10, costUsd: 5, altCostUsd: 1, savingsUsd: 4 },
    ]);
  });

  it('providers and the top five models, the rest as "others"', () => {
    expect(f.providers).toEqual([
      { provider: 'anthropic', usd: 680, share: 0.68 },
      { provider: 'openai', usd: 320, share: 0.32 },
    ]);
    // by who bills it: subscription use is labelled as a list-price equivalent
    expect(f.sources).toEqual([
      { source: 'anthropic_api', label: 'Anthropic API', usd: 480, share: 0.48 },
      { source: 'openai_api', label: 'OpenAI API', usd: 320, share: 0.32 },
      { source: 'subscription', label: 'Claude subscription (API list-price equivalent)', usd: 200, share: 0.2 },
    ]);
    expect(digestText(f)).toContain(
      'By source:      Anthropic API $480 (48%) · OpenAI API $320 (32%) · Claude subscription (API list-price equivalent) $200 (20%)',
    );
    expect(f.topModels.map((m) => [m.model, m.usd])).toEqual([
      ['claude-opus-4-1', 500],
      ['gpt-5', 200],
      ['claude-sonnet-4-5', 100],
      ['gpt-4.1-mini', 80],
      ['claude-haiku-4-5', 60],
    ]);
    expect(f.otherModels).toEqual({ count: 2, usd: 60, share: 0.06 });
  });

  it('month to date against the budget plus approved increases, with a forecast', () => {
    // $3,000 in 20 of 30 days → $4,500 by month end, exactly the $4,000 + $500 budget
    expect(f.budget).toMatchObject({
      month: '2026-11',
      spentUsd: 3000,
      budgetUsd: 4500,
      baseBudgetUsd: 4000,
      increasesUsd: 500,
      forecastUsd: 4500,
      forecastShare: 1,
      status: 'ok',
      elapsedDays: 20,
      monthDays: 30,
    });
    expect(f.budget.usedShare).toBeCloseTo(2 / 3, 12);
  });

  it('a forecast over the budget, and spend already over it', () => {
    expect(computeDigest(fixture({ month: month({ increasesUsd: 0 }) })).budget).toMatchObject({
      budgetUsd: 4000,
      forecastUsd: 4500,
      forecastShare: 1.125,
      status: 'forecast_over',
    });
    expect(computeDigest(fixture({ month: month({ spentUsd: 4600 }) })).budget.status).toBe('over');
  });

  it('no budget set, and too early in the month to forecast', () => {
    const b = computeDigest(fixture({ month: month({ baseBudgetUsd: null, increasesUsd: 0, elapsedMs: 2 * DAY, forecastUsd: null }) })).budget;
    expect(b).toMatchObject({ budgetUsd: null, usedShare: null, forecastUsd: null, forecastShare: null, status: 'none' });
    const text = digestText(computeDigest(fixture({ month: month({ baseBudgetUsd: null, increasesUsd: 0, elapsedMs: 2 * DAY, forecastUsd: null }) })));
    expect(text).toContain('too early in the month to forecast');
    expect(text).toContain('no budget set');
  });

  it('renders the figures in words', () => {
    const text = digestText(f);
    expect(text).toContain('$1,000 AI spend, up 25% on the week before ($800)');
    expect(text).toContain('8 stories delivered, 20 points (1 without points)');
    expect(text).toContain('$125 per delivered story, $50.00 per point');
    expect(text).toContain('6 of 8 stories (75%) were AI-assisted');
    expect(text).toContain('$120 wasted (12% of the week\'s spend): $60.00 in 2 sessions that ended with no commit; $90.00 in 1 session that raised loop alerts');
    expect(text).toContain('claude-opus-4-1: routing these 200 small-output calls ($50.00) to claude-sonnet-4-0 would have saved $40.00');
    expect(text).toContain('2 other models: $60.00 (6%)');
    expect(text).toContain('November 2026 to date: $3,000 of $4,500 budget incl. $500 approved increases (67%), forecast $4,500 by month end (100% of budget)');
    expect(modelLabel('(billing adjustment)')).toBe('billing adjustment (bill above telemetry)');
    expect(digestSummary(f)).toBe(
      'AI spend digest for Platform, week of 16–22 Nov 2026: $1,000 AI spend, up 25% on the week before ($800); ' +
        '8 stories delivered, 20 points (1 without points); $125 per delivered story, $50.00 per point.',
    );
  });

  it('never lists individuals', () => {
    expect(JSON.stringify(f)).not.toMatch(/person|email|@/);
  });
});

describe('empty and partial weeks', () => {
  const zeroSpend = { costUsd: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, fitCostUsd: 0, fitAltCostUsd: 0, fitRequests: 0 };

  it('an empty week says so plainly: no NaN, no division by zero', () => {
    const { week, weeks } = digestWeeks(NOW, 'UTC');
    const f = computeDigest({
      scope: { kind: 'team', teamId: 3, name: 'Quiet' },
      timezone: 'UTC',
      week,
      weeks: weeks.map((w) => ({ from: w.from, to: w.to, spendUsd: 0, stories: 0, points: 0 })),
      spend: zeroSpend,
      models: [],
      sources: [],
      stories: { stories: 0, points: 0, aiAssisted: 0, unpointed: 0 },
      waste: { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 },
      hasDelivery: false,
      firstSpendDay: null,
      month: month({ spentUsd: 0, baseBudgetUsd: null, increasesUsd: 0 }),
    });
    expect(f.empty).toBe(true);
    expect(f.spend).toEqual({ usd: 0, previousUsd: 0, change: null });
    expect(f.delivery.costPerStory).toBeNull();
    expect(f.delivery.costPerPoint).toBeNull();
    expect(f.delivery.aiShare).toBeNull();
    expect(f.waste.share).toBeNull();
    expect(f.priorCostPerStory).toBeNull();
    expect(f.costPerStoryChange).toBeNull();
    expect(f.trend.every((t) => t.costPerStory === null)).toBe(true);
    const text = digestText(f);
    expect(text).toContain('No AI spend or delivered work recorded for Quiet in the week of 16–22 Nov 2026.');
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(digestSummary(f)).toBe('AI spend digest for Quiet, week of 16–22 Nov 2026: nothing recorded.');
  });

  it('spend but no stories: cost per story is said in words', () => {
    const f = computeDigest(fixture({ stories: { stories: 0, points: 0, aiAssisted: 0, unpointed: 0 } }));
    expect(f.empty).toBe(false);
    expect(f.delivery.costPerStory).toBeNull();
    const text = digestText(f);
    expect(text).toContain('no stories delivered this week, so no cost per story ($1,000 spent)');
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it('a team without delivery data is told what to connect', () => {
    const f = computeDigest(fixture({ hasDelivery: false, stories: { stories: 0, points: 0, aiAssisted: 0, unpointed: 0 } }));
    expect(f.delivery.connected).toBe(false);
    expect(digestText(f)).toContain('no delivery data connected yet (GitHub, Jira, Linear or the generic delivery route)');
  });

  it('a week where data starts part-way through is marked partial, with no earlier figure', () => {
    const { week, weeks } = digestWeeks(NOW, 'UTC');
    const f = computeDigest(
      fixture({
        weeks: weeks.map((w, i) => ({ from: w.from, to: w.to, spendUsd: i === 7 ? 1000 : 0, stories: i === 7 ? 8 : 0, points: 0 })),
        firstSpendDay: '2026-11-19',
        week,
      }),
    );
    expect(f.partial).toEqual({ firstDay: '2026-11-19', days: 4 });
    expect(f.spend.change).toBeNull();
    expect(f.priorCostPerStory).toBeNull();
    const text = digestText(f);
    expect(text).toContain("Usage data starts on Thu 19 Nov: this week's figures cover 4 of 7 days.");
    expect(text).toContain('$1,000 AI spend, none the week before');
    expect(text).toContain('no earlier weeks with delivered stories to compare with');
  });

  it('data from the first day of the week, or earlier, is not partial', () => {
    expect(computeDigest(fixture({ firstSpendDay: '2026-11-16' })).partial).toBeNull();
    expect(computeDigest(fixture({ firstSpendDay: null })).partial).toBeNull();
  });
});

describe('date labels', () => {
  it('week ranges within a month, across months and across years', () => {
    expect(dayRange('2026-11-16', '2026-11-22')).toBe('16–22 Nov 2026');
    expect(dayRange('2026-10-26', '2026-11-01')).toBe('26 Oct – 1 Nov 2026');
    expect(dayRange('2026-12-28', '2027-01-03')).toBe('28 Dec 2026 – 3 Jan 2027');
  });
});

describe('org digest', () => {
  it('teams by spend and unattributed spend shown plainly', () => {
    const f = computeDigest(
      fixture({
        scope: { kind: 'org', name: 'Whole org' },
        teams: [
          { teamId: 2, name: 'Mobile', spendUsd: 300, stories: 0 },
          { teamId: 1, name: 'Platform', spendUsd: 450, stories: 6 },
          { teamId: 0, name: 'unattributed', spendUsd: 250, stories: 0 },
        ],
      }),
    );
    expect(f.teams).toEqual([
      { teamId: 1, name: 'Platform', spendUsd: 450, stories: 6, costPerStory: 75, share: 0.45 },
      { teamId: 2, name: 'Mobile', spendUsd: 300, stories: 0, costPerStory: null, share: 0.3 },
    ]);
    expect(f.unattributed).toEqual({ spendUsd: 250, share: 0.25 });
    const text = digestText(f);
    expect(text).toContain('Whole org (all teams)');
    expect(text).toContain('$250 (25%) is not attributed to any team');
    expect(text).toContain('Mobile: $300, 0 stories, no stories');
  });
});

describe('digest weeks in a non-UTC zone across a daylight-saving change', () => {
  it('the week containing 2026-10-25 in Europe/Berlin is 169 hours, midnight to midnight local', () => {
    const { week, weeks } = digestWeeks(Date.parse('2026-10-26T08:00:00Z'), 'Europe/Berlin');
    expect(week.from).toBe('2026-10-19');
    expect(week.to).toBe('2026-10-26');
    expect(week.startMs).toBe(Date.parse('2026-10-18T22:00:00Z')); // Mon 00:00 CEST
    expect(week.endMs).toBe(Date.parse('2026-10-25T23:00:00Z')); // Mon 00:00 CET
    expect(weeks).toHaveLength(8);
    expect(weeks[0]!.from).toBe('2026-08-31');
    expect(weeks[7]).toEqual(week);
    const f = computeDigest({ ...fixture(), timezone: 'Europe/Berlin', week, weeks: weeks.map((w) => ({ from: w.from, to: w.to, spendUsd: 1, stories: 1, points: 1 })) });
    expect(f.week.hours).toBe(169);
    expect(digestText(f)).toContain('Week Mon 19 Oct – Sun 25 Oct (169 hours: a clock change) in Europe/Berlin.');
  });

  it('the spring change makes a 167-hour week; just after midnight Monday belongs to the new week', () => {
    const { week } = digestWeeks(Date.parse('2026-03-29T22:30:00Z'), 'Europe/Berlin'); // Mon 30 Mar 00:30 CEST
    expect(week.from).toBe('2026-03-23');
    expect(week.endMs - week.startMs).toBe(167 * 3_600_000);
    // Sunday 23:30 local is still in the week before
    expect(digestWeeks(Date.parse('2026-03-29T21:30:00Z'), 'Europe/Berlin').week.from).toBe('2026-03-16');
  });

  it('due at the schedule’s first run after the week ended', () => {
    expect(isDigestDue(Date.parse('2026-11-23T08:59:59Z'), Date.parse('2026-11-23T09:00:00Z'))).toBe(false);
    expect(isDigestDue(Date.parse('2026-11-23T09:00:00Z'), Date.parse('2026-11-23T09:00:00Z'))).toBe(true);
  });
});
