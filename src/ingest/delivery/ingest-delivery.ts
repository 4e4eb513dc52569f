// One delivery (a webhook call or a generic batch) = one transaction: its idempotency key is recorded
// with the data (and the after-ingest work with both), so a redelivery changes nothing and a failure
// stores nothing. The answer does not wait for the after-ingest work.
import type { Deps } from '../../deps.js';
import { deliveryRepo } from '../../db/repos/delivery-repo.js';
import type { RouteResult } from '../../http/route.js';
import { kickAfterIngest, recordAfterIngest } from '../after-ingest.js';
import { workWriter, type WorkWriter } from './work-writer.js';

export interface DeliveryCounts {
  accepted: number;
  duplicates: number;
}

/**
 * Applies a webhook delivery once. `apply` writes through the WorkWriter and returns how many items
 * it accepted (and how many it already knew, e.g. commits pushed before to another branch).
 */
export async function ingestDelivery(
  deps: Deps,
  now: number,
  key: { source: string; deliveryId: string },
  apply: (w: WorkWriter) => { accepted: number; duplicates?: number },
): Promise<RouteResult> {
  const w = workWriter(deps, now);
  const counts = deps.db.transaction((): DeliveryCounts => {
    if (!deliveryRepo(deps.db).markDelivery(key.source, key.deliveryId, now)) return { accepted: 0, duplicates: 1 };
    const r = apply(w);
    recordAfterIngest(deps, w.effects());
    return { accepted: r.accepted, duplicates: r.duplicates ?? 0 };
  })();
  deps.logger.info('delivery ingested', { source: key.source, delivery: key.deliveryId, ...counts });
  kickAfterIngest(deps);
  return { status: 200, body: counts };
}

/** the answer to an event we do not store (202, nothing recorded) */
export function ignored(event: string): RouteResult {
  return { status: 202, body: { accepted: 0, duplicates: 0, ignored: event } };
}
