// One OTLP export, whichever way it came (HTTP JSON, HTTP protobuf, gRPC): the request limits and the
// token's team scope (for logs, log-decoder.ts checked both while reading the export), then the points
// or events through one usage batch. The answer is the OTLP partial success: points or records
// skipped as unusable, which the client must not send again.
import type { Deps } from '../../deps.js';
import type { IngestCaller } from '../../http/route.js';
import { ingestBatch } from '../usage/usage-batch.js';
import type { LogEvents } from './log-events.js';
import { applyLogEvents } from './logs.js';
import { ingestMetrics } from './metrics.js';
import { MAX_ITEMS_PER_REQUEST, tooManyItems } from './otlp-protobuf.js';
import type { ExportMetrics } from './otlp-schema.js';
import { checkMetricsScope } from './otlp-scope.js';
import type { Rejections } from './rejections.js';

export interface ExportOutcome {
  /** points or records skipped as unusable (0: all taken) */
  rejected: number;
  message: string;
}

function countPoints(body: ExportMetrics): number {
  let n = 0;
  for (const rm of body.resourceMetrics ?? []) {
    for (const sm of rm.scopeMetrics ?? []) {
      for (const m of sm.metrics ?? []) {
        for (const d of [m.sum, m.gauge, m.histogram, m.exponentialHistogram, m.summary]) n += d?.dataPoints?.length ?? 0;
      }
    }
  }
  return n;
}

/** for /metrics: points or events read, by what became of them (replays are among the accepted) */
function countOtlp(deps: Deps, route: string, r: Rejections): void {
  deps.metrics?.ingestRecords(route, 'accepted', r.seen - r.count);
  deps.metrics?.ingestRecords(route, 'too_old', r.tooOld);
  deps.metrics?.ingestRecords(route, 'rejected', r.count - r.tooOld);
}

/** `route` labels the transport in /metrics: the HTTP path, or `grpc:metrics` / `grpc:logs` */
export async function exportMetrics(deps: Deps, body: ExportMetrics, caller: IngestCaller, route = '/v1/metrics'): Promise<ExportOutcome> {
  const points = countPoints(body);
  if (points > MAX_ITEMS_PER_REQUEST) throw tooManyItems(points, 'data points');
  const scope = caller.team;
  if (scope) checkMetricsScope(body, scope);
  const rejected = await ingestBatch(deps, (batch) => ingestMetrics(batch, body, scope));
  countOtlp(deps, route, rejected);
  return { rejected: rejected.count, message: rejected.count > 0 ? rejected.message() : '' };
}

/** the events of an export, read by log-decoder.ts (which also refused it if too large or naming another team) */
export async function exportLogs(deps: Deps, events: LogEvents, caller: IngestCaller, route = '/v1/logs'): Promise<ExportOutcome> {
  const rejected = await ingestBatch(deps, (batch) => applyLogEvents(batch, events, caller.team));
  countOtlp(deps, route, rejected);
  return { rejected: rejected.count, message: rejected.count > 0 ? rejected.message() : '' };
}
