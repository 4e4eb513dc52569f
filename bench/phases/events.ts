// Phase: Claude Code api_request events through POST /v1/logs, as issue 15 measured them: 160
// exports of 500 events, 4 requests at a time, once as OTLP/JSON and once as OTLP/protobuf. Judged
// against raw batched inserts of the same rows into a minimal table (one table, a unique key).
import { benchNow } from '../generate.js';
import { buildOrg } from '../lib/org.js';
import { eventsWorkload } from '../lib/workloads.js';
import { encodeLogsRequest } from '../../src/ingest/otlp/otlp-protobuf.js';
import { availableRoutes, measureIngest, prepareRequests, type IngestModeResult } from './ingest.js';
import type { PhaseOptions } from './options.js';

export interface EventsResult {
  skipped?: string;
  workload?: { records: number; exports: number; perExport: number };
  modes: IngestModeResult[];
}

export const EVENTS_EXPORTS = 160;
export const EVENTS_PER_EXPORT = 500;
export const EVENTS_CONCURRENCY = 4;

export async function run(o: PhaseOptions): Promise<EventsResult> {
  if (!availableRoutes(o).has('POST /v1/logs')) return { skipped: 'POST /v1/logs not served by any feature yet', modes: [] };
  // --points shrinks the workload (smoke tests): exports of 500 until that many records
  const exports = o.ingestPoints === undefined ? EVENTS_EXPORTS : Math.max(2, Math.ceil(o.ingestPoints / EVENTS_PER_EXPORT));
  const w = eventsWorkload(buildOrg(o.seed, o.scale), o.seed, benchNow(o.endDay, o.tz), exports, EVENTS_PER_EXPORT);
  const json = prepareRequests(
    o,
    'events-json',
    w.exports.map((e) => ({ path: '/v1/logs', body: JSON.stringify({ resourceLogs: [e.resource] }), points: e.records })),
  );
  const protobuf = prepareRequests(
    o,
    'events-protobuf',
    w.exports.map((e) => ({ path: '/v1/logs', body: encodeLogsRequest({ resourceLogs: [e.resource] }), points: e.records, protobuf: true })),
  );
  const modes = [
    await measureIngest(o, 'events-json', `json (${EVENTS_PER_EXPORT} events/request, ${EVENTS_CONCURRENCY} concurrent)`, json, EVENTS_CONCURRENCY),
    await measureIngest(o, 'events-protobuf', `protobuf (${EVENTS_PER_EXPORT} events/request, ${EVENTS_CONCURRENCY} concurrent)`, protobuf, EVENTS_CONCURRENCY),
  ];
  return { workload: { records: w.records, exports: w.exports.length, perExport: EVENTS_PER_EXPORT }, modes };
}
