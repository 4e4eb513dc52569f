// The counting rule: every dollar is counted once, whichever sources report it (docs/readme/usage.md
// "Counting rule"). Pure functions; the repositories and the reconciler apply them.
//
// a. Telemetry, per agent session: Claude Code api_request events and the cost/token metrics
//    describe the same calls. Events win: once a session has an api_request event, its
//    metric-sourced rows are kept with counted = 0. Sessions that only export metrics count metrics.
// b. Bill vs observed, per provider and local day: billed B (Anthropic cost report, else the priced
//    usage report; OpenAI costs, else priced usage) against observed O (counted usage rows of that
//    provider and day, billing adjustments excluded). One 'billing_gap' row per team makes the
//    day's total max(B, O); see allocateGap.
// c. Claude Code Analytics, per person and day: counted = max(analytics estimate, telemetry), via
//    one 'analytics_gap' row for that person.

/** usage_records.source values */
export const SOURCE = {
  otlpMetric: 'otlp_metric',
  otlpEvent: 'otlp_event',
  generic: 'generic',
  billingGap: 'billing_gap',
  analyticsGap: 'analytics_gap',
} as const;
export type UsageSource = (typeof SOURCE)[keyof typeof SOURCE];

/** sources that are Claude Code telemetry (what Analytics estimates are compared with) */
export const TELEMETRY_SOURCES: readonly string[] = [SOURCE.otlpMetric, SOURCE.otlpEvent];

export const BILLING_ADJUSTMENT_MODEL = '(billing adjustment)';
export const ANALYTICS_ADJUSTMENT_MODEL = '(analytics adjustment)';
/** model recorded when a source names none */
export const UNKNOWN_MODEL = '(unknown)';

/** rule a: is a metric-sourced row counted, given whether its session already has api_request events */
export function metricRowCounted(sessionHasEvents: boolean): boolean {
  return !sessionHasEvents;
}

/** rule b and c: the adjustment that brings observed up to billed, never below zero */
export function gapAmount(billed: number, observed: number): number {
  const g = billed - observed;
  return g > 1e-9 ? g : 0;
}

/**
 * Rule b, split by team. Team key 0 = unattributed. For each team t: e_t = max(0, B_t − O_t);
 * G = max(0, B − O); gap_t = e_t × G / Σe. The gaps sum to G, so the day's total is max(B, O); a team
 * whose telemetry already exceeds its bill gets no gap; and when one team's telemetry covers calls
 * the bill put under another key, the shortfalls are scaled down so nothing is counted twice.
 */
export function allocateGap(billed: ReadonlyMap<number, number>, observed: ReadonlyMap<number, number>): Map<number, number> {
  let b = 0;
  let o = 0;
  for (const v of billed.values()) b += v;
  for (const v of observed.values()) o += v;
  const out = new Map<number, number>();
  const g = gapAmount(b, o);
  if (g === 0) return out;
  const excess = new Map<number, number>();
  let sum = 0;
  for (const [team, bt] of billed) {
    const e = gapAmount(bt, observed.get(team) ?? 0);
    if (e > 0) {
      excess.set(team, e);
      sum += e;
    }
  }
  // Σe ≥ G always holds (G = Σ(B_t − O_t) ≤ Σ max(0, B_t − O_t)), so sum > 0 here
  for (const [team, e] of excess) out.set(team, (e * g) / sum);
  return out;
}

// ---------------------------------------------------------------------------------------------
// OTLP cumulative temporality: a point carries the running total since startTimeUnixNano; only the
// increase over the last value seen is new usage.

export interface SeriesState {
  startNs: bigint;
  lastTimeNs: bigint;
  lastValue: number;
}

export interface CumulativePoint {
  startNs: bigint;
  timeNs: bigint;
  value: number;
}

export interface CumulativeStep {
  /** what to count now (0: nothing new) */
  increase: number;
  /** the state to store, or undefined to leave it as it was */
  next?: SeriesState;
}

export function cumulativeIncrease(prev: SeriesState | undefined, p: CumulativePoint): CumulativeStep {
  const next = { startNs: p.startNs, lastTimeNs: p.timeNs, lastValue: p.value };
  if (!prev) return { increase: p.value, next };
  if (p.startNs > prev.startNs) return { increase: p.value, next }; // a restart: counting from zero again
  if (p.startNs < prev.startNs) return { increase: 0 }; // an export from before the restart
  if (p.timeNs <= prev.lastTimeNs) return { increase: 0 }; // a replay or an older export
  if (p.value < prev.lastValue) return { increase: p.value, next }; // the value dropped: a reset
  return { increase: p.value - prev.lastValue, next };
}

// ---------------------------------------------------------------------------------------------
// Days of provider buckets. Hourly buckets belong to the local day of their start. Daily buckets
// are UTC days; with AISPEND_TIMEZONE other than UTC they straddle two local days, and each is
// assigned to the local day that holds most of it (the one containing its midpoint).

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** the instant whose local day a bucket belongs to */
export function bucketAnchor(startMs: number, widthMs: number): number {
  return widthMs >= DAY_MS ? startMs + widthMs / 2 : startMs;
}

/** bucket_start range [from, to) of buckets of this width that belong to the local day [dayStart, dayEnd) */
export function bucketRangeForDay(dayStartMs: number, dayEndMs: number, widthMs: number): { from: number; to: number } {
  const shift = widthMs >= DAY_MS ? widthMs / 2 : 0;
  return { from: dayStartMs - shift, to: dayEndMs - shift };
}
