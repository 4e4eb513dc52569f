// OpenAI organization costs: GET /v1/organization/costs, daily buckets grouped by project, API key and
// line item. amount.value is in dollars (not cents).
import { z } from 'zod';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { DAY_MS } from '../../domain/reconciliation.js';
import { openaiGet } from './provider-api.js';
import { parsePage, type WindowPoller } from './poller.js';
import { BILL } from '../billing/reconcile.js';
import { mappedTeam } from './team-mapping.js';

const result = z.object({
  object: z.string().nullish(),
  amount: z.object({ value: z.union([z.number(), z.string()]), currency: z.string().nullish() }).nullish(),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  quantity: z.number().nullish(),
  quantity_unit: z.string().nullish(),
});
const bucket = z.object({ start_time: z.number(), end_time: z.number(), results: z.array(result) });
export const openaiCostsPage = z.object({ data: z.array(bucket), has_more: z.boolean(), next_page: z.string().nullish() });
type Bucket = z.infer<typeof bucket>;

export const openaiCostsPoller: WindowPoller<Bucket> = {
  name: BILL.openaiCosts,
  provider: 'openai',
  widthMs: DAY_MS,
  async fetchPage(ctx, from, to, page) {
    const raw = await openaiGet(ctx, '/v1/organization/costs', {
      start_time: Math.floor(from / 1000),
      end_time: Math.floor(to / 1000),
      bucket_width: '1d',
      limit: 31,
      group_by: ['project_id', 'api_key_id', 'line_item'],
      page,
    });
    const p = parsePage(openaiCostsPage, raw, 'the OpenAI costs API');
    return { data: p.data, hasMore: p.has_more, nextPage: p.next_page ?? null };
  },
  storeBucket(sc, b) {
    const start = b.start_time * 1000;
    const bills = billingRepo(sc.db);
    const prior = bills.clearBucket(BILL.openaiCosts, start);
    b.results.forEach((r, i) => {
      const value = typeof r.amount?.value === 'string' ? Number(r.amount.value) : r.amount?.value;
      if (value === undefined || !Number.isFinite(value)) return;
      if (r.amount?.currency && r.amount.currency.toLowerCase() !== 'usd') return;
      bills.upsert(
        {
          source: BILL.openaiCosts,
          bucketStart: start,
          bucketEnd: b.end_time * 1000,
          dims: JSON.stringify([r.project_id ?? null, r.api_key_id ?? null, r.line_item ?? null, i]),
          provider: 'openai',
          model: null,
          project: r.project_id ?? null,
          apiKeyId: r.api_key_id ?? null,
          teamId: mappedTeam(sc.db, { apiKeyId: r.api_key_id, project: r.project_id }),
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          requests: 0,
          costUsd: value,
          costSource: 'reported',
          extra: JSON.stringify({ line_item: r.line_item ?? null, quantity: r.quantity ?? null, quantity_unit: r.quantity_unit ?? null }),
        },
        sc.now,
        prior,
      );
    });
    return start;
  },
};
