// One OTLP export, whichever way it came (HTTP JSON, HTTP protobuf, gRPC): the request limits, the
// token's team scope, then the points or records through one usage batch. The answer is the OTLP
// partial success: points or records skipped as unusable, which the client must not send again.
import type { Deps } from '../../deps.js';
import type { IngestCaller } from '../../http/route.js';
import { ingestBatch } from '../usage/usage-batch.js';
import { ingestLogs } from './logs.js';
import { ingestMetrics } from './metrics.js';
import { MAX_ITEMS_PER_REQUEST, tooManyItems } from './otlp-protobuf.js';
import type { ExportLogs, ExportMetrics } from './otlp-schema.js';
import { checkLogsScope, checkMetricsScope } from './otlp-scope.js';
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

function countRecords(body: ExportLogs): number {
  let n = 0;
  for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
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

export async function exportLogs(deps: Deps, body: ExportLogs, caller: IngestCaller, route = '/v1/logs'): Promise<ExportOutcome> {
  const records = countRecords(body);
  if (records > MAX_ITEMS_PER_REQUEST) throw tooManyItems(records, 'log records');
  const scope = caller.team;
  if (scope) checkLogsScope(body, scope);
  const rejected = await ingestBatch(deps, (batch) => ingestLogs(batch, body, scope));
  countOtlp(deps, route, rejected);
  return { rejected: rejected.count, message: rejected.count > 0 ? rejected.message() : '' };
}
