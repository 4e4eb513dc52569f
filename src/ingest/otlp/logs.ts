// Claude Code events, read out of an export by log-events.ts (on the decode thread or here), →
// usage rows (api_request), tool results and prompt counts.
//
// Speed: an export carries hundreds of events of one session. Who sent an event (person, team,
// session) is worked out once per run of events with the same identity attributes.
import { billingSourceOf, BILLING, priceProviderOf } from '../../domain/billing-source.js';
import { SOURCE, UNKNOWN_MODEL } from '../../domain/counting.js';
import { normalizeEmail, type Attribution } from '../../domain/attribution.js';
import { modelFitAltCost, priceTokens, type TokenCounts } from '../../domain/pricing.js';
import type { CostSource } from '../../db/repos/usage-repo.js';
import type { UsageBatch } from '../usage/usage-batch.js';
import { CLAUDE_CODE_PROVIDER, DEFAULT_SERVICE, EVENTS, type EventKind } from './claude-code.js';
import { eventInt, eventKey, eventNum, eventStr, N, PROBLEM, readLogEvents, S, type LogEvents } from './log-events.js';
import type { ExportLogs } from './otlp-schema.js';
import { Rejections } from './rejections.js';
import { checkSessionTeam, type TeamScope } from './otlp-scope.js';

/** who sent a run of events: kept while the next event has the same identity attributes */
interface Sender {
  /** the identity attributes as indexes into the events' strings (-2: no sender yet) */
  session: number;
  email: number;
  account: number;
  team: number;
  service: number;
  sessionId: string | undefined;
  attribution: Attribution | undefined;
}

/**
 * Writes the events of an export through `batch`. `scope`: the team of a team-scoped token (the
 * export was checked beforehand: no attribute names another team).
 */
export function applyLogEvents(batch: UsageBatch, ev: LogEvents, scope?: TeamScope): Rejections {
  const rejected = new Rejections();
  const who: Sender = { session: -2, email: -2, account: -2, team: -2, service: -2, sessionId: undefined, attribution: undefined };
  for (let e = 0; e < ev.count; e++) {
    const name = eventStr(ev, e, S.name)!;
    rejected.seen += 1;
    const problem = eventInt(ev, e, S.problem);
    if (problem === PROBLEM.noTimestamp) {
      rejected.add(1, `${name} has no timestamp`);
      continue;
    }
    const ms = eventNum(ev, e, N.ms);
    if (batch.tooOld(ms)) {
      rejected.addTooOld(1, batch.retentionDays);
      continue;
    }
    if (problem === PROBLEM.tokenCount) {
      rejected.add(1, `${name} has a token count that is not a number`);
      continue;
    }
    if (problem === PROBLEM.cost) {
      rejected.add(1, `${name} has a cost_usd that is not a number`);
      continue;
    }
    ingestEvent(batch, ev, e, name, EVENTS[name]!, ms, who, scope);
  }
  return rejected;
}

/** the events of an export read and written here, on this thread (tests; log-decoder.ts decides the thread for ingest) */
export function ingestLogs(batch: UsageBatch, body: ExportLogs, scope?: TeamScope): Rejections {
  return applyLogEvents(batch, readLogEvents(body, scope), scope);
}

/** the sender of this event: the previous one's when its identity attributes are the same */
function sender(batch: UsageBatch, ev: LogEvents, e: number, who: Sender, at: number, scope: TeamScope | undefined): Sender {
  const session = eventInt(ev, e, S.session);
  const email = eventInt(ev, e, S.email);
  const account = eventInt(ev, e, S.account);
  const team = eventInt(ev, e, S.team);
  const service = eventInt(ev, e, S.service);
  const same = who.session === session && who.email === email && who.account === account && who.team === team && who.service === service;
  if (!same) {
    who.session = session;
    who.email = email;
    who.account = account;
    who.team = team;
    who.service = service;
    const sessionId = eventStr(ev, e, S.session);
    const normalized = normalizeEmail(eventStr(ev, e, S.email));
    const accountUuid = eventStr(ev, e, S.account);
    const source = eventStr(ev, e, S.service) ?? DEFAULT_SERVICE;
    who.sessionId = sessionId;
    who.attribution = batch.attribute({ email: normalized, accountUuid, team: eventStr(ev, e, S.team), scopeTeamId: scope?.id });
    if (sessionId) {
      const st = batch.session({ sessionId, source, at, attribution: who.attribution, email: normalized, accountUuid });
      checkSessionTeam(scope, st.teamId, () => {
        const [i, j, k] = [eventInt(ev, e, S.i), eventInt(ev, e, S.j), eventInt(ev, e, S.k)];
        return `resourceLogs.${i}.scopeLogs.${j}.logRecords.${k}.attributes`;
      });
    }
  } else if (who.sessionId) {
    // the session is known to the batch: only its activity window widens
    batch.activity(who.sessionId, at);
  }
  return who;
}

function ingestEvent(batch: UsageBatch, ev: LogEvents, e: number, name: string, kind: EventKind, ms: number, prev: Sender, scope: TeamScope | undefined): void {
  const who = sender(batch, ev, e, prev, ms, scope);
  const attribution = who.attribution!;
  const idemKey = `otlp:e:${eventKey(ev, e)}`;

  switch (kind) {
    case 'api_request': {
      const t: TokenCounts = {
        input: eventNum(ev, e, N.input),
        output: eventNum(ev, e, N.output),
        cacheRead: eventNum(ev, e, N.cacheRead),
        cacheWrite: eventNum(ev, e, N.cacheWrite),
      };
      const reported = eventNum(ev, e, N.reportedCost);
      const reportedCost = Number.isNaN(reported) ? undefined : reported;
      const model = eventStr(ev, e, S.model) ?? UNKNOWN_MODEL;
      const billingSource = billingSourceOf(CLAUDE_CODE_PROVIDER, model, attribution.plan);
      // Claude Code reports Anthropic's list price; on Bedrock and Vertex the cloud's own price applies
      const cloud = billingSource === BILLING.bedrock || billingSource === BILLING.vertex;
      const priced =
        reportedCost === undefined || cloud
          ? priceTokens(priceProviderOf(billingSource, CLAUDE_CODE_PROVIDER), model, t, { at: ms, perRequest: true })
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
      if (attribution.personId !== null) batch.coverEvent(attribution.personId, model, ms);
      batch.addUsage({
        idemKey,
        source: SOURCE.otlpEvent,
        ts: ms,
        day: batch.day(ms),
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
        fitAltCostUsd: modelFitAltCost({ model, requests: 1, tokens: t, at: ms }),
      });
      return;
    }
    case 'tool_result': {
      if (!who.sessionId) return;
      const success = eventInt(ev, e, S.success) === 1;
      const inserted = batch.insertToolResult({
        idemKey,
        sessionId: who.sessionId,
        at: ms,
        toolName: eventStr(ev, e, S.tool)!,
        success,
        errorSig: success ? null : eventStr(ev, e, S.errorSig)!,
      });
      if (inserted && !success) batch.activity(who.sessionId, ms).toolFailures += 1;
      return;
    }
    case 'user_prompt': {
      // only the time is used; `prompt` is never read
      if (who.sessionId && batch.claimOnce(SOURCE.otlpEvent, eventKey(ev, e))) batch.activity(who.sessionId, ms).prompts += 1;
      return;
    }
    case 'activity':
      return;
  }
}
