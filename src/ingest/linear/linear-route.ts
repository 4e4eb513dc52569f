// POST /webhooks/linear: linear-signature = hex HMAC-SHA256 of the raw body; the signed body's
// webhookTimestamp must be within LINEAR_WEBHOOK_MAX_AGE_SECONDS of now (replay protection, as
// Linear's SDK does). Idempotency: the Linear-Delivery header when sent, else
// webhookId + data.id + data.updatedAt + action. Issue and Cycle events are stored; others 202.
import { AppError } from '../../errors.js';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import { ingestDelivery, ignored } from '../delivery/ingest-delivery.js';
import { LINEAR_AUTH, headerValue, requireSecret, webhookVerifier } from '../delivery/webhook-signature.js';
import { applyLinearCycle, applyLinearIssue } from './linear-events.js';
import { linearCycleEventSchema, linearEnvelopeSchema, linearIssueEventSchema, type LinearEnvelope } from './schema.js';

export class StaleDeliveryError extends AppError {
  constructor(ageSeconds: number, maxSeconds: number) {
    super(
      'stale_delivery',
      401,
      `refused: webhookTimestamp is ${ageSeconds} s away from now, over the ${maxSeconds} s allowed ` +
        '(LINEAR_WEBHOOK_MAX_AGE_SECONDS); an old delivery may be a replay. Check the server clock if this repeats.',
    );
    this.name = 'StaleDeliveryError';
  }
}

export function linearRoute(): Route {
  return defineRoute<LinearEnvelope>({
    method: 'POST',
    path: '/webhooks/linear',
    precheck: requireSecret(LINEAR_AUTH),
    auth: webhookVerifier(LINEAR_AUTH),
    schema: linearEnvelopeSchema,
    async handle({ deps, body, headers, now }) {
      const max = deps.config.webhooks.linearMaxAgeSeconds;
      const age = Math.abs(now - body.webhookTimestamp);
      if (age > max * 1000) throw new StaleDeliveryError(Math.round(age / 1000), max);
      const data = body.data as { id: string; updatedAt?: unknown };
      const deliveryId =
        headerValue(headers, 'linear-delivery') ??
        [body.webhookId, data.id, typeof data.updatedAt === 'string' ? data.updatedAt : '', body.action].join(':');
      const key = { source: 'linear', deliveryId };
      if (body.type === 'Issue') {
        const e = parseWith(linearIssueEventSchema, body);
        return ingestDelivery(deps, now, key, (w) => applyLinearIssue(w, e, now));
      }
      if (body.type === 'Cycle') {
        const e = parseWith(linearCycleEventSchema, body);
        return ingestDelivery(deps, now, key, (w) => applyLinearCycle(w, e, now));
      }
      return ignored(body.type.slice(0, 100));
    },
  });
}
