// OpenAI organization usage: GET /v1/organization/usage/completions, hourly buckets grouped by model,
// project, user, API key and batch. OpenAI's input_tokens INCLUDES cached and cache-write tokens: it is
// split here into uncached input, cache reads and cache writes (DESIGN.md token convention).
import { z } from 'zod';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { HOUR_MS } from '../../domain/reconciliation.js';
import { priceTokens, type TokenCounts } from '../../domain/pricing.js';
import { BATCH_DISCOUNT } from './anthropic-usage.js';
import { openaiGet } from './provider-api.js';
import { parsePage, type WindowPoller } from './poller.js';
import { BILL } from '../billing/reconcile.js';
import { mappedTeam } from './team-mapping.js';

const count = z.number().nonnegative().catch(0);
const result = z.object({
  object: z.string().nullish(),
  input_tokens: count,
  output_tokens: count,
  num_model_requests: count,
  input_cached_tokens: z.number().nonnegative().nullish(),
  input_uncached_tokens: z.number().nonnegative().nullish(),
  input_cache_write_tokens: z.number().nonnegative().nullish(),
  project_id: z.string().nullish(),
  user_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  model: z.string().nullish(),
  batch: z.boolean().nullish(),
  service_tier: z.string().nullish(),
});
const bucket = z.object({ start_time: z.number(), end_time: z.number(), results: z.array(result) });
export const openaiUsagePage = z.object({ data: z.array(bucket), has_more: z.boolean(), next_page: z.string().nullish() });
type Bucket = z.infer<typeof bucket>;
type Result = z.infer<typeof result>;

/** OpenAI counts → aispend's partition (uncached input, cache read, cache write) */
export function openaiTokens(r: Pick<Result, 'input_tokens' | 'output_tokens' | 'input_cached_tokens' | 'input_uncached_tokens' | 'input_cache_write_tokens'>): TokenCounts {
  const cacheRead = r.input_cached_tokens ?? 0;
  const cacheWrite = r.input_cache_write_tokens ?? 0;
  const input = r.input_uncached_tokens ?? Math.max(0, r.input_tokens - cacheRead - cacheWrite);
  return { input, output: r.output_tokens, cacheRead, cacheWrite };
}

export const openaiUsagePoller: WindowPoller<Bucket> = {
  name: BILL.openaiUsage,
  provider: 'openai',
  widthMs: HOUR_MS,
  async fetchPage(ctx, from, to, page) {
    const raw = await openaiGet(ctx, '/v1/organization/usage/completions', {
      start_time: Math.floor(from / 1000),
      end_time: Math.floor(to / 1000),
      bucket_width: '1h',
      limit: 168,
      group_by: ['model', 'project_id', 'user_id', 'api_key_id', 'batch'],
      page,
    });
    const p = parsePage(openaiUsagePage, raw, 'the OpenAI usage API');
    return { data: p.data, hasMore: p.has_more, nextPage: p.next_page ?? null };
  },
  storeBucket(sc, b) {
    const start = b.start_time * 1000;
    const bills = billingRepo(sc.db);
    const prior = bills.clearBucket(BILL.openaiUsage, start);
    for (const r of b.results) {
      if (r.object && r.object !== 'organization.usage.completions.result') continue;
      const tokens = openaiTokens(r);
      const price = r.model
        ? priceTokens('openai', r.model, tokens, { at: start, perRequest: false, requests: r.num_model_requests })
        : { costUsd: 0, priced: false };
      bills.upsert(
        {
          source: BILL.openaiUsage,
          bucketStart: start,
          bucketEnd: b.end_time * 1000,
          dims: JSON.stringify([r.model ?? null, r.project_id ?? null, r.user_id ?? null, r.api_key_id ?? null, r.batch ?? null, r.service_tier ?? null]),
          provider: 'openai',
          model: r.model ?? null,
          project: r.project_id ?? null,
          apiKeyId: r.api_key_id ?? null,
          teamId: mappedTeam(sc.db, { apiKeyId: r.api_key_id, project: r.project_id }),
          inputTokens: tokens.input,
          outputTokens: tokens.output,
          cacheReadTokens: tokens.cacheRead,
          cacheWriteTokens: tokens.cacheWrite,
          requests: r.num_model_requests,
          costUsd: price.costUsd * (r.batch ? BATCH_DISCOUNT : 1),
          costSource: price.priced ? 'computed' : 'unpriced',
          extra: JSON.stringify({ user_id: r.user_id ?? null, batch: r.batch ?? null, service_tier: r.service_tier ?? null }),
        },
        sc.now,
        prior,
      );
    }
    return start;
  },
};
