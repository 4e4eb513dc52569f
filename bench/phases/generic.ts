// Phase (b): generic usage records through POST /ingest/usage, in batches of 500 (a gateway or an
// editor integration flushing its buffer), 4 requests at a time.
import { benchNow } from '../generate.js';
import { buildOrg } from '../lib/org.js';
import { genericWorkload } from '../lib/workloads.js';
import { availableRoutes, measureIngest, prepareRequests, type IngestModeResult } from './ingest.js';
import type { PhaseOptions } from './options.js';

export interface GenericResult {
  skipped?: string;
  modes: IngestModeResult[];
}

export function genericRecords(scale: number): number {
  return Math.max(20_000, Math.round(100_000 * scale));
}

export async function run(o: PhaseOptions): Promise<GenericResult> {
  if (!availableRoutes(o).has('POST /ingest/usage')) return { skipped: 'POST /ingest/usage not served by any feature yet', modes: [] };
  const w = genericWorkload(buildOrg(o.seed, o.scale), o.seed, benchNow(o.endDay, o.tz), o.ingestPoints ?? genericRecords(o.scale));
  const prepared = prepareRequests(o, 'generic', w.batches.map((b) => ({ path: '/ingest/usage', body: b.body, points: b.records })));
  return { modes: [await measureIngest(o, 'generic', 'batches of 500 records, 4 concurrent', prepared, 4)] };
}
