// POST /ingest/delivery (bearer): generic delivery events. All or nothing: a bad event (or an
// unknown team name) rejects the batch with the field at fault; each event id is its idempotency key.
// Unknown fields are ignored and named in `warnings`. A team-scoped token's events count for its
// team; one naming another team is refused (403, nothing written).
import type { Deps } from '../../deps.js';
import { deliveryRepo } from '../../db/repos/delivery-repo.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { ForbiddenError, ValidationError, type FieldIssue } from '../../errors.js';
import { defineRoute, parseWith, type IngestCaller, type Route } from '../../http/route.js';
import { unknownFieldWarnings } from '../field-warnings.js';
import { kickAfterIngest, recordAfterIngest } from '../after-ingest.js';
import { isTooOld } from '../../domain/retention.js';
import { tooOldWarnings } from '../too-old.js';
import { applyGenericEvent } from './generic-events.js';
import { deliveryBatchSchema, deliveryEventSchema, type DeliveryBatch } from './schema.js';

const KNOWN_FIELDS = Object.keys(deliveryEventSchema.shape);

/** a scoped token's events may name its own team only; those naming none are its team's */
function checkScope(batch: DeliveryBatch, scope: NonNullable<IngestCaller['team']>): void {
  const issues: FieldIssue[] = [];
  batch.events.forEach((e, i) => {
    if (e.team !== undefined && e.team.toLowerCase() !== scope.name.toLowerCase()) {
      issues.push({ path: `events.${i}.team`, message: `names team "${e.team}"; this token may only send events of team "${scope.name}"` });
    }
  });
  if (issues.length > 0) throw new ForbiddenError(`this ingest token may only send events of team "${scope.name}"`, { issues: issues.slice(0, 10) });
}
import { workWriter } from './work-writer.js';

export const GENERIC_DELIVERY_SOURCE = 'generic-delivery';

/** team names → ids; unknown names are errors naming the event's field */
function resolveTeams(deps: Deps, batch: DeliveryBatch): Map<string, number> {
  const org = orgRepo(deps.db);
  const teams = new Map<string, number>();
  const issues: FieldIssue[] = [];
  batch.events.forEach((e, i) => {
    if (e.team === undefined || teams.has(e.team.toLowerCase())) return;
    const t = org.teamByName(e.team);
    if (t) teams.set(e.team.toLowerCase(), t.id);
    else issues.push({ path: `events.${i}.team`, message: `no team named "${e.team}" (create it with /aispend admin team create)` });
  });
  if (issues.length > 0) throw new ValidationError(issues);
  return teams;
}

export async function ingestDeliveryEvents(deps: Deps, batch: DeliveryBatch, now: number, caller: IngestCaller = {}) {
  const scope = caller.team;
  if (scope) checkScope(batch, scope);
  const teams = resolveTeams(deps, batch);
  const repo = deliveryRepo(deps.db);
  const org = orgRepo(deps.db);
  const w = workWriter(deps, now);
  const days = deps.config.retentionDays;
  const counts = deps.db.transaction(() => {
    let accepted = 0;
    let duplicates = 0;
    const tooOld: number[] = [];
    for (const [i, e] of batch.events.entries()) {
      // its idempotency claim may be deleted already (RETENTION_DAYS): a replay would apply twice
      if (isTooOld(Date.parse(e.timestamp), now, days)) {
        tooOld.push(i);
        continue;
      }
      if (!repo.markDelivery(GENERIC_DELIVERY_SOURCE, e.id, now)) {
        duplicates += 1;
        continue;
      }
      const person = e.user ? org.ensurePersonByEmail(e.user, now) : null;
      const teamId = e.team !== undefined ? teams.get(e.team.toLowerCase())! : (scope?.id ?? null);
      applyGenericEvent(w, e, { teamId, person, ts: Date.parse(e.timestamp) });
      accepted += 1;
    }
    recordAfterIngest(deps, w.effects());
    const answer: { accepted: number; duplicates: number; too_old?: number; warnings?: FieldIssue[] } = { accepted, duplicates };
    if (tooOld.length > 0) {
      answer.too_old = tooOld.length;
      answer.warnings = tooOldWarnings(tooOld, (i) => `events.${i}.timestamp`, days);
    }
    return answer;
  })();
  deps.logger.info('delivery events ingested', { accepted: counts.accepted, duplicates: counts.duplicates, too_old: counts.too_old ?? 0 });
  kickAfterIngest(deps);
  return counts;
}

export function genericDeliveryRoute(): Route {
  return defineRoute<unknown>({
    method: 'POST',
    path: '/ingest/delivery',
    auth: 'bearer',
    async handle({ deps, body: raw, now, caller }) {
      const body = parseWith(deliveryBatchSchema, raw);
      const warnings = unknownFieldWarnings(raw, 'events', KNOWN_FIELDS);
      const counts = await ingestDeliveryEvents(deps, body, now, caller);
      return { status: 200, body: warnings.length > 0 ? { ...counts, warnings } : counts };
    },
  });
}
