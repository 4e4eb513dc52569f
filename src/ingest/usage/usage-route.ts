// POST /ingest/usage: generic usage records. All or nothing: one bad record rejects the batch (400 with
// the record's field path) and nothing is written; `id` makes a retried delivery count once.
import type { Deps } from '../../deps.js';
import { ValidationError, type FieldIssue } from '../../errors.js';
import { defineRoute, type Route } from '../../http/route.js';
import { SOURCE } from '../../domain/counting.js';
import { billingSourceOf, priceProviderOf } from '../../domain/billing-source.js';
import { modelFitAltCost, normalizeProvider, priceTokens } from '../../domain/pricing.js';
import { ingestBatch } from './usage-batch.js';
import { tooOldWarnings } from '../too-old.js';
import { usageBodySchema, type UsageBody } from './usage-schema.js';

/** records further in the future than this are refused (a wrong clock or unit) */
const FUTURE_SLACK_MS = 24 * 3_600_000;

function checkTimes(body: UsageBody, now: number): void {
  const issues: FieldIssue[] = [];
  body.records.forEach((r, i) => {
    if (Date.parse(r.timestamp) > now + FUTURE_SLACK_MS) {
      issues.push({ path: `records.${i}.timestamp`, message: 'is more than a day in the future' });
    }
  });
  if (issues.length > 0) throw new ValidationError(issues);
}

export interface UsageAnswer {
  accepted: number;
  duplicates: number;
  /** records older than RETENTION_DAYS, not counted (only when there are some) */
  too_old?: number;
  warnings?: FieldIssue[];
}

export async function ingestUsageRecords(deps: Deps, body: UsageBody): Promise<UsageAnswer> {
  checkTimes(body, deps.clock.now());
  const unknownTeams = new Set<string>();
  const result = await ingestBatch(deps, (batch) => {
    let accepted = 0;
    let duplicates = 0;
    const tooOld: number[] = [];
    for (const [i, r] of body.records.entries()) {
      const ts = Date.parse(r.timestamp);
      if (batch.tooOld(ts)) {
        tooOld.push(i);
        continue;
      }
      const provider = normalizeProvider(r.provider);
      const a = batch.attribute({ email: r.user ?? undefined, team: r.team ?? undefined, project: r.project ?? undefined });
      if (r.team && a.teamSource !== 'attribute') unknownTeams.add(r.team);
      const tokens = { input: r.input_tokens, output: r.output_tokens, cacheRead: r.cache_read_tokens ?? 0, cacheWrite: r.cache_write_tokens ?? 0 };
      // a person's Claude plan covers their Claude Code, not the API calls a gateway reports
      const billingSource = billingSourceOf(provider, r.model);
      let costUsd = r.cost_usd ?? 0;
      let costSource: 'reported' | 'computed' | 'unpriced' = 'reported';
      if (r.cost_usd === undefined || r.cost_usd === null) {
        const p = priceTokens(priceProviderOf(billingSource, provider), r.model, tokens, { at: ts, perRequest: true });
        costUsd = p.costUsd;
        costSource = p.priced ? 'computed' : 'unpriced';
      }
      if (r.session_id) {
        batch.session({ sessionId: r.session_id, source: 'generic', at: ts, attribution: a, email: r.user?.toLowerCase(), project: r.project });
      }
      const inserted = batch.addUsage({
        idemKey: `gen:${r.id}`,
        source: SOURCE.generic,
        ts,
        day: batch.day(ts),
        provider,
        model: r.model,
        billingSource,
        personId: a.personId,
        teamId: a.teamId,
        sessionId: r.session_id ?? null,
        project: r.project ?? null,
        inputTokens: tokens.input,
        outputTokens: tokens.output,
        cacheReadTokens: tokens.cacheRead,
        cacheWriteTokens: tokens.cacheWrite,
        requests: 1,
        costUsd,
        costSource,
        counted: true,
        fitAltCostUsd: modelFitAltCost({ model: r.model, requests: 1, tokens, at: ts }),
      });
      if (inserted) accepted += 1;
      else duplicates += 1;
    }
    const answer: UsageAnswer = { accepted, duplicates };
    if (tooOld.length > 0) {
      answer.too_old = tooOld.length;
      answer.warnings = tooOldWarnings(tooOld, (i) => `records.${i}.timestamp`, deps.config.retentionDays);
    }
    return answer;
  });
  if (unknownTeams.size > 0) {
    deps.logger.warn('generic usage named teams that do not exist; attributed by person or mapping instead', {
      teams: [...unknownTeams].slice(0, 10),
    });
  }
  return result;
}

export function usageRoute(): Route {
  return defineRoute({
    method: 'POST',
    path: '/ingest/usage',
    auth: 'bearer',
    schema: usageBodySchema,
    handle: async ({ deps, body }) => ({ body: await ingestUsageRecords(deps, body) }),
  });
}
