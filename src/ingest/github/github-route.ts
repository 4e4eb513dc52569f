// POST /webhooks/github: X-Hub-Signature-256 over the raw body; X-GitHub-Delivery is the idempotency
// key; ping answered; push, merged pull_request, completed workflow_run and check_suite, and
// pull_request_review stored; every other event or action 202 and ignored.
import { ValidationError } from '../../errors.js';
import { defineRoute, parseWith, type Route } from '../../http/route.js';
import { ingestDelivery, ignored } from '../delivery/ingest-delivery.js';
import { GITHUB_AUTH, headerValue, requireSecret, webhookVerifier } from '../delivery/webhook-signature.js';
import {
  REVIEW_STATES,
  applyCheckSuite,
  applyMergedPullRequest,
  applyPush,
  applyReview,
  applyWorkflowRun,
  isGithubActionsSuite,
} from './github-events.js';
import {
  actionSchema,
  checkSuiteSchema,
  mergedPullRequestSchema,
  pullRequestActionSchema,
  pullRequestReviewSchema,
  pushSchema,
  workflowRunSchema,
} from './schema.js';

export const GITHUB_EVENTS = ['push', 'pull_request', 'workflow_run', 'check_suite', 'pull_request_review'] as const;
const REVIEW_ACTIONS = new Set(['submitted', 'edited', 'dismissed']);

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
      if (!(GITHUB_EVENTS as readonly string[]).includes(event)) return ignored(event.slice(0, 100));
      const deliveryId = headerValue(headers, 'x-github-delivery');
      if (!deliveryId) {
        throw new ValidationError([{ path: 'headers.x-github-delivery', message: 'the X-GitHub-Delivery header is missing' }]);
      }
      const key = { source: 'github', deliveryId };
      if (event === 'push') {
        const push = parseWith(pushSchema, body);
        return ingestDelivery(deps, now, key, (w) => applyPush(w, push));
      }
      if (event === 'workflow_run' || event === 'check_suite') {
        const { action } = parseWith(actionSchema, body);
        if (action !== 'completed') return ignored(`${event}.${action.slice(0, 50)}`);
        if (event === 'workflow_run') {
          const run = parseWith(workflowRunSchema, body);
          return ingestDelivery(deps, now, key, (w) => applyWorkflowRun(w, run));
        }
        const suite = parseWith(checkSuiteSchema, body);
        if (isGithubActionsSuite(suite)) return ignored('check_suite (GitHub Actions: counted from workflow_run)');
        return ingestDelivery(deps, now, key, (w) => applyCheckSuite(w, suite));
      }
      if (event === 'pull_request_review') {
        const { action } = parseWith(actionSchema, body);
        if (!REVIEW_ACTIONS.has(action)) return ignored(`pull_request_review.${action.slice(0, 50)}`);
        const review = parseWith(pullRequestReviewSchema, body);
        if (!REVIEW_STATES.has(review.review.state)) return ignored(`pull_request_review (state ${review.review.state.slice(0, 30)})`);
        return ingestDelivery(deps, now, key, (w) => applyReview(w, review, now));
      }
      const { action } = parseWith(pullRequestActionSchema, body);
      const merged = (body as { pull_request?: { merged?: unknown } }).pull_request?.merged === true;
      if (action !== 'closed' || !merged) return ignored(`pull_request.${action.slice(0, 50)}`);
      const pr = parseWith(mergedPullRequestSchema, body);
      return ingestDelivery(deps, now, key, (w) => applyMergedPullRequest(w, pr));
    },
  });
}
