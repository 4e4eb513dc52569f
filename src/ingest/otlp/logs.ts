// Claude Code events (OTLP log records) → usage rows (api_request), tool results and prompt counts.
// Privacy: of user_prompt only the time is used (prompts are counted); the prompt text, tool
// parameters and tool input are never read, whatever the exporter sends. Tool errors are kept only
// as a short signature hash.
import { billingSourceOf, BILLING, priceProviderOf } from '../../domain/billing-source.js';
import { SOURCE, UNKNOWN_MODEL } from '../../domain/counting.js';
import { modelFitAltCost, priceTokens, type TokenCounts } from '../../domain/pricing.js';
import type { CostSource } from '../../db/repos/usage-repo.js';
import type { UsageBatch } from '../usage/usage-batch.js';
import { bool, hashKey, nanos, nanosToMs, num, str, toAttrs, type Attrs } from './any-value.js';
import { CLAUDE_CODE_PROVIDER, EVENTS, errorSignature, identity, type EventKind } from './claude-code.js';
import type { ExportLogs, LogRecord } from './otlp-schema.js';
import { Rejections } from './rejections.js';

function eventName(lr: LogRecord, a: Attrs): string | undefined {
  const candidates = [lr.eventName ?? undefined, str(lr.body ?? undefined), str(a['event.name'])];
  for (const c of candidates) {
    if (!c) continue;
    const full = c.startsWith('claude_code.') ? c : `claude_code.${c}`;
    if (EVENTS[full]) return full;
  }
  return undefined;
}

function eventTime(lr: LogRecord, a: Attrs): { ms: number; raw: string } | undefined {
  const iso = str(a['event.timestamp']);
  if (iso) {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms)) return { ms, raw: iso };
  }
  const n = nanos(lr.timeUnixNano) ?? nanos(lr.observedTimeUnixNano);
  return n === undefined ? undefined : { ms: nanosToMs(n), raw: n.toString() };
}

/** a token count attribute: absent → 0; present but not a whole non-negative number → undefined */
function tokenAttr(v: Attrs[string]): number | undefined {
  const n = num(v);
  if (n === undefined) return 0;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

export function ingestLogs(batch: UsageBatch, body: ExportLogs): Rejections {
  const rejected = new Rejections();
  for (const rl of body.resourceLogs ?? []) {
    const resource = toAttrs(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        const attrs = toAttrs(lr.attributes, Object.assign(Object.create(null) as Attrs, resource));
        const name = eventName(lr, attrs);
        if (!name) continue; // not a Claude Code event we read
        rejected.seen += 1;
        const time = eventTime(lr, attrs);
        if (!time) {
          rejected.add(1, `${name} has no timestamp`);
          continue;
        }
        if (batch.tooOld(time.ms)) {
          rejected.addTooOld(1, batch.retentionDays);
          continue;
        }
        ingestEvent(batch, name, EVENTS[name]!, attrs, time, rejected);
      }
    }
  }
  return rejected;
}

function ingestEvent(
  batch: UsageBatch,
  name: string,
  kind: EventKind,
  a: Attrs,
  time: { ms: number; raw: string },
  rejected: Rejections,
): void {
  const who = identity(a);
  const key = hashKey(
    'e',
    who.sessionId,
    name,
    time.raw,
    str(a['event.sequence']),
    str(a['prompt.id']),
    str(a['request_id']) ?? str(a['client_request_id']),
  );
  let tokens: TokenCounts | undefined;
  let reportedCost: number | undefined;
  if (kind === 'api_request') {
    const input = tokenAttr(a['input_tokens']);
    const output = tokenAttr(a['output_tokens']);
    const cacheRead = tokenAttr(a['cache_read_tokens']);
    const cacheWrite = tokenAttr(a['cache_creation_tokens']);
    if (input === undefined || output === undefined || cacheRead === undefined || cacheWrite === undefined) {
      return rejected.add(1, `${name} has a token count that is not a number`);
    }
    tokens = { input, output, cacheRead, cacheWrite };
    const cost = num(a['cost_usd']);
    const micros = num(a['cost_usd_micros']);
    if (cost !== undefined && !(Number.isFinite(cost) && cost >= 0)) return rejected.add(1, `${name} has a cost_usd that is not a number`);
    reportedCost = cost ?? (micros !== undefined && Number.isFinite(micros) && micros >= 0 ? micros / 1e6 : undefined);
  }

  const attribution = batch.attribute({ email: who.email, accountUuid: who.accountUuid, team: who.team });
  if (who.sessionId) {
    batch.session({ sessionId: who.sessionId, source: who.service, at: time.ms, attribution, email: who.email, accountUuid: who.accountUuid });
  }

  switch (kind) {
    case 'api_request': {
      const t = tokens!;
      const model = str(a['model']) ?? UNKNOWN_MODEL;
      const billingSource = billingSourceOf(CLAUDE_CODE_PROVIDER, model, attribution.plan);
      // Claude Code reports Anthropic's list price; on Bedrock and Vertex the cloud's own price applies
      const cloud = billingSource === BILLING.bedrock || billingSource === BILLING.vertex;
      const priced =
        reportedCost === undefined || cloud
          ? priceTokens(priceProviderOf(billingSource, CLAUDE_CODE_PROVIDER), model, t, { at: time.ms, perRequest: true })
          : undefined;
      let costUsd: number;
      let costSource: CostSource;
      if (priced?.priced || reportedCost === undefined) {
        costUsd = priced!.costUsd;
        costSource = priced!.priced ? 'computed' : 'unpriced';
      } else {
        costUsd = reportedCost;
        costSource = 'reported';
      }
      // counting rule a: from now on this session is counted from its events
      if (who.sessionId) batch.markHasEvents(who.sessionId);
      if (attribution.personId !== null) batch.coverEvent(attribution.personId, model, time.ms);
      batch.addUsage({
        idemKey: `otlp:e:${key}`,
        source: SOURCE.otlpEvent,
        ts: time.ms,
        day: batch.day(time.ms),
        provider: CLAUDE_CODE_PROVIDER,
        model,
        billingSource,
        personId: attribution.personId,
        teamId: attribution.teamId,
        sessionId: who.sessionId ?? null,
        inputTokens: t.input,
        outputTokens: t.output,
        cacheReadTokens: t.cacheRead,
        cacheWriteTokens: t.cacheWrite,
        requests: 1,
        costUsd,
        costSource,
        counted: true,
        fitAltCostUsd: modelFitAltCost({ model, requests: 1, tokens: t, at: time.ms }),
      });
      return;
    }
    case 'tool_result': {
      if (!who.sessionId) return;
      const errorText = str(a['error']) ?? str(a['error_type']);
      const success = bool(a['success']) ?? errorText === undefined;
      const inserted = batch.insertToolResult({
        idemKey: `otlp:e:${key}`,
        sessionId: who.sessionId,
        at: time.ms,
        toolName: (str(a['tool_name']) ?? 'unknown').slice(0, 100),
        success,
        errorSig: success ? null : errorSignature(errorText),
      });
      if (inserted && !success) batch.activity(who.sessionId, time.ms).toolFailures += 1;
      return;
    }
    case 'user_prompt': {
      // only the time is used; `prompt` is never read
      if (who.sessionId && batch.claimOnce(SOURCE.otlpEvent, key)) batch.activity(who.sessionId, time.ms).prompts += 1;
      return;
    }
    case 'activity':
      return;
  }
}
