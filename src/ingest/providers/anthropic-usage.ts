// Anthropic Admin API usage report: GET /v1/organizations/usage_report/messages, hourly buckets grouped
// by model, workspace, API key and service tier. Tokens are stored as reported and priced with the
// price library (batch tier at half price); this is the bill only when no cost report covers the day.
import { z } from 'zod';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { HOUR_MS } from '../../domain/reconciliation.js';
import { priceTokens } from '../../domain/pricing.js';
import { anthropicGet, rfc3339 } from './provider-api.js';
import { parsePage, type WindowPoller } from './poller.js';
import { BILL } from '../billing/reconcile.js';
import { mappedTeam } from './team-mapping.js';

const count = z.number().nonnegative().catch(0);
const result = z.object({
  uncached_input_tokens: count,
  cache_creation: z.object({ ephemeral_1h_input_tokens: count, ephemeral_5m_input_tokens: count }).nullish(),
  cache_read_input_tokens: count,
  output_tokens: count,
  server_tool_use: z.object({ web_search_requests: count }).nullish(),
  api_key_id: z.string().nullish(),
  workspace_id: z.string().nullish(),
  model: z.string().nullish(),
  service_tier: z.string().nullish(),
  context_window: z.string().nullish(),
});
const bucket = z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(result) });
export const anthropicUsagePage = z.object({ data: z.array(bucket), has_more: z.boolean(), next_page: z.string().nullish() });
type Bucket = z.infer<typeof bucket>;

/** the Batch API costs half of the listed price */
export const BATCH_DISCOUNT = 0.5;

export const anthropicUsagePoller: WindowPoller<Bucket> = {
  name: BILL.anthropicUsage,
  provider: 'anthropic',
  widthMs: HOUR_MS,
  async fetchPage(ctx, from, to, page) {
    const raw = await anthropicGet(ctx, '/v1/organizations/usage_report/messages', {
      starting_at: rfc3339(from),
      ending_at: rfc3339(to),
      bucket_width: '1h',
      limit: 168,
      group_by: ['model', 'workspace_id', 'api_key_id', 'service_tier'],
      page,
    });
    const p = parsePage(anthropicUsagePage, raw, 'the Anthropic usage report');
    return { data: p.data, hasMore: p.has_more, nextPage: p.next_page ?? null };
  },
  storeBucket(sc, b) {
    const start = Date.parse(b.starting_at);
    const end = Date.parse(b.ending_at);
    const bills = billingRepo(sc.db);
    const prior = bills.clearBucket(BILL.anthropicUsage, start);
    for (const r of b.results) {
      const cw5m = r.cache_creation?.ephemeral_5m_input_tokens ?? 0;
      const cw1h = r.cache_creation?.ephemeral_1h_input_tokens ?? 0;
      const tokens = {
        input: r.uncached_input_tokens,
        output: r.output_tokens,
        cacheRead: r.cache_read_input_tokens,
        cacheWrite: cw5m + cw1h,
        cacheWrite1h: cw1h,
        webSearches: r.server_tool_use?.web_search_requests ?? 0,
      };
      const price = r.model ? priceTokens('anthropic', r.model, tokens, { at: start, perRequest: false }) : { costUsd: 0, priced: false };
      const factor = r.service_tier === 'batch' ? BATCH_DISCOUNT : 1;
      bills.upsert(
        {
          source: BILL.anthropicUsage,
          bucketStart: start,
          bucketEnd: end,
          dims: JSON.stringify([r.model ?? null, r.workspace_id ?? null, r.api_key_id ?? null, r.service_tier ?? null, r.context_window ?? null]),
          provider: 'anthropic',
          model: r.model ?? null,
          workspaceId: r.workspace_id ?? null,
          apiKeyId: r.api_key_id ?? null,
          teamId: mappedTeam(sc.db, { apiKeyId: r.api_key_id, workspaceId: r.workspace_id }),
          inputTokens: tokens.input,
          outputTokens: tokens.output,
          cacheReadTokens: tokens.cacheRead,
          cacheWriteTokens: tokens.cacheWrite,
          requests: 0,
          costUsd: price.costUsd * factor,
          costSource: price.priced ? 'computed' : 'unpriced',
          extra: JSON.stringify({ cache_write_1h_tokens: cw1h, web_search_requests: tokens.webSearches, service_tier: r.service_tier ?? null }),
        },
        sc.now,
        prior,
      );
    }
    return start;
  },
};
