// Generic delivery events (DESIGN.md "Generic delivery event"): {"events":[…]} for trackers and
// pipelines we do not support natively. `number` (a PR number) is an optional aispend extension.
import { z } from 'zod';

export const MAX_DELIVERY_EVENTS = 5_000;
export const DELIVERY_EVENT_TYPES = ['story_done', 'commit', 'pull_request_merged'] as const;

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
    sha: opt(z.string().regex(/^[0-9a-fA-F]{7,64}$/, { error: 'must be a commit SHA (hex)' })),
    session_id: opt(z.string().trim().min(1).max(200)),
    ai_assisted: opt(z.boolean()),
    number: opt(z.number().int().positive()),
  })
  .superRefine((e, ctx) => {
    const need = (field: keyof typeof e, why: string) => {
      if (e[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${why}` });
    };
    if (e.type === 'story_done') need('story_key', 'story_done');
    if (e.type === 'commit') {
      need('repo', 'commit');
      need('sha', 'commit');
    }
    if (e.type === 'pull_request_merged') need('repo', 'pull_request_merged');
  });
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;

export const deliveryBatchSchema = z.object({
  events: z
    .array(deliveryEventSchema)
    .min(1, { error: 'send at least one event' })
    .max(MAX_DELIVERY_EVENTS, { error: `at most ${MAX_DELIVERY_EVENTS} events per request; split the batch` }),
});
export type DeliveryBatch = z.infer<typeof deliveryBatchSchema>;
