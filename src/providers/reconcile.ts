// Applies the counting rule's adjustments (src/domain/counting.ts, rules b and c) to the database:
// one 'analytics_gap' row per (person, day) and one 'billing_gap' row per (provider, day, team),
// recomputed from scratch each time, so running it again changes nothing.
// Runs after every poll for the days it touched, and after every ingest batch for the days the
// batch changed when a bill or an analytics report exists for them, so totals stay max(bill,
// observed) between polls too.
import type { Db } from '../db/open.js';
import { billingRepo } from '../db/repos/billing-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { usageRepo, type UsageRowInput, type UsageTouched, type UsageWriter } from '../db/repos/usage-repo.js';
import {
  ANALYTICS_ADJUSTMENT_MODEL,
  BILLING_ADJUSTMENT_MODEL,
  DAY_MS,
  HOUR_MS,
  SOURCE,
  allocateGap,
  bucketRangeForDay,
  gapAmount,
} from '../domain/counting.js';
import { addDays, dayStartInstant } from '../domain/time.js';

/** billing_buckets.source values */
export const BILL = {
  anthropicUsage: 'anthropic_usage',
  anthropicCost: 'anthropic_cost',
  claudeCodeAnalytics: 'claude_code_analytics',
  openaiUsage: 'openai_usage',
  openaiCosts: 'openai_costs',
} as const;

/** Where a provider's bill comes from, best first: the cost report when present, else the priced usage report. */
export const BILL_SOURCES: Record<string, Array<{ source: string; widthMs: number }>> = {
  anthropic: [
    { source: BILL.anthropicCost, widthMs: DAY_MS },
    { source: BILL.anthropicUsage, widthMs: HOUR_MS },
  ],
  openai: [
    { source: BILL.openaiCosts, widthMs: DAY_MS },
    { source: BILL.openaiUsage, widthMs: HOUR_MS },
  ],
};

export interface ReconcileContext {
  db: Db;
  timezone: string;
  writer: UsageWriter;
}

// local midnights cost a time-zone solve each; ingest asks for the same few days all the time
const boundsCache = new Map<string, { start: number; end: number }>();

function dayBounds(day: string, tz: string): { start: number; end: number } {
  const key = `${tz}|${day}`;
  let b = boundsCache.get(key);
  if (!b) {
    b = { start: dayStartInstant(day, tz), end: dayStartInstant(addDays(day, 1), tz) };
    if (boundsCache.size > 5_000) boundsCache.clear();
    boundsCache.set(key, b);
  }
  return b;
}

function adjustmentRow(
  base: Pick<UsageRowInput, 'idemKey' | 'source' | 'provider' | 'model' | 'day' | 'ts' | 'teamId' | 'personId'>,
  cost: number,
): UsageRowInput {
  return {
    ...base,
    sessionId: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    requests: 0,
    costUsd: cost,
    costSource: 'reported',
    counted: true,
    fitAltCostUsd: null,
  };
}

/** The bill that counts for a provider's local day, by team (0 = unattributed); empty when no bill. */
export function billedForDay(db: Db, provider: string, day: string, tz: string): Map<number, number> {
  const { start, end } = dayBounds(day, tz);
  const bills = billingRepo(db);
  for (const { source, widthMs } of BILL_SOURCES[provider] ?? []) {
    const r = bucketRangeForDay(start, end, widthMs);
    if (bills.hasAny(source, r.from, r.to)) return bills.billedByTeam(source, r.from, r.to);
  }
  return new Map();
}

export function hasBillForDay(db: Db, provider: string, day: string, tz: string): boolean {
  const { start, end } = dayBounds(day, tz);
  return (BILL_SOURCES[provider] ?? []).some(({ source, widthMs }) => {
    const r = bucketRangeForDay(start, end, widthMs);
    return billingRepo(db).hasAny(source, r.from, r.to);
  });
}

/** Rule b for one provider and local day. Call after the writer has flushed the day's usage. */
export function reconcileBillingDay(ctx: ReconcileContext, provider: string, day: string): void {
  const usage = usageRepo(ctx.db);
  const billed = billedForDay(ctx.db, provider, day, ctx.timezone);
  const gaps = allocateGap(billed, usage.observedByTeam(provider, day));
  const ts = dayBounds(day, ctx.timezone).start;
  const keep = new Set<string>();
  for (const [team, cost] of gaps) {
    const idemKey = `${SOURCE.billingGap}:${provider}:${day}:${team}`;
    keep.add(idemKey);
    const row = adjustmentRow(
      { idemKey, source: SOURCE.billingGap, provider, model: BILLING_ADJUSTMENT_MODEL, day, ts, teamId: team === 0 ? null : team, personId: null },
      cost,
    );
    const old = usage.byIdemKey(idemKey);
    if (!old || Math.abs(old.cost_usd - cost) > 1e-12 || old.counted !== 1) ctx.writer.replace(row);
  }
  for (const old of usage.rowsOfSource(provider, day, SOURCE.billingGap)) {
    if (!keep.has(old.idem_key)) ctx.writer.remove(old.idem_key);
  }
}

function analyticsRange(day: string, tz: string): { from: number; to: number } {
  const { start, end } = dayBounds(day, tz);
  return bucketRangeForDay(start, end, DAY_MS);
}

function writeAnalyticsGap(ctx: ReconcileContext, day: string, personId: number, analytics: number, telemetry: number): string {
  const usage = usageRepo(ctx.db);
  const idemKey = `${SOURCE.analyticsGap}:${day}:${personId}`;
  const gap = gapAmount(analytics, telemetry);
  const old = usage.byIdemKey(idemKey);
  if (gap === 0) {
    if (old) ctx.writer.remove(idemKey);
    return idemKey;
  }
  if (old && Math.abs(old.cost_usd - gap) <= 1e-12) return idemKey;
  // the person's current team: an adjustment is recomputed whole, so it follows the latest attribution
  const teamId = orgRepo(ctx.db).personById(personId)?.team_id ?? null;
  ctx.writer.replace(
    adjustmentRow(
      {
        idemKey,
        source: SOURCE.analyticsGap,
        provider: 'anthropic',
        model: ANALYTICS_ADJUSTMENT_MODEL,
        day,
        ts: dayBounds(day, ctx.timezone).start,
        teamId,
        personId,
      },
      gap,
    ),
  );
  return idemKey;
}

/** Rule c for every person on one local day. */
export function reconcileAnalyticsDay(ctx: ReconcileContext, day: string): void {
  const r = analyticsRange(day, ctx.timezone);
  const analytics = billingRepo(ctx.db).costByPerson(BILL.claudeCodeAnalytics, r.from, r.to);
  const telemetry = usageRepo(ctx.db).telemetryCostByPerson(day);
  const keep = new Set<string>();
  for (const [person, a] of analytics) keep.add(writeAnalyticsGap(ctx, day, person, a, telemetry.get(person) ?? 0));
  for (const old of usageRepo(ctx.db).rowsOfSource('anthropic', day, SOURCE.analyticsGap)) {
    if (!keep.has(old.idem_key)) ctx.writer.remove(old.idem_key);
  }
}

/** Rule c for one person and day (after telemetry for them arrived). */
export function reconcileAnalyticsPersonDay(ctx: ReconcileContext, personId: number, day: string): void {
  const r = analyticsRange(day, ctx.timezone);
  if (!billingRepo(ctx.db).hasAny(BILL.claudeCodeAnalytics, r.from, r.to)) return;
  const analytics = billingRepo(ctx.db).costByPerson(BILL.claudeCodeAnalytics, r.from, r.to).get(personId) ?? 0;
  writeAnalyticsGap(ctx, day, personId, analytics, usageRepo(ctx.db).telemetryCostForPerson(personId, day));
}

/**
 * After an ingest batch (inside its transaction, writer already flushed): recompute the adjustments of
 * the days it changed that have a bill or an analytics report. Cheap when there are none.
 */
export function reconcileTouched(ctx: ReconcileContext, touched: UsageTouched): void {
  const personDays = [...touched.telemetryPersonDays];
  const providerDays = [...touched.providerDays];
  const analyticsDays = new Map<string, boolean>();
  for (const pd of personDays) {
    const [person, day] = pd.split('\u0000') as [string, string];
    let has = analyticsDays.get(day);
    if (has === undefined) {
      const r = analyticsRange(day, ctx.timezone);
      has = billingRepo(ctx.db).hasAny(BILL.claudeCodeAnalytics, r.from, r.to);
      analyticsDays.set(day, has);
    }
    if (has) reconcileAnalyticsPersonDay(ctx, Number(person), day);
  }
  ctx.writer.flush();
  for (const pd of providerDays) {
    const [provider, day] = pd.split('\u0000') as [string, string];
    if (BILL_SOURCES[provider] && hasBillForDay(ctx.db, provider, day, ctx.timezone)) reconcileBillingDay(ctx, provider, day);
  }
  ctx.writer.flush();
}

/** After a poll: analytics first (its gaps are observed usage for the bill), then bills. */
export function reconcileDays(ctx: ReconcileContext, providerDays: Iterable<[provider: string, day: string]>): void {
  const list = [...providerDays];
  for (const [provider, day] of list) if (provider === 'anthropic') reconcileAnalyticsDay(ctx, day);
  ctx.writer.flush();
  for (const [provider, day] of list) reconcileBillingDay(ctx, provider, day);
  ctx.writer.flush();
}
