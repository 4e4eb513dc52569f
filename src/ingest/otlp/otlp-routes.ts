// POST /v1/metrics and POST /v1/logs: OTLP/HTTP JSON from Claude Code (bearer token, gzip accepted).
// Answers: {} on success; partialSuccess for points or records skipped as unusable (the client must not
// retry them); 400 with field paths when the payload is not OTLP; 415 for protobuf, with the fix.
import type { Deps } from '../../deps.js';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import type { Rejections } from './rejections.js';
import { ingestBatch } from '../usage/usage-batch.js';
import { ingestLogs } from './logs.js';
import { ingestMetrics } from './metrics.js';
import { exportLogsSchema, exportMetricsSchema, isExportLogs, isExportMetrics, type ExportLogs, type ExportMetrics } from './otlp-schema.js';

export const PROTOBUF_MESSAGE =
  'aispend reads OTLP as JSON only: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json ' +
  '(or OTEL_EXPORTER_OTLP_METRICS_PROTOCOL / OTEL_EXPORTER_OTLP_LOGS_PROTOCOL) in the Claude Code environment.';

function unsupported(type: string): string | undefined {
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return PROTOBUF_MESSAGE;
  return undefined;
}

/** for /metrics: points or events read, by what became of them (replays are among the accepted) */
function countOtlp(deps: Deps, route: string, r: Rejections): void {
  deps.metrics?.ingestRecords(route, 'accepted', r.seen - r.count);
  deps.metrics?.ingestRecords(route, 'too_old', r.tooOld);
  deps.metrics?.ingestRecords(route, 'rejected', r.count - r.tooOld);
}

export function otlpRoutes(): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/metrics',
      auth: 'bearer',
      unsupportedMessage: unsupported,
      async handle({ deps, body: raw }) {
        const body: ExportMetrics = isExportMetrics(raw) ? raw : parseWith(exportMetricsSchema, raw);
        const rejected = await ingestBatch(deps, (batch) => ingestMetrics(batch, body));
        countOtlp(deps, '/v1/metrics', rejected);
        if (rejected.count === 0) return { body: {} };
        return { body: { partialSuccess: { rejectedDataPoints: rejected.count, errorMessage: rejected.message() } } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/logs',
      auth: 'bearer',
      unsupportedMessage: unsupported,
      async handle({ deps, body: raw }) {
        const body: ExportLogs = isExportLogs(raw) ? raw : parseWith(exportLogsSchema, raw);
        const rejected = await ingestBatch(deps, (batch) => ingestLogs(batch, body));
        countOtlp(deps, '/v1/logs', rejected);
        if (rejected.count === 0) return { body: {} };
        return { body: { partialSuccess: { rejectedLogRecords: rejected.count, errorMessage: rejected.message() } } };
      },
    }),
  ];
}
