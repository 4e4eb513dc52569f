// The parts of Linear webhook payloads we read (EntityWebhookPayload in @linear/sdk's schema.graphql;
// ../shared/reference/delivery-sources.md §2). Unknown keys are ignored.
import { z } from 'zod';
import { sourceTime } from '../github/schema.js';

export const linearEnvelopeSchema = z.object({
  action: z.string().min(1),
  type: z.string().min(1),
  webhookId: z.string().min(1),
  webhookTimestamp: z.number({ error: 'must be the delivery time in epoch milliseconds' }),
  data: z.looseObject({ id: z.string().min(1) }),
});
export type LinearEnvelope = z.infer<typeof linearEnvelopeSchema>;

export const linearIssueEventSchema = linearEnvelopeSchema.extend({
  data: z.object({
    id: z.string().min(1),
    identifier: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,9}-\d+$/, { error: 'must be an issue identifier such as ENG-123' }),
    title: z.string().nullish(),
    estimate: z.number().nonnegative().nullish(),
    updatedAt: sourceTime.nullish(),
    completedAt: sourceTime.nullish(),
    state: z.object({ type: z.string() }),
    team: z.object({ id: z.string(), key: z.string().min(1) }).nullish(),
    cycle: z
      .object({
        id: z.string().min(1),
        number: z.number().nullish(),
        name: z.string().nullish(),
        startsAt: sourceTime.nullish(),
        endsAt: sourceTime.nullish(),
      })
      .nullish(),
    assignee: z.object({ id: z.string().min(1), email: z.string().nullish(), name: z.string().nullish() }).nullish(),
  }),
});
export type LinearIssueEvent = z.infer<typeof linearIssueEventSchema>;

export const linearCycleEventSchema = linearEnvelopeSchema.extend({
  data: z.object({
    id: z.string().min(1),
    number: z.number().nullish(),
    name: z.string().nullish(),
    startsAt: sourceTime.nullish(),
    endsAt: sourceTime.nullish(),
    completedAt: sourceTime.nullish(),
    updatedAt: sourceTime.nullish(),
  }),
});
export type LinearCycleEvent = z.infer<typeof linearCycleEventSchema>;
