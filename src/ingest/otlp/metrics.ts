// Claude Code metrics → usage rows (cost.usage, token.usage) and session counters (commits, pull
// requests, lines, active time). Delta points are summed, each keyed by its series and time window so
// a replayed export adds nothing; cumulative points add only their increase over the last value seen.
import { usageRepo } from '../../db/repos/usage-repo.js';
import { billingSourceOf } from '../../domain/billing-source.js';
import { SOURCE, UNKNOWN_MODEL, cumulativeIncrease, metricRowCounted } from '../../domain/counting.js';
import type { UsageBatch } from '../usage/usage-batch.js';
import { canonical, hashKey, nanos, nanosToMs, str, toAttrs, type Attrs } from './any-value.js';
import { CLAUDE_CODE_PROVIDER, METRICS, TOKEN_TYPES, identity, type MetricKind } from './claude-code.js';
import type { ExportMetrics, Metric, NumberPoint } from './otlp-schema.js';
import { Rejections } from './rejections.js';
import { checkSessionTeam, type TeamScope } from './otlp-scope.js';

const DELTA = 1;
const CUMULATIVE = 2;

function temporalityOf(v: number | string | null | undefined): number {
  if (typeof v === 'number') return v;
  if (v === 'AGGREGATION_TEMPORALITY_DELTA') return DELTA;
  if (v === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return CUMULATIVE;
  return 0;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function pointValue(p: NumberPoint): number {
  // only the member sent is the point's own property (protobufjs keeps the other's default on the prototype)
  const raw: unknown = has(p, 'asDouble') && p.asDouble != null ? p.asDouble : has(p, 'asInt') ? p.asInt : undefined;
  if (raw === null || raw === undefined) return NaN;
  if (typeof raw === 'number') return raw;
  return Number(String(raw));
}

function pointCount(m: Metric): number {
  const kinds = [m.gauge, m.histogram, m.exponentialHistogram, m.summary];
  return kinds.reduce((n, k) => n + (k?.dataPoints?.length ?? 0), 0);
}

interface Scope {
  resource: Attrs;
  resourceKey: string;
  scopeName: string;
  /** a team-scoped token's team */
  team?: TeamScope;
  where: () => string;
}

/** `team`: the team of a team-scoped token (checked beforehand: no attribute names another team) */
export function ingestMetrics(batch: UsageBatch, body: ExportMetrics, team?: TeamScope): Rejections {
  const rejected = new Rejections();
  const usage = usageRepo(batch.db);
  const at = { i: 0, j: 0 };
  const where = () => `resourceMetrics.${at.i}.scopeMetrics.${at.j}`;
  const resourceMetrics = body.resourceMetrics ?? [];
  for (at.i = 0; at.i < resourceMetrics.length; at.i++) {
    const rm = resourceMetrics[at.i]!;
    const resource = toAttrs(rm.resource?.attributes);
    const resourceKey = canonical(resource);
    const scopeMetrics = rm.scopeMetrics ?? [];
    for (at.j = 0; at.j < scopeMetrics.length; at.j++) {
      const sm = scopeMetrics[at.j]!;
      const scope: Scope = { resource, resourceKey, scopeName: sm.scope?.name ?? '', team, where };
      for (const metric of sm.metrics ?? []) {
        const kind = METRICS[metric.name];
        if (!kind || kind === 'unused') continue;
        rejected.seen += metric.sum?.dataPoints?.length ?? pointCount(metric);
        if (!metric.sum) {
          rejected.add(pointCount(metric), `${metric.name} is not a sum (only sums are read)`);
          continue;
        }
        const temporality = temporalityOf(metric.sum.aggregationTemporality);
        const points = metric.sum.dataPoints ?? [];
        if (temporality !== DELTA && temporality !== CUMULATIVE) {
          rejected.add(points.length, `${metric.name} has no aggregationTemporality (1 delta or 2 cumulative)`);
          continue;
        }
        for (const p of points) ingestPoint(batch, usage, scope, metric.name, kind, temporality, p, rejected);
      }
    }
  }
  return rejected;
}

function ingestPoint(
  batch: UsageBatch,
  usage: ReturnType<typeof usageRepo>,
  scope: Scope,
  name: string,
  kind: MetricKind,
  temporality: number,
  p: NumberPoint,
  rejected: Rejections,
): void {
  const value = pointValue(p);
  if (!Number.isFinite(value) || value < 0) return rejected.add(1, `${name} has a point without a usable value`);
  const timeNs = nanos(p.timeUnixNano);
  if (timeNs === undefined) return rejected.add(1, `${name} has a point without timeUnixNano`);
  const startNs = nanos(p.startTimeUnixNano) ?? 0n;
  const pointAttrs = toAttrs(p.attributes);
  const attrs = toAttrs(p.attributes, Object.assign(Object.create(null) as Attrs, scope.resource));
  let tokenField: (typeof TOKEN_TYPES)[string] | undefined;
  let linesField: 'linesAdded' | 'linesRemoved' | undefined;
  if (kind === 'tokens') {
    tokenField = TOKEN_TYPES[str(attrs['type']) ?? ''];
    if (!tokenField) return rejected.add(1, `${name} has a point with an unknown type`);
  } else if (kind === 'lines') {
    const t = str(attrs['type']);
    linesField = t === 'added' ? 'linesAdded' : t === 'removed' ? 'linesRemoved' : undefined;
    if (!linesField) return rejected.add(1, `${name} has a point with an unknown type`);
  }

  const seriesKey = hashKey(scope.resourceKey, scope.scopeName, name, canonical(pointAttrs));
  let increase = value;
  // the window this point's usage happened in: a delta point's own, a cumulative point's since the last one
  let windowStartNs = startNs;
  if (temporality === CUMULATIVE) {
    const prev = usage.seriesState(seriesKey);
    const step = cumulativeIncrease(prev, { startNs, timeNs, value });
    if (step.next) usage.saveSeries(seriesKey, step.next);
    increase = step.increase;
    if (prev && prev.startNs === startNs) windowStartNs = prev.lastTimeNs;
  }
  if (increase <= 0) return;
  const ts = nanosToMs(timeNs);
  // after the cumulative step, so the series still moves on: a later point adds only its own increase
  if (batch.tooOld(ts)) return rejected.addTooOld(1, batch.retentionDays);
  const key = hashKey('m', seriesKey, startNs, timeNs);
  const who = identity(attrs);
  const attribution = batch.attribute({ email: who.email, accountUuid: who.accountUuid, team: who.team, scopeTeamId: scope.team?.id });
  const session = who.sessionId
    ? batch.session({
        sessionId: who.sessionId,
        source: who.service,
        at: ts,
        attribution,
        email: who.email,
        accountUuid: who.accountUuid,
      })
    : undefined;
  if (session) checkSessionTeam(scope.team, session.teamId, scope.where);

  if (kind === 'cost' || kind === 'tokens') {
    const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    if (tokenField) tokens[tokenField] = Math.round(increase);
    const model = str(attrs['model']) ?? UNKNOWN_MODEL;
    const spanStart = windowStartNs > 0n && windowStartNs <= timeNs ? nanosToMs(windowStartNs) : ts;
    // without a session id, events of the same person and model in the point's window are the same calls
    const coveredByEvents =
      session === undefined && attribution.personId !== null && batch.eventsCover(attribution.personId, model, spanStart, ts);
    batch.addUsage({
      idemKey: `otlp:m:${key}`,
      source: SOURCE.otlpMetric,
      ts,
      spanStart,
      day: batch.day(ts),
      provider: CLAUDE_CODE_PROVIDER,
      model,
      // metric cost is Claude Code's own estimate at Anthropic's list price, whichever cloud served it
      billingSource: billingSourceOf(CLAUDE_CODE_PROVIDER, model, attribution.plan),
      personId: attribution.personId,
      teamId: attribution.teamId,
      sessionId: who.sessionId ?? null,
      inputTokens: tokens.input,
      outputTokens: tokens.output,
      cacheReadTokens: tokens.cacheRead,
      cacheWriteTokens: tokens.cacheWrite,
      requests: 0,
      costUsd: kind === 'cost' ? increase : 0,
      // the cost of token rows is carried by the sibling cost.usage series
      costSource: 'reported',
      counted: metricRowCounted(session?.hasEvents ?? coveredByEvents),
      fitAltCostUsd: null,
    });
    return;
  }
  if (!who.sessionId || kind === 'session') return;
  // delta counters have no row of their own: claim the point's key once
  if (temporality === DELTA && !batch.claimOnce(SOURCE.otlpMetric, key)) return;
  const c = batch.activity(who.sessionId, ts);
  const n = Math.round(increase);
  if (kind === 'commits') {
    c.commits += n;
    if (ts > c.lastCommitAt) c.lastCommitAt = ts;
  } else if (kind === 'pull_requests') c.pullRequests += n;
  else if (kind === 'lines' && linesField) c[linesField] += n;
  else if (kind === 'active_time') c.activeSeconds += increase;
}
