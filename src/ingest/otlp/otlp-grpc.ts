// OTLP/gRPC on OTLP_GRPC_PORT (unset: off): the metrics and logs Export services of
// opentelemetry-proto, served by @grpc/grpc-js, for Claude Code with OTEL_EXPORTER_OTLP_PROTOCOL=grpc
// and Collectors' otlp exporters. The same ingest as OTLP/HTTP (otlp-export.ts): the ingest token as
// `authorization: Bearer …` metadata (UNAUTHENTICATED otherwise), gzip accepted, the body limit
// (INGEST_BODY_LIMIT_BYTES) as the largest message, before and after decompression
// (RESOURCE_EXHAUSTED above it). Bad payloads are INVALID_ARGUMENT, another team's records
// PERMISSION_DENIED; partial success as in OTLP/HTTP. The server binds plain HTTP/2: put TLS in
// front, as for the HTTP port.
import * as grpc from '@grpc/grpc-js';
import type { Deps } from '../../deps.js';
import { AppError, UnauthorizedError } from '../../errors.js';
import type { FeatureServer } from '../../feature.js';
import { checkIngestToken, type IngestCaller } from '../../http/route.js';
import { exportLogs, exportMetrics, type ExportOutcome } from './otlp-export.js';
import { decodeLogs } from './log-decoder.js';
import { decodeMetricsRequest, encodeLogsResponse, encodeMetricsResponse, loadOtlpProtobuf } from './otlp-protobuf.js';
import { errorText } from './otlp-routes.js';

export const METRICS_EXPORT_PATH = '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export';
export const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

/** how long a stop lets calls in flight finish before it cuts them */
const STOP_GRACE_MS = 10_000;

const passthrough = {
  requestStream: false as const,
  responseStream: false as const,
  // the request stays bytes until the handler decodes it, so a bad message is INVALID_ARGUMENT with its reason
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  responseDeserialize: (b: Buffer) => b,
};

function statusOf(e: AppError): grpc.status {
  switch (e.status) {
    case 400:
      return grpc.status.INVALID_ARGUMENT;
    case 401:
      return grpc.status.UNAUTHENTICATED;
    case 403:
      return grpc.status.PERMISSION_DENIED;
    case 413:
      return grpc.status.RESOURCE_EXHAUSTED;
    case 503:
      return grpc.status.UNAVAILABLE;
    default:
      return grpc.status.INTERNAL;
  }
}

function callerOf(metadata: grpc.Metadata, deps: Deps): IngestCaller {
  const values = metadata.get('authorization');
  const m = values.length === 1 ? /^Bearer\s+(\S+)\s*$/i.exec(String(values[0])) : null;
  if (!m) throw new UnauthorizedError();
  return checkIngestToken(m[1]!, deps);
}

function exportHandler(
  deps: Deps,
  signal: 'metrics' | 'logs',
): grpc.handleUnaryCall<Buffer, Uint8Array> {
  const log = deps.logger.child({ route: `grpc ${signal}` });
  return (call, callback) => {
    void (async () => {
      try {
        const caller = callerOf(call.metadata, deps);
        let outcome: ExportOutcome;
        if (signal === 'metrics') outcome = await exportMetrics(deps, decodeMetricsRequest(call.request), caller, 'grpc:metrics');
        else outcome = await exportLogs(deps, await decodeLogs(deps, call.request, 'protobuf', caller.team), caller, 'grpc:logs');
        const partial = outcome.rejected > 0 ? { rejected: outcome.rejected, message: outcome.message } : undefined;
        callback(null, signal === 'metrics' ? encodeMetricsResponse(partial) : encodeLogsResponse(partial));
      } catch (e) {
        if (e instanceof AppError) {
          if (e.status >= 500) log.error('grpc export failed', { code: e.code });
          else log.info('grpc export refused', { code: e.code });
          callback({ code: statusOf(e), details: errorText(e) });
        } else {
          log.error('grpc export crashed', { err: e });
          callback({ code: grpc.status.INTERNAL, details: 'something went wrong; it has been logged' });
        }
      }
    })();
  };
}

export function otlpGrpcServer(deps: Deps): FeatureServer | undefined {
  const port = deps.config.otlpGrpcPort;
  if (port === undefined) return undefined;
  const limit = deps.config.ingestBodyLimitBytes;
  let server: grpc.Server | undefined;
  return {
    name: 'otlp-grpc',
    async start() {
      loadOtlpProtobuf();
      server = new grpc.Server({
        'grpc.max_receive_message_length': limit,
        'grpc.max_send_message_length': 1024 * 1024,
      });
      server.addService({ Export: { path: METRICS_EXPORT_PATH, ...passthrough } }, { Export: exportHandler(deps, 'metrics') });
      server.addService({ Export: { path: LOGS_EXPORT_PATH, ...passthrough } }, { Export: exportHandler(deps, 'logs') });
      const bound = await new Promise<number>((resolve, reject) =>
        server!.bindAsync(`0.0.0.0:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => {
          if (err) {
            const inUse = /EADDRINUSE|address already in use/i.test(err.message);
            reject(new Error(inUse ? `OTLP_GRPC_PORT ${port} is in use: set OTLP_GRPC_PORT to a free port, or leave it unset` : err.message));
          } else resolve(p);
        }),
      );
      deps.logger.info('OTLP/gRPC listening', { port: bound });
      return bound;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      // calls in flight finish (their writes commit) before the database closes; a hung one is cut
      await Promise.race([
        new Promise<void>((resolve) => s.tryShutdown(() => resolve())),
        new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref()),
      ]);
      s.forceShutdown();
    },
  };
}
