// Applies counting rules b and c (src/domain/counting.ts, src/domain/reconciliation.ts) to the
// database, per UTC day: 'analytics_gap' rows per (person, billing source) and 'billing_gap' rows per
// (provider, team group), each split over the local days its hours fall on, recomputed from scratch
// each time so running it again changes nothing.
// Runs after every poll for the UTC days it touched, and after every ingest batch for the UTC days
// the batch changed when a bill or an analytics report exists for them, so totals stay
// max(bill, telemetry) between polls too, whatever order bills and telemetry arrive in.
import type { Db } from '../../db/open.js';
import { billingRepo, type BillLineRow } from '../../db/repos/billing-repo.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { usageRepo, type UsageRecord, type UsageRowInput, type UsageTouched, type UsageWriter } from '../../db/repos/usage-repo.js';
import { BILLING, RECONCILED, reconciledProvider } from '../../domain/billing-source.js';
import { ANALYTICS_ADJUSTMENT_MODEL, BILLING_ADJUSTMENT_MODEL, SOURCE } from '../../domain/counting.js';
import {
  DAY_MS,
  HOUR_MS,
  HOURS,
  localDayShares,
  reconcileGroups,
  shortfall,
  spreadOverHours,
  utcDayOf,
  utcDayStart,
  type BillLine,
  type ReconcileGroup,
} from '../../domain/reconciliation.js';
import { localDay } from '../../domain/time.js';

/** billing_buckets.source values */
export const BILL = {
  anthropicUsage: 'anthropic_usage',
  anthropicCost: 'anthropic_cost',
  claudeCodeAnalytics: 'claude_code_analytics',
  openaiUsage: 'openai_usage',
  openaiCosts: 'openai_costs',
} as const;

/** Where a provider's bill comes from, best first: the cost report when it has the day, else the priced usage report. */
export const BILL_SOURCES: Record<string, Array<{ source: string; hourly: boolean }>> = {
  anthropic: [
    { source: BILL.anthropicCost, hourly: false },
    { source: BILL.anthropicUsage, hourly: true },
  ],
  openai: [
    { source: BILL.openaiCosts, hourly: false },
    { source: BILL.openaiUsage, hourly: true },
  ],
};

/** the analytics customer types and the billing source their Claude Code usage has */
const CUSTOMER_SOURCES: Record<string, string> = { api: BILLING.anthropicApi, subscription: BILLING.subscription };
const ANALYTICS_SOURCES = [BILLING.anthropicApi, BILLING.subscription] as const;

export interface ReconcileContext {
  db: Db;
  timezone: string;
  writer: UsageWriter;
}

/** how a bill line's scope is named (the reconcile report shows it) */
export function scopeOf(l: Pick<BillLineRow, 'workspace_id' | 'project' | 'api_key_id'>): string {
  if (l.workspace_id) return `workspace ${l.workspace_id}`;
  if (l.project) return `project ${l.project}`;
  if (l.api_key_id) return `key ${l.api_key_id}`;
  return 'default';
}

export interface DayBill {
  /** billing_buckets.source the day's bill was read from */
  source: string;
  lines: BillLine[];
  /** the bill's hours by team (0 = unmapped), from the usage report where it has them; empty otherwise */
  hours: Map<number, number[]>;
}

function hoursByTeam(rows: BillLineRow[], dayStart: number): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of rows) {
    let hours = out.get(r.team);
    if (!hours) {
      hours = new Array<number>(HOURS).fill(0);
      out.set(r.team, hours);
    }
    hours[Math.floor((r.bucket_start - dayStart) / HOUR_MS)]! += r.cost_usd;
  }
  return out;
}

/** The bill of a provider's UTC day, undefined when no report covers the day yet. */
export function billOfDay(db: Db, provider: string, utcDay: string): DayBill | undefined {
  const from = utcDayStart(utcDay);
  const to = from + DAY_MS;
  const bills = billingRepo(db);
  const sources = BILL_SOURCES[provider] ?? [];
  const hourlySource = sources.find((s) => s.hourly);
  const hourlyRows = hourlySource ? bills.lines(hourlySource.source, from, to) : [];
  for (const { source, hourly } of sources) {
    const rows = hourly ? hourlyRows : bills.lines(source, from, to);
    if (rows.length === 0) continue;
    return {
      source,
      lines: rows.map((r) => ({ team: r.team, scope: scopeOf(r), costUsd: r.cost_usd })),
      hours: hoursByTeam(hourlyRows, from),
    };
  }
  return undefined;
}

export function hasBillForDay(db: Db, provider: string, utcDay: string): boolean {
  const from = utcDayStart(utcDay);
  return (BILL_SOURCES[provider] ?? []).some(({ source }) => billingRepo(db).hasAny(source, from, from + DAY_MS));
}

function adjustmentRow(
  base: Pick<UsageRowInput, 'idemKey' | 'source' | 'provider' | 'model' | 'billingSource' | 'billDay' | 'day' | 'ts' | 'teamId' | 'personId'>,
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

function sameRow(old: UsageRecord | undefined, row: UsageRowInput): boolean {
  return (
    old !== undefined &&
    old.counted === 1 &&
    Math.abs(old.cost_usd - row.costUsd) <= 1e-12 &&
    old.day === row.day &&
    old.ts === row.ts &&
    (old.team_id ?? null) === (row.teamId ?? null)
  );
}

/** writes the rows in `want` and removes the old adjustment rows of the same kind that are not in it */
function replaceAdjustments(ctx: ReconcileContext, want: UsageRowInput[], old: UsageRecord[]): void {
  const usage = usageRepo(ctx.db);
  const keep = new Set<string>();
  for (const row of want) {
    keep.add(row.idemKey);
    if (!sameRow(usage.byIdemKey(row.idemKey), row)) ctx.writer.replace(row);
  }
  for (const o of old) if (!keep.has(o.idem_key)) ctx.writer.remove(o.idem_key);
}

function sumHours(hours: Map<number, number[]>, teams: readonly number[]): number[] {
  const out = new Array<number>(HOURS).fill(0);
  for (const t of teams) {
    const h = hours.get(t);
    if (h) for (let i = 0; i < HOURS; i++) out[i]! += h[i]!;
  }
  return out;
}

/** The day's groups as the reconciler sees them (also what `/aispend admin reconcile` reports). */
export function groupsOfDay(db: Db, provider: string, utcDay: string): { bill: DayBill | undefined; groups: ReconcileGroup[]; observedHours: Map<number, number[]> } {
  const source = RECONCILED[provider]!;
  const from = utcDayStart(utcDay);
  const observedHours = usageRepo(db).observedHours(source, from, from + DAY_MS);
  const bill = billOfDay(db, provider, utcDay);
  if (!bill) return { bill, groups: [], observedHours };
  const observed = new Map<number, number>();
  for (const [team, hours] of observedHours) observed.set(team, hours.reduce((s, v) => s + v, 0));
  return { bill, groups: reconcileGroups(bill.lines, observed), observedHours };
}

/** Rule b for one provider and UTC day. Call after the writer has flushed the day's usage. */
export function reconcileBillingDay(ctx: ReconcileContext, provider: string, utcDay: string): void {
  const source = RECONCILED[provider];
  if (!source) return;
  const { bill, groups, observedHours } = groupsOfDay(ctx.db, provider, utcDay);
  const want: UsageRowInput[] = [];
  for (const g of groups) {
    if (g.gapUsd <= 0) continue;
    // the bill's hours in the bill's own dollars: a cost report's day spread like its usage report
    const raw = bill!.hours.get(g.team) ?? [];
    const rawTotal = raw.reduce((s, v) => s + v, 0);
    const billHours = rawTotal > 0 ? raw.map((v) => (v * g.billedUsd) / rawTotal) : [];
    const hours = spreadOverHours(g.gapUsd, billHours, sumHours(observedHours, g.observedTeams));
    for (const share of localDayShares(utcDay, hours, ctx.timezone)) {
      want.push(
        adjustmentRow(
          {
            idemKey: `${SOURCE.billingGap}:${provider}:${utcDay}:${g.team}:${share.day}`,
            source: SOURCE.billingGap,
            provider,
            model: BILLING_ADJUSTMENT_MODEL,
            billingSource: source,
            billDay: utcDay,
            day: share.day,
            ts: share.ts,
            teamId: g.team === 0 ? null : g.team,
            personId: null,
          },
          share.amount,
        ),
      );
    }
  }
  replaceAdjustments(ctx, want, usageRepo(ctx.db).adjustmentRows(utcDay, SOURCE.billingGap, source));
}

/** the analytics estimate of a UTC day by person and billing source, with the team its record had */
function analyticsOfDay(db: Db, utcDay: string): Map<number, { team: number; bySource: Map<string, number>; types: Set<string> }> {
  const out = new Map<number, { team: number; bySource: Map<string, number>; types: Set<string> }>();
  for (const r of billingRepo(db).analyticsOfDay(utcDayStart(utcDay))) {
    let p = out.get(r.person_id);
    if (!p) {
      p = { team: r.team, bySource: new Map(), types: new Set() };
      out.set(r.person_id, p);
    }
    if (r.team !== 0) p.team = r.team;
    const source = CUSTOMER_SOURCES[r.customer_type] ?? BILLING.anthropicApi;
    p.types.add(source);
    p.bySource.set(source, (p.bySource.get(source) ?? 0) + r.cost);
  }
  return out;
}

function analyticsRows(ctx: ReconcileContext, utcDay: string, personId: number, team: number, estimates: Map<string, number>): UsageRowInput[] {
  const usage = usageRepo(ctx.db);
  const rows: UsageRowInput[] = [];
  for (const source of ANALYTICS_SOURCES) {
    const gap = shortfall(estimates.get(source) ?? 0, usage.telemetryCostForPerson(source, personId, utcDay));
    if (gap === 0) continue;
    // the Analytics API gives no hours: its unexplained part is spread evenly over the UTC day
    const even = new Array<number>(HOURS).fill(gap / HOURS);
    for (const share of localDayShares(utcDay, even, ctx.timezone)) {
      rows.push(
        adjustmentRow(
          {
            idemKey: `${SOURCE.analyticsGap}:${utcDay}:${personId}:${source}:${share.day}`,
            source: SOURCE.analyticsGap,
            provider: 'anthropic',
            model: ANALYTICS_ADJUSTMENT_MODEL,
            billingSource: source,
            billDay: utcDay,
            day: share.day,
            ts: share.ts,
            teamId: team === 0 ? null : team,
            personId,
          },
          share.amount,
        ),
      );
    }
  }
  return rows;
}

function oldAnalyticsRows(db: Db, utcDay: string, personId?: number): UsageRecord[] {
  const usage = usageRepo(db);
  const rows = ANALYTICS_SOURCES.flatMap((s) => usage.adjustmentRows(utcDay, SOURCE.analyticsGap, s));
  return personId === undefined ? rows : rows.filter((r) => r.person_id === personId);
}

/**
 * The Analytics API says whether a person's day was API or subscription usage. Telemetry that
 * arrived before it knew is relabelled (one pass over the day's telemetry), and the person's plan is
 * remembered for telemetry to come, unless an admin set it.
 */
function applyCustomerTypes(ctx: ReconcileContext, utcDay: string, analytics: ReturnType<typeof analyticsOfDay>): void {
  const org = orgRepo(ctx.db);
  const usage = usageRepo(ctx.db);
  const target = new Map<number, string>();
  for (const [personId, a] of analytics) {
    if (a.types.size !== 1) continue;
    const source = [...a.types][0]!;
    const person = org.personById(personId);
    if (!person || person.claude_plan_source === 'admin') continue;
    const other = source === BILLING.subscription ? BILLING.anthropicApi : BILLING.subscription;
    // only a day that has telemetry under the other label needs a pass over its rows
    if (usage.telemetryCostForPerson(other, personId, utcDay) !== 0) target.set(personId, source);
    // the latest day the Analytics API reported decides the plan of telemetry still to come
    const plan = source === BILLING.subscription ? 'subscription' : 'api';
    if (utcDay >= (person.claude_plan_day ?? '') && (person.claude_plan !== plan || utcDay !== person.claude_plan_day)) {
      org.setClaudePlan(personId, plan, 'analytics', utcDay);
    }
  }
  if (target.size === 0) return;
  const from = utcDayStart(utcDay);
  const rows = usage.telemetryOfUtcDay(from, from + DAY_MS, localDay(from, ctx.timezone), localDay(from + DAY_MS - 1, ctx.timezone), [...target.keys()]);
  for (const row of rows) {
    const want = target.get(row.person_id!)!;
    if (row.billing_source !== want) ctx.writer.replace(relabelled(row, want));
  }
}

/** a stored row as writer input with another billing source */
export function relabelled(r: UsageRecord, billingSource: string): UsageRowInput {
  return { ...recordToInput(r), billingSource };
}

export function recordToInput(r: UsageRecord): UsageRowInput {
  return {
    idemKey: r.idem_key,
    source: r.source,
    ts: r.ts,
    day: r.day,
    provider: r.provider,
    model: r.model ?? '',
    billingSource: r.billing_source,
    billDay: r.bill_day,
    spanStart: r.span_start,
    personId: r.person_id,
    teamId: r.team_id,
    sessionId: r.session_id,
    project: r.project,
    workspaceId: r.workspace_id,
    apiKeyId: r.api_key_id,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    requests: r.requests,
    costUsd: r.cost_usd,
    costSource: r.cost_source,
    counted: r.counted === 1,
    fitAltCostUsd: r.fit_alt_cost_usd,
  };
}

/** Rule c for every person on one UTC day (customer types applied first). */
export function reconcileAnalyticsDay(ctx: ReconcileContext, utcDay: string): void {
  const analytics = analyticsOfDay(ctx.db, utcDay);
  applyCustomerTypes(ctx, utcDay, analytics);
  ctx.writer.flush();
  const want: UsageRowInput[] = [];
  for (const [personId, a] of analytics) want.push(...analyticsRows(ctx, utcDay, personId, a.team, a.bySource));
  replaceAdjustments(ctx, want, oldAnalyticsRows(ctx.db, utcDay));
}

/** Rule c for one person and UTC day (after telemetry for them arrived). */
export function reconcileAnalyticsPersonDay(ctx: ReconcileContext, personId: number, utcDay: string): void {
  const a = analyticsOfDay(ctx.db, utcDay).get(personId);
  const want = a ? analyticsRows(ctx, utcDay, personId, a.team, a.bySource) : [];
  replaceAdjustments(ctx, want, oldAnalyticsRows(ctx.db, utcDay, personId));
}

/**
 * After an ingest batch (inside its transaction): recompute the adjustments of the UTC days it
 * changed that have a bill or an analytics report. Cheap when there are none.
 */
export function reconcileTouched(ctx: ReconcileContext, touched: UsageTouched): void {
  ctx.writer.flush();
  const analyticsDays = new Map<string, boolean>();
  const billDays = new Set<string>();
  for (const key of touched.billDays) billDays.add(key);
  for (const pd of touched.telemetryPersonDays) {
    const [person, day] = pd.split('\u0000') as [string, string];
    let has = analyticsDays.get(day);
    if (has === undefined) {
      const start = utcDayStart(day);
      has = billingRepo(ctx.db).hasAny(BILL.claudeCodeAnalytics, start, start + DAY_MS);
      analyticsDays.set(day, has);
    }
    if (!has) continue;
    reconcileAnalyticsPersonDay(ctx, Number(person), day);
    billDays.add(`${BILLING.anthropicApi}\u0000${day}`);
  }
  ctx.writer.flush();
  for (const key of billDays) {
    const [source, day] = key.split('\u0000') as [string, string];
    const provider = reconciledProvider(source);
    if (provider && hasBillForDay(ctx.db, provider, day)) reconcileBillingDay(ctx, provider, day);
  }
  ctx.writer.flush();
}

/** After a poll: analytics first (its gaps are observed usage for the bill), then bills. Days are UTC days. */
export function reconcileDays(ctx: ReconcileContext, providerDays: Iterable<[provider: string, utcDay: string]>): void {
  const list = [...providerDays];
  for (const [provider, day] of list) if (provider === 'anthropic') reconcileAnalyticsDay(ctx, day);
  ctx.writer.flush();
  for (const [provider, day] of list) reconcileBillingDay(ctx, provider, day);
  ctx.writer.flush();
}

/** set by a migration that changed the counting rule: every billed day is reconciled again at start */
const RECONCILE_ALL = 'reconcile_all';

/** Reconciles every billed day again when a migration asked for it; returns how many days (0: not asked). */
export function reconcileAfterUpgrade(deps: { db: Db; config: { timezone: string } }): number {
  const org = orgRepo(deps.db);
  if (org.setting(RECONCILE_ALL) !== '1') return 0;
  const writer = usageRepo(deps.db).writer();
  return deps.db.transaction(() => {
    const n = reconcileEverything({ db: deps.db, timezone: deps.config.timezone, writer });
    org.setSetting(RECONCILE_ALL, '0');
    return n;
  })();
}

/** Every UTC day any bill or analytics report covers (after an upgrade that changed the rule). */
export function reconcileEverything(ctx: ReconcileContext): number {
  const days = new Map<string, [string, string]>();
  for (const [provider, sources] of Object.entries(BILL_SOURCES)) {
    for (const { source } of sources) {
      for (const start of billingRepo(ctx.db).daysOf(source)) {
        const d = utcDayOf(start);
        days.set(`${provider}\u0000${d}`, [provider, d]);
      }
    }
  }
  for (const start of billingRepo(ctx.db).daysOf(BILL.claudeCodeAnalytics)) {
    const d = utcDayOf(start);
    days.set(`anthropic\u0000${d}`, ['anthropic', d]);
  }
  reconcileDays(ctx, days.values());
  return days.size;
}

export interface ReconcileReportDay {
  utcDay: string;
  /** billing_buckets.source the bill was read from; undefined: no bill for the day yet */
  billSource?: string;
  groups: ReconcileGroup[];
  /** telemetry of the day when there is no bill (counted as seen) */
  unbilledUsd: number;
}

/** What `/aispend admin reconcile` shows for a provider over some UTC days: the reconciler's own groups. */
export function reconcileReport(db: Db, provider: string, utcDays: readonly string[]): ReconcileReportDay[] {
  return utcDays.map((utcDay) => {
    const { bill, groups, observedHours } = groupsOfDay(db, provider, utcDay);
    let unbilledUsd = 0;
    if (!bill) for (const hours of observedHours.values()) unbilledUsd += hours.reduce((s, v) => s + v, 0);
    return { utcDay, billSource: bill?.source, groups, unbilledUsd };
  });
}
