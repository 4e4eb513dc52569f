// Generic delivery events (DESIGN.md "Generic delivery event"): {"events":[…]} for trackers and
// pipelines we do not support natively. `number` (a PR number) and `attempt` (a CI run's attempt)
// are optional aispend extensions. docs/quality.md describes the quality events.
import { z } from 'zod';

export const MAX_DELIVERY_EVENTS = 5_000;
export const DELIVERY_EVENT_TYPES = [
  'story_done',
  'story_reopened',
  'commit',
  'pull_request_merged',
  'revert',
  'ci_run',
  'review',
] as const;
/** GitHub's check and workflow run conclusions */
export const CI_CONCLUSIONS = [
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
  'startup_failure',
] as const;
export const REVIEW_STATES = ['approved', 'changes_requested', 'commented', 'dismissed'] as const;

const lowerEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values, { error: `must be one of ${values.join(', ')}` }));
const hexSha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, { error: 'must be a commit SHA (hex)' });

const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const deliveryEventSchema = z
  .object({
    id: z.string().trim().min(1).max(200),
    type: z.enum(DELIVERY_EVENT_TYPES, { error: `must be one of ${DELIVERY_EVENT_TYPES.join(', ')}` }),
    timestamp: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2026-11-20T10:00:00Z' }),
    team: opt(z.string().trim().min(1).max(100)),
    user: opt(z.email({ error: 'must be an email address' })),
    story_key: opt(z.string().trim().min(1).max(100)),
    title: opt(z.string().max(1_000)),
    points: opt(z.number().nonnegative().max(10_000)),
    repo: opt(z.string().trim().min(1).max(300)),
    sha: opt(hexSha),
    session_id: opt(z.string().trim().min(1).max(200)),
    ai_assisted: opt(z.boolean()),
    number: opt(z.number().int().positive()),
    reverts_sha: opt(hexSha),
    conclusion: opt(lowerEnum(CI_CONCLUSIONS)),
    attempt: opt(z.number().int().positive().max(1_000)),
    state: opt(lowerEnum(REVIEW_STATES)),
  })
  .superRefine((e, ctx) => {
    const need = (field: keyof typeof e, why: string) => {
      if (e[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${why}` });
    };
    if (e.type === 'story_done' || e.type === 'story_reopened') need('story_key', e.type);
    if (e.type === 'commit' || e.type === 'revert') {
      need('repo', e.type);
      need('sha', e.type);
    }
    if (e.type === 'revert') need('reverts_sha', 'revert (the SHA of the commit it reverts)');
    if (e.type === 'pull_request_merged') need('repo', 'pull_request_merged');
    if (e.type === 'ci_run') {
      need('repo', 'ci_run');
      need('sha', 'ci_run (the commit the run checked)');
      need('conclusion', 'ci_run');
    }
    if (e.type === 'review') {
      need('repo', 'review');
      need('number', 'review (the pull request number)');
      need('state', 'review');
    }
  });
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;

export const deliveryBatchSchema = z.object({
  events: z
    .array(deliveryEventSchema)
    .min(1, { error: 'send at least one event' })
    .max(MAX_DELIVERY_EVENTS, { error: `at most ${MAX_DELIVERY_EVENTS} events per request; split the batch` }),
});
export type DeliveryBatch = z.infer<typeof deliveryBatchSchema>;
