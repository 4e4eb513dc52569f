// The weekly digest's numbers: a pure function of plain data gathered by the digest job.
// Every ratio goes through ratio()/changeRatio(): "no stories" is null and is said in words, never NaN.
import type { ModelSpend, SourceSpend, SpendTotals, StoriesDone, Waste } from '../db/repos/metrics-repo.js';
import type { QualityFigures } from '../quality/index.js';
import { billingSourceLabel } from '../domain/billing-source.js';
import { changeRatio, ratio } from '../domain/ratios.js';
import { addDays, daysBetween, lastCompleteWeek, shiftWeeks, type Period } from '../domain/time.js';

export const TREND_WEEKS = 8;
/** top models listed by name; the rest are summed as "others" */
export const TOP_MODELS = 5;

export type DigestScope = { kind: 'team'; teamId: number; name: string } | { kind: 'org'; name: string };

export interface WeekNumbers {
  from: string;
  to: string;
  spendUsd: number;
  stories: number;
  points: number;
}

export interface DigestModelInput extends ModelSpend {
  /** the provider's cheaper model that model-fit calls were priced on (pricing.ts), when known */
  cheaperModel?: string | null;
}

export interface MonthInput {
  /** YYYY-MM */
  key: string;
  /** first day of the month and the day after its last (exclusive) */
  from: string;
  to: string;
  /** counted spend from the first of the month up to now */
  spentUsd: number;
  /** by the one forecast rule (src/domain/forecast.ts); null: too early to forecast */
  forecastUsd: number | null;
  elapsedMs: number;
  monthMs: number;
  /** teams.monthly_budget_usd (org: the sum over teams that have one); null when none is set */
  baseBudgetUsd: number | null;
  /** budget_increases for the month */
  increasesUsd: number;
  /** org only: how many teams have a budget, of how many */
  budgetedTeams?: number;
  teams?: number;
}

export interface TeamRowInput {
  /** 0 = unattributed */
  teamId: number;
  name: string;
  spendUsd: number;
  stories: number;
}

export interface DigestInput {
  scope: DigestScope;
  timezone: string;
  /** the reported week; also the last entry of `weeks` */
  week: Period;
  /** TREND_WEEKS weeks, oldest first, ending with the reported week */
  weeks: WeekNumbers[];
  /** spend, tokens and model-fit totals of the reported week */
  spend: SpendTotals;
  models: DigestModelInput[];
  /** the week's spend by billing source */
  sources: SourceSpend[];
  stories: StoriesDone;
  waste: Waste;
  /** whether any delivery data (stories or commits) was ever linked to the scope */
  hasDelivery: boolean;
  /** first local day with recorded spend within the trend window (null: none) — detects a first, partial week */
  firstSpendDay: string | null;
  month: MonthInput;
  /** org only: spend and stories per team, unattributed as teamId 0 */
  teams?: TeamRowInput[];
  /** how the week's work held up (src/quality): reverts, reopens, CI, reviews, tests, rework */
  quality?: QualityFigures;
}

export interface TrendPoint {
  from: string;
  to: string;
  spendUsd: number;
  stories: number;
  points: number;
  costPerStory: number | null;
  costPerPoint: number | null;
}

export interface ModelLine {
  provider: string;
  model: string;
  usd: number;
  share: number | null;
  requests: number;
}

export interface FitLine {
  provider: string;
  model: string;
  cheaperModel: string | null;
  requests: number;
  costUsd: number;
  altCostUsd: number;
  savingsUsd: number;
}

export type BudgetStatus = 'none' | 'ok' | 'forecast_over' | 'over';

export interface DigestFigures {
  scope: DigestScope;
  timezone: string;
  week: { from: string; to: string; lastDay: string; startMs: number; endMs: number; hours: number };
  /** nothing to report: no spend, no delivered stories, no waste */
  empty: boolean;
  /** the week in which data began, part-way through: figures cover only some days */
  partial: { firstDay: string; days: number } | null;
  spend: { usd: number; previousUsd: number; change: number | null };
  tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number; requests: number };
  providers: Array<{ provider: string; usd: number; share: number | null }>;
  /** spend by who bills it; subscription figures are API list-price equivalents */
  sources: Array<{ source: string; label: string; usd: number; share: number | null }>;
  topModels: ModelLine[];
  otherModels: { count: number; usd: number; share: number | null } | null;
  delivery: {
    connected: boolean;
    stories: number;
    points: number;
    unpointed: number;
    aiAssisted: number;
    aiShare: number | null;
    costPerStory: number | null;
    costPerPoint: number | null;
  };
  trend: TrendPoint[];
  /** pooled cost per story of the weeks before the reported one (spend / stories), and the change from it */
  priorCostPerStory: number | null;
  costPerStoryChange: number | null;
  waste: {
    noCommitSessions: number;
    noCommitUsd: number;
    loopSessions: number;
    loopUsd: number;
    totalUsd: number;
    share: number | null;
  };
  modelFit: { requests: number; costUsd: number; altCostUsd: number; savingsUsd: number; items: FitLine[] };
  budget: {
    month: string;
    spentUsd: number;
    budgetUsd: number | null;
    baseBudgetUsd: number | null;
    increasesUsd: number;
    usedShare: number | null;
    /** null when there is too little of the month to forecast */
    forecastUsd: number | null;
    forecastShare: number | null;
    status: BudgetStatus;
    elapsedDays: number;
    monthDays: number;
    budgetedTeams?: number;
    teams?: number;
  };
  /** the week's delivery quality, when any signal was recorded (src/quality) */
  quality: QualityFigures | null;
  /** org only: teams by spend (largest first), unattributed apart */
  teams?: Array<{ teamId: number; name: string; spendUsd: number; stories: number; costPerStory: number | null; share: number | null }>;
  unattributed?: { spendUsd: number; share: number | null };
}

/** the reported week and the TREND_WEEKS weeks ending with it, oldest first (local weeks, DST-safe) */
export function digestWeeks(now: number, tz: string): { week: Period; weeks: Period[] } {
  const week = lastCompleteWeek(now, tz);
  const weeks: Period[] = [];
  for (let i = TREND_WEEKS - 1; i >= 0; i--) weeks.push(shiftWeeks(week, -i, tz));
  return { week, weeks };
}

/** the digest is due at the schedule's first run after the week ended; before that the job waits */
export function isDigestDue(now: number, dueAt: number): boolean {
  return now >= dueAt;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function computeDigest(input: DigestInput): DigestFigures {
  const { week, spend, stories, waste, month } = input;
  const weeks = input.weeks.length > 0 ? input.weeks : [{ from: week.from, to: week.to, spendUsd: spend.costUsd, stories: stories.stories, points: stories.points }];
  const previous = weeks.length > 1 ? weeks[weeks.length - 2]! : undefined;
  const spendUsd = spend.costUsd;
  const previousUsd = previous?.spendUsd ?? 0;

  const trend: TrendPoint[] = weeks.map((w) => ({
    from: w.from,
    to: w.to,
    spendUsd: w.spendUsd,
    stories: w.stories,
    points: w.points,
    costPerStory: ratio(w.spendUsd, w.stories),
    costPerPoint: ratio(w.spendUsd, w.points),
  }));
  const prior = weeks.slice(0, -1);
  const priorSpend = prior.reduce((s, w) => s + w.spendUsd, 0);
  const priorStories = prior.reduce((s, w) => s + w.stories, 0);
  const priorCostPerStory = ratio(priorSpend, priorStories);
  const costPerStory = ratio(spendUsd, stories.stories);

  // providers and models, largest first
  const models = [...input.models].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model));
  const byProvider = new Map<string, number>();
  for (const m of models) byProvider.set(m.provider, (byProvider.get(m.provider) ?? 0) + m.costUsd);
  const providers = [...byProvider.entries()]
    .map(([provider, usd]) => ({ provider, usd, share: ratio(usd, spendUsd) }))
    .sort((a, b) => b.usd - a.usd || a.provider.localeCompare(b.provider));
  const sources = input.sources
    .filter((s) => s.costUsd !== 0)
    .map((s) => ({ source: s.billingSource, label: billingSourceLabel(s.billingSource), usd: s.costUsd, share: ratio(s.costUsd, spendUsd) }))
    .sort((a, b) => b.usd - a.usd || a.source.localeCompare(b.source));
  const shown = models.filter((m) => m.costUsd > 0 || m.requests > 0);
  const top = shown.slice(0, TOP_MODELS);
  const rest = shown.slice(TOP_MODELS);
  const restUsd = rest.reduce((s, m) => s + m.costUsd, 0);

  const fitItems: FitLine[] = models
    .filter((m) => m.fitRequests > 0)
    .map((m) => ({
      provider: m.provider,
      model: m.model,
      cheaperModel: m.cheaperModel ?? null,
      requests: m.fitRequests,
      costUsd: m.fitCostUsd,
      altCostUsd: m.fitAltCostUsd,
      savingsUsd: round6(Math.max(0, m.fitCostUsd - m.fitAltCostUsd)),
    }))
    .sort((a, b) => b.savingsUsd - a.savingsUsd || a.model.localeCompare(b.model));
  const fitCost = spend.fitCostUsd;
  const fitAlt = spend.fitAltCostUsd;

  // budget: base + the month's approved increases; forecast only once enough of the month has passed
  const hasBudget = month.baseBudgetUsd !== null || month.increasesUsd > 0;
  const budgetUsd = hasBudget ? (month.baseBudgetUsd ?? 0) + month.increasesUsd : null;
  const forecastUsd = month.forecastUsd;
  const usedShare = budgetUsd !== null ? ratio(month.spentUsd, budgetUsd) : null;
  const forecastShare = budgetUsd !== null && forecastUsd !== null ? ratio(forecastUsd, budgetUsd) : null;
  let status: BudgetStatus = 'none';
  if (budgetUsd !== null) {
    if (month.spentUsd > budgetUsd) status = 'over';
    else if (forecastUsd !== null && forecastUsd > budgetUsd) status = 'forecast_over';
    else status = 'ok';
  }

  const partial =
    input.firstSpendDay !== null && input.firstSpendDay > week.from && input.firstSpendDay < week.to
      ? { firstDay: input.firstSpendDay, days: daysBetween(input.firstSpendDay, week.to) }
      : null;

  const figures: DigestFigures = {
    scope: input.scope,
    timezone: input.timezone,
    week: {
      from: week.from,
      to: week.to,
      lastDay: addDays(week.to, -1),
      startMs: week.startMs,
      endMs: week.endMs,
      hours: Math.round((week.endMs - week.startMs) / 3_600_000),
    },
    empty: spendUsd <= 0 && stories.stories === 0 && waste.totalCostUsd <= 0,
    partial,
    spend: { usd: spendUsd, previousUsd, change: changeRatio(spendUsd, previousUsd) },
    tokens: {
      input: spend.inputTokens,
      output: spend.outputTokens,
      cacheRead: spend.cacheReadTokens,
      cacheWrite: spend.cacheWriteTokens,
      total: spend.inputTokens + spend.outputTokens + spend.cacheReadTokens + spend.cacheWriteTokens,
      requests: spend.requests,
    },
    providers,
    sources,
    topModels: top.map((m) => ({ provider: m.provider, model: m.model, usd: m.costUsd, share: ratio(m.costUsd, spendUsd), requests: m.requests })),
    otherModels: rest.length > 0 ? { count: rest.length, usd: restUsd, share: ratio(restUsd, spendUsd) } : null,
    delivery: {
      connected: input.hasDelivery,
      stories: stories.stories,
      points: stories.points,
      unpointed: stories.unpointed,
      aiAssisted: stories.aiAssisted,
      aiShare: ratio(stories.aiAssisted, stories.stories),
      costPerStory,
      costPerPoint: ratio(spendUsd, stories.points),
    },
    trend,
    priorCostPerStory,
    costPerStoryChange: costPerStory !== null && priorCostPerStory !== null ? changeRatio(costPerStory, priorCostPerStory) : null,
    waste: {
      noCommitSessions: waste.noCommitSessions,
      noCommitUsd: waste.noCommitCostUsd,
      loopSessions: waste.loopSessions,
      loopUsd: waste.loopCostUsd,
      totalUsd: waste.totalCostUsd,
      share: ratio(waste.totalCostUsd, spendUsd),
    },
    modelFit: {
      requests: spend.fitRequests,
      costUsd: fitCost,
      altCostUsd: fitAlt,
      savingsUsd: round6(Math.max(0, fitCost - fitAlt)),
      items: fitItems,
    },
    budget: {
      month: month.key,
      spentUsd: month.spentUsd,
      budgetUsd,
      baseBudgetUsd: month.baseBudgetUsd,
      increasesUsd: month.increasesUsd,
      usedShare,
      forecastUsd,
      forecastShare,
      status,
      elapsedDays: month.elapsedMs / 86_400_000,
      monthDays: daysBetween(month.from, month.to),
      ...(month.budgetedTeams !== undefined ? { budgetedTeams: month.budgetedTeams, teams: month.teams } : {}),
    },
    quality: input.quality?.hasData ? input.quality : null,
  };

  if (input.scope.kind === 'org') {
    const rows = input.teams ?? [];
    const unattributedUsd = rows.filter((r) => r.teamId === 0).reduce((s, r) => s + r.spendUsd, 0);
    figures.teams = rows
      .filter((r) => r.teamId !== 0)
      .map((r) => ({ ...r, costPerStory: ratio(r.spendUsd, r.stories), share: ratio(r.spendUsd, spendUsd) }))
      .sort((a, b) => b.spendUsd - a.spendUsd || a.name.localeCompare(b.name));
    figures.unattributed = { spendUsd: unattributedUsd, share: ratio(unattributedUsd, spendUsd) };
  }
  return figures;
}
