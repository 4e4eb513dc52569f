// Anthropic Admin API cost report: GET /v1/organizations/cost_report, daily buckets grouped by workspace
// and description. `amount` is a decimal string in cents ("123.45" = $1.2345): divided by 100.
import { z } from 'zod';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { DAY_MS } from '../../domain/reconciliation.js';
import { anthropicGet, rfc3339 } from './provider-api.js';
import { parsePage, type WindowPoller } from './poller.js';
import { BILL } from '../billing/reconcile.js';
import { mappedTeam } from './team-mapping.js';

const result = z.object({
  currency: z.string().nullish(),
  amount: z.union([z.string(), z.number()]),
  workspace_id: z.string().nullish(),
  description: z.string().nullish(),
  cost_type: z.string().nullish(),
  context_window: z.string().nullish(),
  model: z.string().nullish(),
  service_tier: z.string().nullish(),
  token_type: z.string().nullish(),
  inference_geo: z.string().nullish(),
});
const bucket = z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(result) });
export const anthropicCostPage = z.object({ data: z.array(bucket), has_more: z.boolean(), next_page: z.string().nullish() });
type Bucket = z.infer<typeof bucket>;

/** cents as a decimal string (or number) → dollars; NaN when unreadable */
export function centsToUsd(amount: string | number): number {
  const n = typeof amount === 'number' ? amount : Number(amount.trim());
  return Number.isFinite(n) ? n / 100 : NaN;
}

export const anthropicCostPoller: WindowPoller<Bucket> = {
  name: BILL.anthropicCost,
  provider: 'anthropic',
  widthMs: DAY_MS,
  async fetchPage(ctx, from, to, page) {
    const raw = await anthropicGet(ctx, '/v1/organizations/cost_report', {
      starting_at: rfc3339(from),
      ending_at: rfc3339(to),
      bucket_width: '1d',
      limit: 31,
      group_by: ['workspace_id', 'description'],
      page,
    });
    const p = parsePage(anthropicCostPage, raw, 'the Anthropic cost report');
    return { data: p.data, hasMore: p.has_more, nextPage: p.next_page ?? null };
  },
  storeBucket(sc, b) {
    const start = Date.parse(b.starting_at);
    const end = Date.parse(b.ending_at);
    const bills = billingRepo(sc.db);
    const prior = bills.clearBucket(BILL.anthropicCost, start);
    b.results.forEach((r, i) => {
      const usd = centsToUsd(r.amount);
      if (!Number.isFinite(usd) || (r.currency && r.currency.toUpperCase() !== 'USD')) return;
      bills.upsert(
        {
          source: BILL.anthropicCost,
          bucketStart: start,
          bucketEnd: end,
          // the position keeps two lines with identical dimensions apart
          dims: JSON.stringify([r.workspace_id ?? null, r.description ?? null, r.model ?? null, r.token_type ?? null, r.cost_type ?? null, r.context_window ?? null, r.service_tier ?? null, r.inference_geo ?? null, i]),
          provider: 'anthropic',
          model: r.model ?? null,
          workspaceId: r.workspace_id ?? null,
          teamId: mappedTeam(sc.db, { workspaceId: r.workspace_id }),
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          requests: 0,
          costUsd: usd,
          costSource: 'reported',
          extra: JSON.stringify({ description: r.description ?? null, cost_type: r.cost_type ?? null, token_type: r.token_type ?? null }),
        },
        sc.now,
        prior,
      );
    });
    return start;
  },
};
