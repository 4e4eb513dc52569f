// Phase (a): Claude Code OTLP telemetry through POST /v1/metrics and /v1/logs, two ways:
// exporter — one Claude Code export per request, as each claude process sends them (16 at once);
// collector — an OpenTelemetry Collector in front, batching up to 2,048 points per gzip request.
import { benchNow } from '../generate.js';
import { buildOrg } from '../lib/org.js';
import { otlpBodies, otlpWorkload } from '../lib/workloads.js';
import { availableRoutes, measureIngest, prepareRequests, type IngestModeResult } from './ingest.js';
import type { PhaseOptions } from './options.js';

export interface OtlpResult {
  skipped?: string;
  workload?: { points: number; sessions: number; exports: number };
  modes: IngestModeResult[];
}

/** data points per measured run: about 10 minutes of a 2,000-engineer org's peak telemetry at scale 1 */
export function otlpPoints(scale: number): number {
  return Math.max(20_000, Math.round(120_000 * scale));
}

function prepareOtlp(o: PhaseOptions) {
  const w = otlpWorkload(buildOrg(o.seed, o.scale), o.seed, benchNow(o.endDay, o.tz), o.ingestPoints ?? otlpPoints(o.scale));
  return {
    workload: { points: w.points, sessions: w.sessions, exports: w.exports.length },
    exporterRequests: prepareRequests(o, 'otlp-exporter', otlpBodies(w, 'exporter')),
    collectorRequests: prepareRequests(o, 'otlp-collector', otlpBodies(w, 'collector').map((r) => ({ ...r, gzip: true }))),
  };
}

export async function run(o: PhaseOptions): Promise<OtlpResult> {
  const routes = availableRoutes(o);
  const missing = ['POST /v1/metrics', 'POST /v1/logs'].filter((r) => !routes.has(r));
  if (missing.length > 0) return { skipped: `${missing.join(', ')} not served by any feature yet`, modes: [] };
  // both request files are written first, so the workload is garbage before any server starts
  const { workload, exporterRequests, collectorRequests } = prepareOtlp(o);
  const exporter = await measureIngest(o, 'otlp-exporter', 'exporter (1 export/request, 16 concurrent)', exporterRequests, 16);
  const collector = await measureIngest(o, 'otlp-collector', 'collector (≤2,048 points/request, gzip, 2 concurrent)', collectorRequests, 2);
  return { workload, modes: [exporter, collector] };
}
