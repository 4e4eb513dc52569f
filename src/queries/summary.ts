// Pure figures behind `/aispend summary`, `me`, `models` and App Home: which local days a period
// covers, the comparison period, cost per delivered story, trend, waste, model mix and model fit.
// Inputs are plain numbers (from the rollups); time is a parameter. No I/O here.
import { billingSourceLabel } from '../domain/billing-source.js';
import { PERIOD_ALIASES, PERIOD_KINDS, type PeriodKind } from '../domain/periods.js';
import { changeRatio, ratio } from '../domain/ratios.js';
import type { Period } from '../domain/time.js';


// ---- inputs (structurally the rows metrics-repo returns) ----

export interface SpendInput {
  costUsd: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  fitCostUsd: number;
  fitAltCostUsd: number;
  fitRequests: number;
}

export interface StoriesInput {
  stories: number;
  points: number;
  aiAssisted: number;
  unpointed: number;
}

export interface WasteInput {
  noCommitSessions: number;
  noCommitCostUsd: number;
  loopSessions: number;
  loopCostUsd: number;
  totalCostUsd: number;
}

export interface ModelInput extends SpendInput {
  provider: string;
  model: string;
}

export interface PeriodNumbers {
  spend: SpendInput;
  stories: StoriesInput;
  waste: WasteInput;
}

/** Stories done in [startMs, endMs), from rows read once for several periods. */
export function storiesIn(rows: Array<{ doneAt: number; points: number | null; aiAssisted: number }>, startMs: number, endMs: number): StoriesInput {
  const out: StoriesInput = { stories: 0, points: 0, aiAssisted: 0, unpointed: 0 };
  for (const r of rows) {
    if (r.doneAt < startMs || r.doneAt >= endMs) continue;
    out.stories += 1;
    if (r.points === null) out.unpointed += 1;
    else out.points += r.points;
    if (r.aiAssisted) out.aiAssisted += 1;
  }
  return out;
}

export interface TrendPoint {
  from: string;
  to: string;
  costUsd: number;
  stories: number;
  costPerStory: number | null;
}

export interface ModelShare {
  provider: string;
  model: string;
  costUsd: number;
  share: number | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  fitRequests: number;
  fitSavingsUsd: number;
  /** the cheaper model small-output calls could go to (top-tier models only) */
  alternative?: string;
  unpriced: boolean;
}

export interface ModelFit {
  /** calls on top-tier models with small output */
  requests: number;
  costUsd: number;
  /** the same calls on the cheaper model */
  altCostUsd: number;
  savingsUsd: number;
}

export interface ModelMix {
  totalUsd: number;
  requests: number;
  models: ModelShare[];
  fit: ModelFit;
  /** models seen with tokens but no price */
  unpriced: ModelShare[];
}

/** The model that stands for spend that only an Admin API bill explains (see docs/usage-sources.md). */
export const BILLING_ADJUSTMENT_MODEL = '(billing adjustment)';

export function modelFit(rows: Array<Pick<SpendInput, 'fitCostUsd' | 'fitAltCostUsd' | 'fitRequests'>>): ModelFit {
  let requests = 0;
  let costUsd = 0;
  let altCostUsd = 0;
  for (const r of rows) {
    requests += r.fitRequests;
    costUsd += r.fitCostUsd;
    altCostUsd += r.fitAltCostUsd;
  }
  return { requests, costUsd, altCostUsd, savingsUsd: Math.max(0, costUsd - altCostUsd) };
}

/**
 * Shares of spend by model, largest first. A model is unpriced when tokens were used at no cost
 * (the usage repository stores unknown models at $0). `alternativeOf` names a top-tier model's
 * cheaper counterpart (src/domain/pricing.ts fitAlternative).
 */
export function modelMix(rows: ModelInput[], alternativeOf: (model: string) => string | undefined = () => undefined): ModelMix {
  const totalUsd = rows.reduce((a, r) => a + r.costUsd, 0);
  const models: ModelShare[] = rows
    .map((r) => {
      const tokens = r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens;
      return {
        provider: r.provider,
        model: r.model,
        costUsd: r.costUsd,
        share: ratio(r.costUsd, totalUsd),
        requests: r.requests,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        cacheReadTokens: r.cacheReadTokens,
        cacheWriteTokens: r.cacheWriteTokens,
        fitRequests: r.fitRequests,
        fitSavingsUsd: Math.max(0, r.fitCostUsd - r.fitAltCostUsd),
        alternative: alternativeOf(r.model),
        unpriced: r.costUsd === 0 && tokens > 0 && r.model !== BILLING_ADJUSTMENT_MODEL,
      };
    })
    .sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests || a.model.localeCompare(b.model));
  return {
    totalUsd,
    requests: rows.reduce((a, r) => a + r.requests, 0),
    models,
    fit: modelFit(rows),
    unpriced: models.filter((m) => m.unpriced),
  };
}

export interface TopModels {
  top: Array<{ provider: string; model: string; costUsd: number; share: number | null }>;
  /** the rest together */
  othersUsd: number;
  othersCount: number;
}

export function topModels(rows: ModelInput[], n = 3): TopModels {
  const mix = modelMix(rows).models.filter((m) => m.costUsd > 0);
  const top = mix.slice(0, n).map((m) => ({ provider: m.provider, model: m.model, costUsd: m.costUsd, share: m.share }));
  const rest = mix.slice(n);
  return { top, othersUsd: rest.reduce((a, m) => a + m.costUsd, 0), othersCount: rest.length };
}

/** ▁▂▃▄▅▆▇█ scaled between the smallest and largest value; · for a gap (no stories that week) */
export function sparkline(values: Array<number | null>): string {
  const bars = '▁▂▃▄▅▆▇█';
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return values.map(() => '·').join('');
  const min = Math.min(...present);
  const max = Math.max(...present);
  return values
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return '·';
      if (max === min) return bars[3];
      return bars[Math.round(((v - min) / (max - min)) * (bars.length - 1))];
    })
    .join('');
}

export function trendPoints(weeks: Array<{ period: Period; costUsd: number; stories: number }>): TrendPoint[] {
  return weeks.map((w) => ({
    from: w.period.from,
    to: w.period.to,
    costUsd: w.costUsd,
    stories: w.stories,
    costPerStory: ratio(w.costUsd, w.stories),
  }));
}

export interface SummaryFigures {
  spendUsd: number;
  previousSpendUsd: number;
  spendChange: number | null;
  stories: number;
  previousStories: number;
  storiesChange: number | null;
  points: number;
  previousPoints: number;
  unpointed: number;
  costPerStory: number | null;
  previousCostPerStory: number | null;
  costPerStoryChange: number | null;
  costPerPoint: number | null;
  previousCostPerPoint: number | null;
  aiAssisted: number;
  /** share of delivered stories that were AI-assisted; null with no stories */
  aiAssistedShare: number | null;
  waste: WasteInput & { share: number | null };
  fit: ModelFit;
  top: TopModels;
  /** spend by who bills it, largest first (subscription figures are list-price equivalents) */
  sources: SourceShare[];
  trend: TrendPoint[];
  sparkline: string;
  tokens: number;
  requests: number;
  /** nothing at all in either period */
  empty: boolean;
}

export interface SourceShare {
  source: string;
  label: string;
  costUsd: number;
  share: number | null;
}

/** spend by billing source as shares of the total, largest first */
export function sourceShares(rows: ReadonlyArray<{ billingSource: string; costUsd: number }>): SourceShare[] {
  const total = rows.reduce((a, r) => a + r.costUsd, 0);
  return rows
    .filter((r) => r.costUsd !== 0)
    .map((r) => ({ source: r.billingSource, label: billingSourceLabel(r.billingSource), costUsd: r.costUsd, share: ratio(r.costUsd, total) }))
    .sort((a, b) => b.costUsd - a.costUsd || a.source.localeCompare(b.source));
}

export interface SummaryInput {
  current: PeriodNumbers;
  /** waste is shown for the current period only */
  previous: Omit<PeriodNumbers, 'waste'>;
  models: ModelInput[];
  /** the current period's spend by billing source */
  sources?: ReadonlyArray<{ billingSource: string; costUsd: number }>;
  trend: Array<{ period: Period; costUsd: number; stories: number }>;
}

export function summaryFigures(input: SummaryInput): SummaryFigures {
  const { current: c, previous: p } = input;
  const spendUsd = c.spend.costUsd;
  const previousSpendUsd = p.spend.costUsd;
  const costPerStory = ratio(spendUsd, c.stories.stories);
  const previousCostPerStory = ratio(previousSpendUsd, p.stories.stories);
  // points: only when stories carry points
  const costPerPoint = c.stories.points > 0 ? ratio(spendUsd, c.stories.points) : null;
  const previousCostPerPoint = p.stories.points > 0 ? ratio(previousSpendUsd, p.stories.points) : null;
  const trend = trendPoints(input.trend);
  return {
    spendUsd,
    previousSpendUsd,
    spendChange: changeRatio(spendUsd, previousSpendUsd),
    stories: c.stories.stories,
    previousStories: p.stories.stories,
    storiesChange: changeRatio(c.stories.stories, p.stories.stories),
    points: c.stories.points,
    previousPoints: p.stories.points,
    unpointed: c.stories.unpointed,
    costPerStory,
    previousCostPerStory,
    costPerStoryChange:
      costPerStory !== null && previousCostPerStory !== null ? changeRatio(costPerStory, previousCostPerStory) : null,
    costPerPoint,
    previousCostPerPoint,
    aiAssisted: c.stories.aiAssisted,
    aiAssistedShare: ratio(c.stories.aiAssisted, c.stories.stories),
    waste: { ...c.waste, share: ratio(c.waste.totalCostUsd, spendUsd) },
    fit: modelFit([c.spend]),
    top: topModels(input.models),
    sources: sourceShares(input.sources ?? []),
    trend,
    sparkline: sparkline(trend.map((t) => t.costPerStory)),
    tokens: c.spend.inputTokens + c.spend.outputTokens + c.spend.cacheReadTokens + c.spend.cacheWriteTokens,
    requests: c.spend.requests,
    empty:
      spendUsd === 0 &&
      previousSpendUsd === 0 &&
      c.spend.requests === 0 &&
      p.spend.requests === 0 &&
      c.stories.stories === 0 &&
      p.stories.stories === 0,
  };
}

export interface SessionsInput {
  sessions: number;
  costUsd: number;
  commits: number;
  active: number;
}

export interface MeInput {
  spend: Pick<SpendInput, 'costUsd' | 'requests'>;
  previousSpend: Pick<SpendInput, 'costUsd' | 'requests'>;
  stories: StoriesInput;
  previousStories: StoriesInput;
  sessions: SessionsInput;
  waste: WasteInput;
  models: ModelInput[];
  openAlerts: number;
}

export interface MeFigures {
  spendUsd: number;
  previousSpendUsd: number;
  spendChange: number | null;
  sessions: number;
  activeSessions: number;
  sessionCostUsd: number;
  commits: number;
  costPerCommit: number | null;
  stories: number;
  points: number;
  aiAssisted: number;
  costPerStory: number | null;
  previousCostPerStory: number | null;
  costPerStoryChange: number | null;
  wasteUsd: number;
  noCommitSessions: number;
  loopSessions: number;
  top: TopModels;
  openAlerts: number;
  empty: boolean;
}

export function meFigures(input: MeInput): MeFigures {
  const costPerStory = ratio(input.spend.costUsd, input.stories.stories);
  const previousCostPerStory = ratio(input.previousSpend.costUsd, input.previousStories.stories);
  return {
    spendUsd: input.spend.costUsd,
    previousSpendUsd: input.previousSpend.costUsd,
    spendChange: changeRatio(input.spend.costUsd, input.previousSpend.costUsd),
    sessions: input.sessions.sessions,
    activeSessions: input.sessions.active,
    sessionCostUsd: input.sessions.costUsd,
    commits: input.sessions.commits,
    costPerCommit: ratio(input.sessions.costUsd, input.sessions.commits),
    stories: input.stories.stories,
    points: input.stories.points,
    aiAssisted: input.stories.aiAssisted,
    costPerStory,
    previousCostPerStory,
    costPerStoryChange:
      costPerStory !== null && previousCostPerStory !== null ? changeRatio(costPerStory, previousCostPerStory) : null,
    wasteUsd: input.waste.totalCostUsd,
    noCommitSessions: input.waste.noCommitSessions,
    loopSessions: input.waste.loopSessions,
    top: topModels(input.models),
    openAlerts: input.openAlerts,
    empty:
      input.spend.costUsd === 0 &&
      input.spend.requests === 0 &&
      input.previousSpend.costUsd === 0 &&
      input.sessions.sessions === 0 &&
      input.stories.stories === 0,
  };
}

/** words of `summary`, in any order: a period and at most one team */
export interface SummaryArgs {
  kind: PeriodKind;
  team?: string;
  /** words that were neither a period nor usable as a team */
  extra: string[];
}

export function parseSummaryArgs(words: string[]): SummaryArgs {
  let kind: PeriodKind | undefined;
  const rest: string[] = [];
  const extra: string[] = [];
  for (const raw of words) {
    const w = raw.toLowerCase();
    const period = PERIOD_ALIASES[w] ?? w;
    if ((PERIOD_KINDS as readonly string[]).includes(period)) {
      if (kind === undefined) kind = period as PeriodKind;
      else extra.push(raw);
      continue;
    }
    const name = w.startsWith('team:') ? raw.slice(5) : raw;
    if (name) rest.push(name);
  }
  const [team, ...others] = rest;
  return { kind: kind ?? 'week', team, extra: [...others, ...extra] };
}

