// The counting rule: every dollar is counted once, whichever sources report it (docs/counting.md).
// Pure functions; the usage repository and the reconciler (src/ingest/billing/reconcile.ts) apply them.
//
// a. Telemetry, per agent session: Claude Code api_request events and the cost/token metrics
//    describe the same calls. Events win: once a session has an api_request event, its
//    metric-sourced rows are kept with counted = 0. Sessions that only export metrics count metrics.
//    Metrics without a session id (OTEL_METRICS_INCLUDE_SESSION_ID=false) are matched to events by
//    person, model and time: a metric point whose window holds an api_request event of the same
//    person and model is not counted.
// b. Bill vs telemetry, per provider, billing scope and UTC day: providers bill in UTC days, so
//    reconciliation happens in UTC days whatever AISPEND_TIMEZONE is. Only telemetry of the billing
//    source the bill covers (anthropic_api, openai_api) is compared with it. A day's bill lines are
//    grouped by the team their scope (workspace, project, API key) is mapped to; a team's telemetry
//    is compared with its own group when the bill names that team, otherwise with the unmapped
//    lines; telemetry even those do not explain first covers the other groups' shortfalls. Each
//    group counts max(bill, telemetry): 'billing_gap' rows hold the difference, spread over the
//    hours the bill does not explain and so placed on the local days those hours fall on.
// c. Claude Code Analytics, per person, billing source and UTC day: counted = max(analytics
//    estimate, telemetry), via 'analytics_gap' rows for that person.

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

