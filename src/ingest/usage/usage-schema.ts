// The generic usage record (DESIGN.md "Generic usage record"): for Cursor, Codex, internal gateways.
import { z } from 'zod';

export const MAX_RECORDS = 5_000;

const tokens = z
  .number({ error: 'must be a whole number of tokens' })
  .int({ error: 'must be a whole number of tokens' })
  .nonnegative({ error: 'must not be negative' });
const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

export const usageRecordSchema = z.object({
  id: text(256),
  provider: text(64),
  model: text(200),
  timestamp: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a zone, e.g. 2026-11-20T09:30:00Z' }),
  user: z.email({ error: 'must be an email address' }).nullish(),
  team: text(100).nullish(),
  session_id: text(200).nullish(),
  project: text(200).nullish(),
  input_tokens: tokens,
  output_tokens: tokens,
  cache_read_tokens: tokens.nullish(),
  cache_write_tokens: tokens.nullish(),
  cost_usd: z.number({ error: 'must be a number of US dollars' }).nonnegative({ error: 'must not be negative' }).nullish(),
});
export type UsageRecordIn = z.infer<typeof usageRecordSchema>;

export const usageBodySchema = z.object({
  records: z.array(usageRecordSchema, { error: 'must be an array of usage records' }).max(MAX_RECORDS, {
    error: `at most ${MAX_RECORDS} records per request; split the batch`,
  }),
});
export type UsageBody = z.infer<typeof usageBodySchema>;
