import { describe, expect, it } from 'vitest';
import { monthPeriods, sprintPeriods, trendWindows, weekPeriods } from '../../src/domain/periods.js';
import { BILLING_ADJUSTMENT_MODEL, meFigures, modelMix, sparkline, storiesIn, summaryFigures, topModels, type ModelInput, type PeriodNumbers, type SpendInput } from '../../src/queries/summary.js';
import { periodOfDays } from '../../src/domain/time.js';

const spend = (costUsd: number, extra: Partial<SpendInput> = {}): SpendInput => ({
  costUsd,
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  fitCostUsd: 0,
  fitAltCostUsd: 0,
  fitRequests: 0,
  ...extra,
});
const stories = (n: number, pts = 0, ai = 0, unpointed = 0) => ({ stories: n, points: pts, aiAssisted: ai, unpointed });
const noWaste = { noCommitSessions: 0, noCommitCostUsd: 0, loopSessions: 0, loopCostUsd: 0, totalCostUsd: 0 };
const model = (provider: string, name: string, costUsd: number, extra: Partial<SpendInput> = {}): ModelInput => ({
  provider,
  model: name,
  ...spend(costUsd, extra),
});

describe('periods', () => {
  it('week: the last 7 local days, today included, and the 7 before', () => {
    const p = weekPeriods(Date.parse('2026-11-23T10:00:00Z'), 'UTC');
    expect([p.current.from, p.current.to, p.previous.from, p.previous.to]).toEqual(['2026-11-17', '2026-11-24', '2026-11-10', '2026-11-17']);
    expect(p.current.startMs).toBe(Date.parse('2026-11-17T00:00:00Z'));
    expect(p.toDate).toBe(true);
  });

  it('week in Europe/Berlin across the end of summer time: local midnights, a 169-hour week', () => {
    // 2026-10-25 03:00 CEST becomes 02:00 CET
    const now = Date.parse('2026-10-27T23:30:00Z'); // already Oct 28 in Berlin
    const p = weekPeriods(now, 'Europe/Berlin');
    expect([p.current.from, p.current.to]).toEqual(['2026-10-22', '2026-10-29']);
    expect(p.current.startMs).toBe(Date.parse('2026-10-21T22:00:00Z'));
    expect(p.current.endMs).toBe(Date.parse('2026-10-28T23:00:00Z'));
    expect((p.current.endMs - p.current.startMs) / 3_600_000).toBe(169);
  });

  it('month: month to date against the same days of last month, cut at its end', () => {
    const p = monthPeriods(Date.parse('2026-03-31T12:00:00Z'), 'UTC');
    expect([p.current.from, p.current.to]).toEqual(['2026-03-01', '2026-04-01']);
    expect([p.previous.from, p.previous.to]).toEqual(['2026-02-01', '2026-03-01']);
    const q = monthPeriods(Date.parse('2026-11-23T10:00:00Z'), 'UTC');
    expect([q.current.from, q.current.to, q.previous.from, q.previous.to]).toEqual(['2026-11-01', '2026-11-24', '2026-10-01', '2026-10-24']);
    const jan = monthPeriods(Date.parse('2027-01-05T10:00:00Z'), 'UTC');
    expect([jan.previous.from, jan.previous.to]).toEqual(['2026-12-01', '2026-12-06']);
  });

  it('month uses the zone: 23:30 UTC on Oct 31 is already November in Berlin', () => {
    const p = monthPeriods(Date.parse('2026-10-31T23:30:00Z'), 'Europe/Berlin');
    expect([p.current.from, p.current.to]).toEqual(['2026-11-01', '2026-11-02']);
    expect([p.previous.from, p.previous.to]).toEqual(['2026-10-01', '2026-10-02']);
  });

  it('sprint: a running sprint against the same number of days of the one before', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const cur = { name: 'Sprint 14', startsAt: Date.parse('2026-11-16T09:00:00Z'), endsAt: Date.parse('2026-11-30T09:00:00Z'), completedAt: null };
    const prev = {
      name: 'Sprint 13',
      startsAt: Date.parse('2026-11-02T09:00:00Z'),
      endsAt: Date.parse('2026-11-16T09:00:00Z'),
      completedAt: Date.parse('2026-11-16T10:00:00Z'),
    };
    const p = sprintPeriods(cur, prev, now, 'UTC')!;
    expect([p.current.from, p.current.to]).toEqual(['2026-11-16', '2026-11-24']);
    expect([p.previous.from, p.previous.to]).toEqual(['2026-11-02', '2026-11-10']);
    expect(p.toDate).toBe(true);
    expect([p.currentName, p.previousName]).toEqual(['Sprint 14', 'Sprint 13']);
  });

  it('sprint: a finished sprint (the last one) against the whole one before, not overlapping', () => {
    const now = Date.parse('2026-12-20T10:00:00Z');
    const cur = { name: 'Cycle 8', startsAt: Date.parse('2026-11-30T00:00:00Z'), endsAt: Date.parse('2026-12-14T00:00:00Z'), completedAt: null };
    const prev = { name: 'Cycle 7', startsAt: Date.parse('2026-11-16T00:00:00Z'), endsAt: Date.parse('2026-12-01T00:00:00Z'), completedAt: null };
    const p = sprintPeriods(cur, prev, now, 'UTC')!;
    expect([p.current.from, p.current.to]).toEqual(['2026-11-30', '2026-12-14']);
    expect([p.previous.from, p.previous.to]).toEqual(['2026-11-16', '2026-11-30']);
    expect(p.toDate).toBe(false);
  });

  it('sprint: none started → undefined; no earlier sprint → the same number of days before', () => {
    expect(sprintPeriods(undefined, undefined, 0, 'UTC')).toBeUndefined();
    const cur = { name: null, startsAt: Date.parse('2026-11-20T08:00:00Z'), endsAt: null, completedAt: null };
    const p = sprintPeriods(cur, undefined, Date.parse('2026-11-23T10:00:00Z'), 'UTC')!;
    expect([p.current.from, p.current.to, p.previous.from, p.previous.to]).toEqual(['2026-11-20', '2026-11-24', '2026-11-16', '2026-11-20']);
  });

  it('trend: 8 windows of 7 days, oldest first, the last ending today', () => {
    const w = trendWindows(Date.parse('2026-11-23T10:00:00Z'), 'UTC');
    expect(w).toHaveLength(8);
    expect([w[0]!.from, w[0]!.to]).toEqual(['2026-09-29', '2026-10-06']);
    expect([w[7]!.from, w[7]!.to]).toEqual(['2026-11-17', '2026-11-24']);
  });
});

describe('summary figures', () => {
  const trendWeek = (from: string, to: string, costUsd: number, n: number) => ({ period: periodOfDays(from, to, 'UTC'), costUsd, stories: n });
  const current: PeriodNumbers = {
    spend: spend(450, { requests: 350, inputTokens: 1000, outputTokens: 500, fitCostUsd: 40, fitAltCostUsd: 8, fitRequests: 20 }),
    stories: stories(3, 8, 2, 1),
    waste: { noCommitSessions: 1, noCommitCostUsd: 30, loopSessions: 1, loopCostUsd: 45, totalCostUsd: 75 },
  };
  const previous: PeriodNumbers = { spend: spend(360, { requests: 100 }), stories: stories(2, 4), waste: noWaste };

  it('computes spend, change, cost per story and per point, AI share, waste and fit exactly', () => {
    const f = summaryFigures({
      current,
      previous,
      models: [model('anthropic', 'claude-opus-4-1', 300), model('anthropic', 'claude-sonnet-4-5', 100), model('openai', 'gpt-4o', 50)],
      trend: [trendWeek('2026-11-10', '2026-11-17', 360, 2), trendWeek('2026-11-17', '2026-11-24', 450, 3)],
    });
    expect(f.spendUsd).toBe(450);
    expect(f.spendChange).toBe(0.25);
    expect(f.costPerStory).toBe(150);
    expect(f.previousCostPerStory).toBe(180);
    expect(f.costPerStoryChange).toBeCloseTo(-1 / 6, 10);
    expect(f.costPerPoint).toBe(56.25);
    expect(f.previousCostPerPoint).toBe(90);
    expect(f.aiAssistedShare).toBeCloseTo(2 / 3, 10);
    expect(f.waste.share).toBeCloseTo(75 / 450, 10);
    expect(f.fit).toEqual({ requests: 20, costUsd: 40, altCostUsd: 8, savingsUsd: 32 });
    expect(f.top.top.map((m) => m.model)).toEqual(['claude-opus-4-1', 'claude-sonnet-4-5', 'gpt-4o']);
    expect(f.top.othersCount).toBe(0);
    expect(f.trend.map((t) => t.costPerStory)).toEqual([180, 150]);
    expect(f.sparkline).toBe('█▁');
    expect(f.tokens).toBe(1500);
    expect(f.empty).toBe(false);
  });

  it('says null, never NaN or Infinity, when there are no stories or no earlier figure', () => {
    const f = summaryFigures({
      current: { spend: spend(100), stories: stories(0), waste: noWaste },
      previous: { spend: spend(0), stories: stories(0) },
      models: [],
      trend: [],
    });
    expect(f.costPerStory).toBeNull();
    expect(f.costPerPoint).toBeNull();
    expect(f.spendChange).toBeNull();
    expect(f.costPerStoryChange).toBeNull();
    expect(f.aiAssistedShare).toBeNull();
    expect(f.empty).toBe(false);
  });

  it('is empty only when both periods have nothing at all', () => {
    const zero = { spend: spend(0), stories: stories(0), waste: noWaste };
    expect(summaryFigures({ current: zero, previous: zero, models: [], trend: [] }).empty).toBe(true);
    expect(summaryFigures({ current: zero, previous: { ...zero, stories: stories(1) }, models: [], trend: [] }).empty).toBe(false);
  });

  it('keeps the top 3 models and sums the rest', () => {
    const t = topModels([
      model('a', 'm1', 10),
      model('a', 'm2', 40),
      model('a', 'm3', 20),
      model('a', 'm4', 5),
      model('a', 'm5', 25),
      model('a', 'free', 0),
    ]);
    expect(t.top.map((m) => [m.model, m.costUsd])).toEqual([
      ['m2', 40],
      ['m5', 25],
      ['m3', 20],
    ]);
    expect(t.othersUsd).toBe(15);
    expect(t.othersCount).toBe(2);
  });
});

describe('storiesIn', () => {
  it('counts the stories of one period from rows read for several, start included and end excluded', () => {
    const rows = [
      { doneAt: 100, points: 3, aiAssisted: 1 },
      { doneAt: 150, points: null, aiAssisted: 0 },
      { doneAt: 199, points: 2, aiAssisted: 1 },
      { doneAt: 200, points: 8, aiAssisted: 1 },
      { doneAt: 99, points: 8, aiAssisted: 1 },
    ];
    expect(storiesIn(rows, 100, 200)).toEqual({ stories: 3, points: 5, aiAssisted: 2, unpointed: 1 });
    expect(storiesIn(rows, 200, 300)).toEqual({ stories: 1, points: 8, aiAssisted: 1, unpointed: 0 });
    expect(storiesIn([], 0, 1)).toEqual({ stories: 0, points: 0, aiAssisted: 0, unpointed: 0 });
  });
});

describe('sparkline', () => {
  it('scales between min and max and marks weeks without stories', () => {
    expect(sparkline([100, null, null, null, null, null, 180, 150])).toBe('▁·····█▅');
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(sparkline([null, null])).toBe('··');
  });
});

describe('model mix', () => {
  it('shares, requests, fit savings per model, the cheaper model and unpriced models', () => {
    const mix = modelMix(
      [
        model('anthropic', 'claude-sonnet-4-5', 100, { requests: 200 }),
        model('anthropic', 'claude-opus-4-1', 300, { requests: 100, fitCostUsd: 40, fitAltCostUsd: 8, fitRequests: 20 }),
        model('custom', 'mystery-1', 0, { requests: 5, inputTokens: 1000, outputTokens: 500 }),
        model('anthropic', BILLING_ADJUSTMENT_MODEL, 0, { inputTokens: 10 }),
      ],
      (m) => (m === 'claude-opus-4-1' ? 'claude-sonnet-4-0' : undefined),
    );
    expect(mix.totalUsd).toBe(400);
    expect(mix.requests).toBe(305);
    expect(mix.models.map((m) => [m.model, m.share])).toEqual([
      ['claude-opus-4-1', 0.75],
      ['claude-sonnet-4-5', 0.25],
      ['mystery-1', 0],
      [BILLING_ADJUSTMENT_MODEL, 0],
    ]);
    expect(mix.models[0]!.fitSavingsUsd).toBe(32);
    expect(mix.models[0]!.alternative).toBe('claude-sonnet-4-0');
    expect(mix.fit.savingsUsd).toBe(32);
    expect(mix.unpriced.map((m) => m.model)).toEqual(['mystery-1']);
  });

  it('never reports negative savings', () => {
    expect(modelMix([model('a', 'x', 1, { fitCostUsd: 1, fitAltCostUsd: 2, fitRequests: 1 })]).fit.savingsUsd).toBe(0);
  });
});

describe('me figures', () => {
  it('computes the personal week', () => {
    const f = meFigures({
      spend: { costUsd: 120, requests: 40 },
      previousSpend: { costUsd: 60, requests: 10 },
      stories: stories(2, 8),
      previousStories: stories(0),
      sessions: { sessions: 3, costUsd: 95, commits: 3, active: 1 },
      waste: { noCommitSessions: 1, noCommitCostUsd: 30, loopSessions: 1, loopCostUsd: 45, totalCostUsd: 75 },
      models: [model('anthropic', 'claude-opus-4-1', 120)],
      openAlerts: 1,
    });
    expect(f.spendChange).toBe(1);
    expect(f.costPerStory).toBe(60);
    expect(f.previousCostPerStory).toBeNull();
    expect(f.costPerStoryChange).toBeNull();
    expect(f.costPerCommit).toBeCloseTo(95 / 3, 10);
    expect(f.wasteUsd).toBe(75);
    expect(f.empty).toBe(false);
  });
});
