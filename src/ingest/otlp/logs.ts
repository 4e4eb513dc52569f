// Claude Code events (OTLP log records) → usage rows (api_request), tool results and prompt counts.
// Privacy: of user_prompt only the time is used (prompts are counted); the prompt text, tool
// parameters and tool input are never read, whatever the exporter sends. Tool errors are kept only
// as a short signature hash.
//
// Speed: an export carries hundreds of events of one session. The attributes aispend reads are
// picked out of each record's list into one reused object (no map per record), and who sent an event
// (person, team, session) is worked out once per run of events with the same identity.
import { billingSourceOf, BILLING, priceProviderOf } from '../../domain/billing-source.js';
import { SOURCE, UNKNOWN_MODEL } from '../../domain/counting.js';
import { normalizeEmail, type Attribution } from '../../domain/attribution.js';
import { modelFitAltCost, priceTokens, type TokenCounts } from '../../domain/pricing.js';
import type { CostSource } from '../../db/repos/usage-repo.js';
import type { UsageBatch } from '../usage/usage-batch.js';
import { bool, hashKey, nanos, nanosToMs, num, str } from './any-value.js';
import { CLAUDE_CODE_PROVIDER, DEFAULT_SERVICE, EVENTS, errorSignature, type EventKind } from './claude-code.js';
import type { AnyValue, ExportLogs, KeyValue, LogRecord } from './otlp-schema.js';
import { Rejections } from './rejections.js';
import { checkSessionTeam, type TeamScope } from './otlp-scope.js';

/** the attributes of an event that aispend reads, resource attributes first, the record's over them */
class EventAttrs {
  eventName: AnyValue | undefined = undefined;
  eventTimestamp: AnyValue | undefined = undefined;
  eventSequence: AnyValue | undefined = undefined;
  promptId: AnyValue | undefined = undefined;
  requestId: AnyValue | undefined = undefined;
  clientRequestId: AnyValue | undefined = undefined;
  sessionId: AnyValue | undefined = undefined;
  email: AnyValue | undefined = undefined;
  accountUuid: AnyValue | undefined = undefined;
  teamId: AnyValue | undefined = undefined;
  team: AnyValue | undefined = undefined;
  service: AnyValue | undefined = undefined;
  model: AnyValue | undefined = undefined;
  inputTokens: AnyValue | undefined = undefined;
  outputTokens: AnyValue | undefined = undefined;
  cacheReadTokens: AnyValue | undefined = undefined;
  cacheCreationTokens: AnyValue | undefined = undefined;
  costUsd: AnyValue | undefined = undefined;
  costUsdMicros: AnyValue | undefined = undefined;
  toolName: AnyValue | undefined = undefined;
  success: AnyValue | undefined = undefined;
  error: AnyValue | undefined = undefined;
  errorType: AnyValue | undefined = undefined;

  copy(from: EventAttrs): void {
    Object.assign(this, from);
  }

  /** takes the attributes of a list that aispend reads; a later one with the same key wins, as in a map */
  scan(list: readonly KeyValue[] | null | undefined): void {
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      const kv = list[i]!;
      const v = kv.value ?? undefined;
      switch (kv.key) {
        case 'event.name':
          this.eventName = v;
          break;
        case 'event.timestamp':
          this.eventTimestamp = v;
          break;
        case 'event.sequence':
          this.eventSequence = v;
          break;
        case 'prompt.id':
          this.promptId = v;
          break;
        case 'request_id':
          this.requestId = v;
          break;
        case 'client_request_id':
          this.clientRequestId = v;
          break;
        case 'session.id':
          this.sessionId = v;
          break;
        case 'user.email':
          this.email = v;
          break;
        case 'user.account_uuid':
          this.accountUuid = v;
          break;
        case 'team.id':
          this.teamId = v;
          break;
        case 'team':
          this.team = v;
          break;
        case 'service.name':
          this.service = v;
          break;
        case 'model':
          this.model = v;
          break;
        case 'input_tokens':
          this.inputTokens = v;
          break;
        case 'output_tokens':
          this.outputTokens = v;
          break;
        case 'cache_read_tokens':
          this.cacheReadTokens = v;
          break;
        case 'cache_creation_tokens':
          this.cacheCreationTokens = v;
          break;
        case 'cost_usd':
          this.costUsd = v;
          break;
        case 'cost_usd_micros':
          this.costUsdMicros = v;
          break;
        case 'tool_name':
          this.toolName = v;
          break;
        case 'success':
          this.success = v;
          break;
        case 'error':
          this.error = v;
          break;
        case 'error_type':
          this.errorType = v;
          break;
      }
    }
  }
}

function eventName(lr: LogRecord, a: EventAttrs): string | undefined {
  for (let i = 0; i < 3; i++) {
    const c = i === 0 ? lr.eventName || undefined : i === 1 ? str(lr.body ?? undefined) : str(a.eventName);
    if (!c) continue;
    const full = c.startsWith('claude_code.') ? c : `claude_code.${c}`;
    if (EVENTS[full]) return full;
  }
  return undefined;
}

/** the event's time in ms and as sent (for its idempotency key) */
interface EventTime {
  ms: number;
  raw: string;
}

function eventTime(lr: LogRecord, a: EventAttrs, into: EventTime): boolean {
  const iso = str(a.eventTimestamp);
  if (iso) {
    const ms = Date.parse(iso);
    if (Number.isFinite(ms)) {
      into.ms = ms;
      into.raw = iso;
      return true;
    }
  }
  const n = nanos(lr.timeUnixNano) ?? nanos(lr.observedTimeUnixNano);
  if (n === undefined) return false;
  into.ms = nanosToMs(n);
  into.raw = n.toString();
  return true;
}

/** a token count attribute: absent → 0; present but not a whole non-negative number → undefined */
function tokenAttr(v: AnyValue | undefined): number | undefined {
  const n = num(v);
  if (n === undefined) return 0;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
}

/** who sent a run of events: kept while the next event has the same identity attributes */
interface Sender {
  sessionId: string | undefined;
  rawEmail: string | undefined;
  email: string | undefined;
  accountUuid: string | undefined;
  team: string | undefined;
  service: string;
  attribution: Attribution | undefined;
}

/** `scope`: the team of a team-scoped token (checked beforehand: no attribute names another team) */
export function ingestLogs(batch: UsageBatch, body: ExportLogs, scope?: TeamScope): Rejections {
  const rejected = new Rejections();
  const at = { i: 0, j: 0, k: 0 };
  const where = () => `resourceLogs.${at.i}.scopeLogs.${at.j}.logRecords.${at.k}.attributes`;
  const resource = new EventAttrs();
  const a = new EventAttrs();
  const time: EventTime = { ms: 0, raw: '' };
  const who: Sender = { sessionId: undefined, rawEmail: undefined, email: undefined, accountUuid: undefined, team: undefined, service: DEFAULT_SERVICE, attribution: undefined };
  const resourceLogs = body.resourceLogs ?? [];
  for (at.i = 0; at.i < resourceLogs.length; at.i++) {
    const rl = resourceLogs[at.i]!;
    resource.copy(EMPTY);
    resource.scan(rl.resource?.attributes);
    const scopeLogs = rl.scopeLogs ?? [];
    for (at.j = 0; at.j < scopeLogs.length; at.j++) {
      const records = scopeLogs[at.j]!.logRecords ?? [];
      for (at.k = 0; at.k < records.length; at.k++) {
        const lr = records[at.k]!;
        a.copy(resource);
        a.scan(lr.attributes);
        const name = eventName(lr, a);
        if (!name) continue; // not a Claude Code event we read
        rejected.seen += 1;
        if (!eventTime(lr, a, time)) {
          rejected.add(1, `${name} has no timestamp`);
          continue;
        }
        if (batch.tooOld(time.ms)) {
          rejected.addTooOld(1, batch.retentionDays);
          continue;
        }
        ingestEvent(batch, name, EVENTS[name]!, a, time, who, rejected, scope, where);
      }
    }
  }
  return rejected;
}

const EMPTY = new EventAttrs();

/** the sender of this event: the previous one's when its identity attributes are the same */
function sender(batch: UsageBatch, a: EventAttrs, who: Sender, at: number, scope: TeamScope | undefined, where: () => string): Sender {
  const sessionId = str(a.sessionId);
  const rawEmail = str(a.email);
  const accountUuid = str(a.accountUuid);
  const team = str(a.teamId) ?? str(a.team);
  const service = str(a.service) ?? DEFAULT_SERVICE;
  const same =
    who.attribution !== undefined &&
    who.sessionId === sessionId &&
    who.rawEmail === rawEmail &&
    who.accountUuid === accountUuid &&
    who.team === team &&
    who.service === service;
  if (!same) {
    who.sessionId = sessionId;
    who.rawEmail = rawEmail;
    who.email = normalizeEmail(rawEmail);
    who.accountUuid = accountUuid;
    who.team = team;
    who.service = service;
    who.attribution = batch.attribute({ email: who.email, accountUuid, team, scopeTeamId: scope?.id });
    if (sessionId) {
      const st = batch.session({ sessionId, source: service, at, attribution: who.attribution, email: who.email, accountUuid });
      checkSessionTeam(scope, st.teamId, where);
    }
  } else if (sessionId) {
    // the session is known to the batch: only its activity window widens
    batch.activity(sessionId, at);
  }
  return who;
}

function ingestEvent(
  batch: UsageBatch,
  name: string,
  kind: EventKind,
  a: EventAttrs,
  time: EventTime,
  prev: Sender,
  rejected: Rejections,
  scope: TeamScope | undefined,
  where: () => string,
): void {
  let tokens: TokenCounts | undefined;
  let reportedCost: number | undefined;
  if (kind === 'api_request') {
    const input = tokenAttr(a.inputTokens);
    const output = tokenAttr(a.outputTokens);
    const cacheRead = tokenAttr(a.cacheReadTokens);
    const cacheWrite = tokenAttr(a.cacheCreationTokens);
    if (input === undefined || output === undefined || cacheRead === undefined || cacheWrite === undefined) {
      return rejected.add(1, `${name} has a token count that is not a number`);
    }
    tokens = { input, output, cacheRead, cacheWrite };
    const cost = num(a.costUsd);
    const micros = num(a.costUsdMicros);
    if (cost !== undefined && !(Number.isFinite(cost) && cost >= 0)) return rejected.add(1, `${name} has a cost_usd that is not a number`);
    reportedCost = cost ?? (micros !== undefined && Number.isFinite(micros) && micros >= 0 ? micros / 1e6 : undefined);
  }

  const who = sender(batch, a, prev, time.ms, scope, where);
  const attribution = who.attribution!;
  const key = hashKey('e', who.sessionId, name, time.raw, str(a.eventSequence), str(a.promptId), str(a.requestId) ?? str(a.clientRequestId));

  switch (kind) {
    case 'api_request': {
      const t = tokens!;
      const model = str(a.model) ?? UNKNOWN_MODEL;
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
      const errorText = str(a.error) ?? str(a.errorType);
      const success = bool(a.success) ?? errorText === undefined;
      const inserted = batch.insertToolResult({
        idemKey: `otlp:e:${key}`,
        sessionId: who.sessionId,
        at: time.ms,
        toolName: (str(a.toolName) ?? 'unknown').slice(0, 100),
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
