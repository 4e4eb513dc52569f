// Claude Code Analytics API: GET /v1/organizations/usage_report/claude_code, one UTC day per call,
// one record per actor (user or API key) and day with sessions, commits, PRs, lines and an estimated
// cost per model in cents. Stored as billing buckets; rule c of the counting rule turns the part
// that telemetry does not explain into 'analytics_gap' rows for the person.
import { z } from 'zod';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { normalizeEmail } from '../../domain/attribution.js';
import { DAY_MS } from '../../domain/reconciliation.js';
import { anthropicGet } from './provider-api.js';
import { parsePage, type DayPoller } from './poller.js';
import { BILL } from '../billing/reconcile.js';

const count = z.number().nonnegative().catch(0);
const modelLine = z.object({
  model: z.string(),
  tokens: z.object({ input: count, output: count, cache_read: count, cache_creation: count }).catch({ input: 0, output: 0, cache_read: 0, cache_creation: 0 }),
  estimated_cost: z.object({ currency: z.string().nullish(), amount: z.union([z.number(), z.string()]) }).nullish(),
});
const record = z.object({
  date: z.string(),
  actor: z.object({ type: z.string(), email_address: z.string().nullish(), api_key_name: z.string().nullish() }),
  organization_id: z.string().nullish(),
  customer_type: z.string().nullish(),
  terminal_type: z.string().nullish(),
  core_metrics: z
    .object({
      num_sessions: count,
      lines_of_code: z.object({ added: count, removed: count }).nullish(),
      commits_by_claude_code: count,
      pull_requests_by_claude_code: count,
    })
    .nullish(),
  tool_actions: z.record(z.string(), z.unknown()).nullish(),
  model_breakdown: z.array(modelLine).nullish(),
});
export const analyticsPage = z.object({ data: z.array(record), has_more: z.boolean(), next_page: z.string().nullish() });
type AnalyticsRecord = z.infer<typeof record>;

function cents(v: number | string | undefined): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export const claudeCodeAnalyticsPoller: DayPoller<AnalyticsRecord> = {
  name: BILL.claudeCodeAnalytics,
  provider: 'anthropic',
  async fetchPage(ctx, day, page) {
    const raw = await anthropicGet(ctx, '/v1/organizations/usage_report/claude_code', { starting_at: day, limit: 1000, page });
    const p = parsePage(analyticsPage, raw, 'the Claude Code Analytics API');
    return { data: p.data, hasMore: p.has_more, nextPage: p.next_page ?? null };
  },
  clearDay(sc, day) {
    return billingRepo(sc.db).clearBucket(BILL.claudeCodeAnalytics, Date.parse(`${day}T00:00:00Z`));
  },
  storeRecord(sc, day, r, prior) {
    const start = Date.parse(`${day}T00:00:00Z`);
    const email = r.actor.type === 'user_actor' ? normalizeEmail(r.actor.email_address ?? undefined) : undefined;
    const person = email ? orgRepo(sc.db).ensurePersonByEmail(email, sc.now) : undefined;
    const lines = r.model_breakdown ?? [];
    let cost = 0;
    const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    for (const m of lines) {
      cost += cents(m.estimated_cost?.amount) / 100;
      tokens.input += m.tokens.input;
      tokens.output += m.tokens.output;
      tokens.cacheRead += m.tokens.cache_read;
      tokens.cacheWrite += m.tokens.cache_creation;
    }
    const actor = email ?? r.actor.api_key_name ?? r.actor.email_address ?? '(unknown actor)';
    billingRepo(sc.db).upsert(
      {
        source: BILL.claudeCodeAnalytics,
        bucketStart: start,
        bucketEnd: start + DAY_MS,
        dims: JSON.stringify([r.actor.type, actor, r.terminal_type ?? null, r.customer_type ?? null]),
        provider: 'anthropic',
        model: lines.length === 1 ? lines[0]!.model : null,
        email: email ?? null,
        personId: person?.id ?? null,
        teamId: person?.team_id ?? null,
        inputTokens: tokens.input,
        outputTokens: tokens.output,
        cacheReadTokens: tokens.cacheRead,
        cacheWriteTokens: tokens.cacheWrite,
        requests: 0,
        costUsd: cost,
        costSource: 'reported',
        extra: JSON.stringify({
          api_key_name: r.actor.api_key_name ?? null,
          customer_type: r.customer_type ?? null,
          terminal_type: r.terminal_type ?? null,
          core_metrics: r.core_metrics ?? null,
          tool_actions: r.tool_actions ?? null,
          models: lines.map((m) => ({ model: m.model, cost_usd: cents(m.estimated_cost?.amount) / 100, tokens: m.tokens })),
        }),
      },
      sc.now,
      prior,
    );
  },
};
