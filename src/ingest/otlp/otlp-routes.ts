// POST /v1/metrics and POST /v1/logs: OTLP/HTTP from Claude Code or a Collector, as JSON
// (application/json) or protobuf (application/x-protobuf), gzip accepted, bearer token. Answers as
// the OTLP specification says, in the request's encoding: an Export…ServiceResponse on success (with
// partial_success for points or records skipped as unusable: the client must not retry them); on
// failure the status code with a JSON error, or for protobuf requests a google.rpc.Status.
import type { AppError } from '../../errors.js';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import { exportLogs, exportMetrics, type ExportOutcome } from './otlp-export.js';
import { decodeLogs } from './log-decoder.js';
import { decodeMetricsRequest, encodeLogsResponse, encodeMetricsResponse, encodeStatus } from './otlp-protobuf.js';
import { exportMetricsSchema, isExportMetrics, type ExportMetrics } from './otlp-schema.js';

const JSON_TYPE = 'application/json';
export const PROTOBUF_TYPES = ['application/x-protobuf', 'application/protobuf'];
const PROTOBUF_ANSWER = 'application/x-protobuf';

/** gRPC status codes for HTTP statuses, as OTLP maps them (google.rpc.Code in the Status body) */
function grpcCode(status: number): number {
  if (status === 400) return 3; // INVALID_ARGUMENT
  if (status === 401) return 16; // UNAUTHENTICATED
  if (status === 403) return 7; // PERMISSION_DENIED
  if (status === 413) return 8; // RESOURCE_EXHAUSTED
  if (status === 415) return 3;
  if (status === 503) return 14; // UNAVAILABLE
  return 13; // INTERNAL
}

/** the text of an error, issues included: what a protobuf Status carries */
export function errorText(e: AppError): string {
  const issues = (e.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
  const head = e.code === 'invalid_payload' ? 'invalid payload' : e.message;
  if (!issues || issues.length === 0) return head;
  return `${head}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
}

function errorBytes(e: AppError, status: number, mediaType: string) {
  if (!PROTOBUF_TYPES.includes(mediaType)) return undefined;
  return { contentType: PROTOBUF_ANSWER, data: encodeStatus(grpcCode(status), errorText(e)) };
}

function answer(outcome: ExportOutcome, protobuf: boolean, signal: 'metrics' | 'logs') {
  const partial = outcome.rejected > 0 ? { rejected: outcome.rejected, message: outcome.message } : undefined;
  if (protobuf) {
    const data = signal === 'metrics' ? encodeMetricsResponse(partial) : encodeLogsResponse(partial);
    return { body: null, bytes: { contentType: PROTOBUF_ANSWER, data } };
  }
  if (!partial) return { body: {} };
  return {
    body: {
      partialSuccess:
        signal === 'metrics'
          ? { rejectedDataPoints: partial.rejected, errorMessage: partial.message }
          : { rejectedLogRecords: partial.rejected, errorMessage: partial.message },
    },
  };
}

export function otlpRoutes(): Route[] {
  const contentTypes = [JSON_TYPE, ...PROTOBUF_TYPES];
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/metrics',
      auth: 'bearer',
      contentTypes,
      parsers: Object.fromEntries(PROTOBUF_TYPES.map((t) => [t, decodeMetricsRequest])),
      errorBytes,
      async handle({ deps, body: raw, mediaType, caller }) {
        const protobuf = PROTOBUF_TYPES.includes(mediaType);
        const body: ExportMetrics = protobuf || isExportMetrics(raw) ? (raw as ExportMetrics) : parseWith(exportMetricsSchema, raw);
        return answer(await exportMetrics(deps, body, caller), protobuf, 'metrics');
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/logs',
      auth: 'bearer',
      contentTypes,
      // decoded by log-decoder.ts, off the main thread when large
      rawBody: true,
      errorBytes,
      async handle({ deps, raw, mediaType, caller }) {
        const protobuf = PROTOBUF_TYPES.includes(mediaType);
        const events = await decodeLogs(deps, raw, protobuf ? 'protobuf' : 'json', caller.team);
        return answer(await exportLogs(deps, events, caller), protobuf, 'logs');
      },
    }),
  ];
}
