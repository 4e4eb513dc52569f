// POST /v1/metrics and POST /v1/logs: OTLP/HTTP JSON from Claude Code (bearer token, gzip accepted).
// Answers: {} on success; partialSuccess for points or records skipped as unusable (the client must not
// retry them); 400 with field paths when the payload is not OTLP; 415 for protobuf, with the fix.
import { defineRoute, parseWith, type Route } from '../../http/route.js';
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
        if (rejected.count === 0) return { body: {} };
        return { body: { partialSuccess: { rejectedLogRecords: rejected.count, errorMessage: rejected.message() } } };
      },
    }),
  ];
}
