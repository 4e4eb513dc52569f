// The figures budgets show: a team's month (budget, increases, spend, forecast, pending requests),
// and the delivery context approvers see on a request (stories, cost per story trend, waste).
import type { Deps } from '../deps.js';
import { budgetRepo, type BudgetIncrease, type BudgetRequest } from '../db/repos/budget-repo.js';
import { metricsRepo, type Scope, type Waste } from '../db/repos/metrics-repo.js';
import type { Team } from '../db/repos/org-repo.js';
import { budgetUsed, effectiveBudget, shiftMonth } from './budget-policy.js';
import { forecastMonth, forecastWindowStart } from '../domain/forecast.js';
import { changeRatio, ratio } from '../domain/ratios.js';
import { addDays, dayStartInstant, localDay, monthKey, monthPeriod, type Period } from '../domain/time.js';

export interface BudgetStatus {
  team: Team;
  month: string;
  period: Period;
  baseUsd: number | null;
  increases: BudgetIncrease[];
  increasesUsd: number;
  /** base + increases; null: no budget */
  budgetUsd: number | null;
  spentUsd: number;
  /** spent / budget; null without a budget */
  used: number | null;
  /** null: too early to forecast (src/domain/forecast.ts) */
  forecastUsd: number | null;
  pending: BudgetRequest[];
}

/** Month-to-date figures of a team's budget for the month containing `now` (or `month`). */
export function budgetStatus(deps: Pick<Deps, 'db' | 'config'>, team: Team, now: number, month?: string): BudgetStatus {
  const tz = deps.config.timezone;
  const m = month ?? monthKey(now, tz);
  const period = monthPeriod(m, tz);
  const repo = budgetRepo(deps.db);
  const increases = repo.increases(team.id, m);
  const increasesUsd = increases.reduce((sum, i) => sum + i.amount_usd, 0);
  const budgetUsd = effectiveBudget(team.monthly_budget_usd, increasesUsd);
  // month to date: from the 1st up to and including today (the whole month once it is over)
  const today = localDay(now, tz);
  const to = today < period.from ? period.from : today >= period.to ? period.to : addDays(today, 1);
  const spentUsd = metricsRepo(deps.db).spend(team.id, period.from, to).costUsd;
  const forecastUsd = monthForecast(deps, team.id, now, period, spentUsd);
  return {
    team,
    month: m,
    period,
    baseUsd: team.monthly_budget_usd,
    increases,
    increasesUsd,
    budgetUsd,
    spentUsd,
    used: budgetUsed(spentUsd, budgetUsd),
    forecastUsd,
    pending: repo.pendingForTeam(team.id),
  };
}

/**
 * The month's forecast for a team or the org by the one forecast rule: month-to-date spend plus the
 * pace of the trailing week for the rest of the month. Null when it is too early (or the month is over:
 * then the spend is the figure).
 */
export function monthForecast(deps: Pick<Deps, 'db' | 'config'>, scope: Scope, now: number, period: Period, spentMtdUsd: number): number | null {
  if (now >= period.endMs) return spentMtdUsd;
  if (now < period.startMs) return null;
  const tz = deps.config.timezone;
  const metrics = metricsRepo(deps.db);
  const today = localDay(now, tz);
  const from = forecastWindowStart(today, metrics.firstSpendDay(scope), addDays);
  if (from === null) return null;
  const recentUsd = metrics.spend(scope, from, addDays(today, 1)).costUsd;
  return forecastMonth({ spentMtdUsd, recentUsd, recentMs: now - dayStartInstant(from, tz), remainingMs: period.endMs - now });
}

export interface MonthCost {
  month: string;
  spentUsd: number;
  stories: number;
  costPerStory: number | null;
}

export interface RequestContext {
  status: BudgetStatus;
  stories: number;
  points: number;
  costPerStory: number | null;
  /** the three months before this one, oldest first */
  trend: MonthCost[];
  /** this month's cost per story against last month's */
  costPerStoryChange: number | null;
  waste: Waste;
  hasDelivery: boolean;
}

/** What approvers need to decide: spend against budget, delivery, cost per story and its trend, waste. */
export function requestContext(deps: Pick<Deps, 'db' | 'config'>, team: Team, now: number): RequestContext {
  const tz = deps.config.timezone;
  const status = budgetStatus(deps, team, now);
  const metrics = metricsRepo(deps.db);
  const end = Math.min(now, status.period.endMs);
  const done = metrics.storiesDone(team.id, status.period.startMs, end);
  const costPerStory = ratio(status.spentUsd, done.stories);
  const trend: MonthCost[] = [];
  for (let n = 3; n >= 1; n--) {
    const month = shiftMonth(status.month, -n);
    const p = monthPeriod(month, tz);
    const spentUsd = metrics.spend(team.id, p.from, p.to).costUsd;
    const stories = metrics.storiesDone(team.id, p.startMs, p.endMs).stories;
    trend.push({ month, spentUsd, stories, costPerStory: ratio(spentUsd, stories) });
  }
  const last = trend[trend.length - 1]!.costPerStory;
  return {
    status,
    stories: done.stories,
    points: done.points,
    costPerStory,
    trend,
    costPerStoryChange: costPerStory !== null && last !== null ? changeRatio(costPerStory, last) : null,
    waste: metrics.waste(team.id, status.period.startMs, end),
    hasDelivery: metrics.hasDelivery(team.id),
  };
}
