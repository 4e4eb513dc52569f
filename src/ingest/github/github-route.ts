// POST /webhooks/github: X-Hub-Signature-256 over the raw body; X-GitHub-Delivery is the idempotency
// key; ping answered; push and merged pull_request stored; every other event 202 and ignored.
import { ValidationError } from '../../errors.js';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import { ingestDelivery, ignored } from '../delivery/ingest-delivery.js';
import { GITHUB_AUTH, headerValue, requireSecret, webhookVerifier } from '../delivery/webhook-signature.js';
import { applyMergedPullRequest, applyPush } from './github-events.js';
import { mergedPullRequestSchema, pullRequestActionSchema, pushSchema } from './schema.js';

export function githubRoute(): Route {
  return defineRoute<unknown>({
    method: 'POST',
    path: '/webhooks/github',
    precheck: requireSecret(GITHUB_AUTH),
    auth: webhookVerifier(GITHUB_AUTH),
    unsupportedMessage: (type) =>
      type === 'application/x-www-form-urlencoded'
        ? 'set the GitHub webhook "Content type" to application/json (Settings → Webhooks → Edit)'
        : undefined,
    async handle({ deps, body, headers, now }) {
      const event = headerValue(headers, 'x-github-event');
      if (!event) throw new ValidationError([{ path: 'headers.x-github-event', message: 'the X-GitHub-Event header is missing' }]);
      if (event === 'ping') return { status: 200, body: { accepted: 0, duplicates: 0, pong: true } };
      if (event !== 'push' && event !== 'pull_request') return ignored(event.slice(0, 100));
      const deliveryId = headerValue(headers, 'x-github-delivery');
      if (!deliveryId) {
        throw new ValidationError([{ path: 'headers.x-github-delivery', message: 'the X-GitHub-Delivery header is missing' }]);
      }
      const key = { source: 'github', deliveryId };
      if (event === 'push') {
        const push = parseWith(pushSchema, body);
        return ingestDelivery(deps, now, key, (w) => applyPush(w, push));
      }
      const { action } = parseWith(pullRequestActionSchema, body);
      const merged = (body as { pull_request?: { merged?: unknown } }).pull_request?.merged === true;
      if (action !== 'closed' || !merged) return ignored(`pull_request.${action.slice(0, 50)}`);
      const pr = parseWith(mergedPullRequestSchema, body);
      return ingestDelivery(deps, now, key, (w) => applyMergedPullRequest(w, pr));
    },
  });
}
