// POST /ingest/usage: generic usage records. All or nothing: one bad record rejects the batch (400 with
// the record's field path) and nothing is written; `id` makes a retried delivery count once. Unknown
// fields are ignored and named in `warnings`. A team-scoped token's records count for its team; one
// that names another team, or adds to another team's session, is refused (403, nothing written).
import type { Deps } from '../../deps.js';
import { ForbiddenError, ValidationError, type FieldIssue } from '../../errors.js';
import { defineRoute, parseWith, type IngestCaller, type Route } from '../../http/route.js';
import { unknownFieldWarnings, type FieldWarning } from '../field-warnings.js';
import { SOURCE } from '../../domain/counting.js';
import { billingSourceOf, priceProviderOf } from '../../domain/billing-source.js';
import { modelFitAltCost, normalizeProvider, priceTokens } from '../../domain/pricing.js';
import { ingestBatch } from './usage-batch.js';
import { tooOldWarnings } from '../too-old.js';
import { usageBodySchema, usageRecordSchema, type UsageBody } from './usage-schema.js';

const KNOWN_FIELDS = Object.keys(usageRecordSchema.shape);

type Scope = NonNullable<IngestCaller['team']>;

function scopeRefusal(scope: Scope, issues: FieldIssue[]): ForbiddenError {
  return new ForbiddenError(`this ingest token may only send usage of team "${scope.name}"`, { issues: issues.slice(0, 10) });
}

/** a scoped token's records may name its own team only */
function checkScope(body: UsageBody, scope: Scope): void {
  const issues: FieldIssue[] = [];
  body.records.forEach((r, i) => {
    if (r.team && r.team.toLowerCase() !== scope.name.toLowerCase()) {
      issues.push({ path: `records.${i}.team`, message: `names team "${r.team}"; this token may only send usage of team "${scope.name}"` });
    }
  });
  if (issues.length > 0) throw scopeRefusal(scope, issues);
}

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

export async function ingestUsageRecords(deps: Deps, body: UsageBody, caller: IngestCaller = {}): Promise<UsageAnswer> {
  checkTimes(body, deps.clock.now());
  const scope = caller.team;
  if (scope) checkScope(body, scope);
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
      const a = batch.attribute({ email: r.user ?? undefined, team: r.team ?? undefined, project: r.project ?? undefined, scopeTeamId: scope?.id });
      if (r.team && a.teamSource !== 'attribute' && a.teamSource !== 'token') unknownTeams.add(r.team);
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
        const st = batch.session({ sessionId: r.session_id, source: 'generic', at: ts, attribution: a, email: r.user?.toLowerCase(), project: r.project });
        if (scope && st.teamId !== null && st.teamId !== scope.id) {
          throw scopeRefusal(scope, [
            { path: `records.${i}.session_id`, message: `this session belongs to another team; this token may only send usage of team "${scope.name}"` },
          ]);
        }
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
  return defineRoute<unknown>({
    method: 'POST',
    path: '/ingest/usage',
    auth: 'bearer',
    async handle({ deps, body: raw, caller }) {
      const body = parseWith(usageBodySchema, raw);
      const unknown: FieldWarning[] = unknownFieldWarnings(raw, 'records', KNOWN_FIELDS);
      const result = await ingestUsageRecords(deps, body, caller);
      const warnings = [...(result.warnings ?? []), ...unknown];
      return { body: warnings.length > 0 ? { ...result, warnings } : result };
    },
  });
}
