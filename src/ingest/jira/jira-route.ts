// POST /webhooks/jira: an admin webhook registered with a secret signs the raw body as
// X-Hub-Signature: sha256=<hex>; x-atlassian-webhook-identifier is the idempotency key (unchanged
// across Jira's retries). Issue events and sprint_* events are stored; everything else 202.
import { createHash } from 'node:crypto';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import { ingestDelivery, ignored } from '../delivery/ingest-delivery.js';
import { JIRA_AUTH, headerValue, requireSecret, webhookVerifier } from '../delivery/webhook-signature.js';
import { applyJiraIssue, applyJiraSprint, isStoryLevel } from './jira-events.js';
import { jiraEnvelopeSchema, jiraIssueEventSchema, jiraSprintEventSchema } from './schema.js';

const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted']);
const SPRINT_EVENTS = new Set(['sprint_created', 'sprint_updated', 'sprint_started', 'sprint_closed']);

export function jiraRoute(): Route {
  return defineRoute<unknown>({
    method: 'POST',
    path: '/webhooks/jira',
    precheck: requireSecret(JIRA_AUTH),
    auth: webhookVerifier(JIRA_AUTH),
    async handle({ deps, body, raw, headers, now }) {
      const { webhookEvent } = parseWith(jiraEnvelopeSchema, body);
      // admin webhooks always send the identifier; without it, identical bytes are still counted once
      const deliveryId =
        headerValue(headers, 'x-atlassian-webhook-identifier') ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
      const key = { source: 'jira', deliveryId };
      if (ISSUE_EVENTS.has(webhookEvent)) {
        const e = parseWith(jiraIssueEventSchema, body);
        if (!isStoryLevel(e)) return ignored(`${webhookEvent} (sub-task or epic)`);
        return ingestDelivery(deps, now, key, (w) => applyJiraIssue(w, deps.db, deps.config, e));
      }
      if (SPRINT_EVENTS.has(webhookEvent)) {
        const e = parseWith(jiraSprintEventSchema, body);
        return ingestDelivery(deps, now, key, (w) => applyJiraSprint(w, e));
      }
      return ignored(webhookEvent.slice(0, 100));
    },
  });
}
