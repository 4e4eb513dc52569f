// Reading Claude Code events out of an OTLP logs export, before anything touches the database: which
// records are events aispend reads, their time, token counts, cost and identity attributes, and their
// idempotency key. The result is flat (typed arrays and one table of distinct strings), so that it
// crosses from the decode thread (log-decoder.ts) to the main thread without a copy; logs.ts then
// attributes and writes it. This file needs nothing but the export: it runs on either thread.
//
// Privacy: of user_prompt only the time is used (prompts are counted); the prompt text, tool
// parameters and tool input are never read. A tool error leaves here only as a short signature hash.
import { HASH_KEY_LENGTH, hashKey, nanos, nanosToMs, num, bool, str } from './any-value.js';
import { EVENTS, errorSignature } from './claude-code.js';
import { MAX_ITEMS_PER_REQUEST, tooManyItems } from './otlp-protobuf.js';
import type { AnyValue, ExportLogs, KeyValue, LogRecord } from './otlp-schema.js';
import { checkLogsScope, type TeamScope } from './otlp-scope.js';

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

const EMPTY = new EventAttrs();

/** the strings of an event, as indexes into LogEvents.strings (-1: absent) */
export const S = {
  name: 0,
  session: 1,
  email: 2,
  account: 3,
  team: 4,
  service: 5,
  model: 6,
  tool: 7,
  errorSig: 8,
  /** where the record is in the export: resourceLogs, scopeLogs, logRecords */
  i: 9,
  j: 10,
  k: 11,
  problem: 12,
  /** tool_result: 1 success, 0 failure */
  success: 13,
} as const;
const S_WIDTH = 14;

/** the numbers of an event (NaN: absent) */
export const N = { ms: 0, input: 1, output: 2, cacheRead: 3, cacheWrite: 4, reportedCost: 5 } as const;
const N_WIDTH = 6;

/** what is wrong with an event that is still counted as seen (and skipped) */
export const PROBLEM = { none: 0, noTimestamp: 1, tokenCount: 2, cost: 3 } as const;

/** the Claude Code events of one export, flat */
export interface LogEvents {
  count: number;
  strings: string[];
  /** the events' idempotency keys, HASH_KEY_LENGTH characters each, end to end */
  keys: string;
  ints: Int32Array;
  nums: Float64Array;
}

class Builder {
  count = 0;
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();
  keys = '';
  ints: Int32Array;
  nums: Float64Array;

  constructor(capacity: number) {
    this.ints = new Int32Array(Math.max(1, capacity) * S_WIDTH);
    this.nums = new Float64Array(Math.max(1, capacity) * N_WIDTH);
  }

  str(s: string | undefined): number {
    if (s === undefined) return -1;
    let n = this.index.get(s);
    if (n === undefined) {
      n = this.strings.length;
      this.strings.push(s);
      this.index.set(s, n);
    }
    return n;
  }

  /** a new event, every field absent */
  next(): number {
    const e = this.count++;
    this.ints.fill(-1, e * S_WIDTH, (e + 1) * S_WIDTH);
    this.nums.fill(NaN, e * N_WIDTH, (e + 1) * N_WIDTH);
    return e;
  }

  done(): LogEvents {
    // only the filled part crosses threads
    return {
      count: this.count,
      strings: this.strings,
      keys: this.keys,
      ints: this.ints.slice(0, this.count * S_WIDTH),
      nums: this.nums.slice(0, this.count * N_WIDTH),
    };
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

/** a token count attribute: absent → 0; present but not a whole non-negative number → NaN */
function tokenAttr(v: AnyValue | undefined): number {
  const n = num(v);
  if (n === undefined) return 0;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : NaN;
}

function countRecords(body: ExportLogs): number {
  let n = 0;
  for (const rl of body.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) n += sl.logRecords?.length ?? 0;
  return n;
}

/**
 * The events of an export (validated beforehand: zod or its guard). Refuses, as a whole, an export
 * over MAX_ITEMS_PER_REQUEST records (400) and, for a team-scoped token, one that names another
 * team (403): nothing of it is written.
 */
export function readLogEvents(body: ExportLogs, scope?: TeamScope): LogEvents {
  const records = countRecords(body);
  if (records > MAX_ITEMS_PER_REQUEST) throw tooManyItems(records, 'log records');
  if (scope) checkLogsScope(body, scope);
  const out = new Builder(records);
  const resource = new EventAttrs();
  const a = new EventAttrs();
  const time: EventTime = { ms: 0, raw: '' };
  const keys: string[] = [];
  const resourceLogs = body.resourceLogs ?? [];
  for (let i = 0; i < resourceLogs.length; i++) {
    const rl = resourceLogs[i]!;
    resource.copy(EMPTY);
    resource.scan(rl.resource?.attributes);
    const scopeLogs = rl.scopeLogs ?? [];
    for (let j = 0; j < scopeLogs.length; j++) {
      const logRecords = scopeLogs[j]!.logRecords ?? [];
      for (let k = 0; k < logRecords.length; k++) {
        const lr = logRecords[k]!;
        a.copy(resource);
        a.scan(lr.attributes);
        const name = eventName(lr, a);
        if (!name) continue; // not a Claude Code event we read
        const e = out.next();
        const si = e * S_WIDTH;
        const ni = e * N_WIDTH;
        const ints = out.ints;
        const nums = out.nums;
        ints[si + S.name] = out.str(name);
        ints[si + S.i] = i;
        ints[si + S.j] = j;
        ints[si + S.k] = k;
        if (!eventTime(lr, a, time)) {
          ints[si + S.problem] = PROBLEM.noTimestamp;
          keys.push(' '.repeat(HASH_KEY_LENGTH));
          continue;
        }
        nums[ni + N.ms] = time.ms;
        let problem: number = PROBLEM.none;
        const kind = EVENTS[name];
        if (kind === 'api_request') {
          const input = tokenAttr(a.inputTokens);
          const output = tokenAttr(a.outputTokens);
          const cacheRead = tokenAttr(a.cacheReadTokens);
          const cacheWrite = tokenAttr(a.cacheCreationTokens);
          nums[ni + N.input] = input;
          nums[ni + N.output] = output;
          nums[ni + N.cacheRead] = cacheRead;
          nums[ni + N.cacheWrite] = cacheWrite;
          const cost = num(a.costUsd);
          const micros = num(a.costUsdMicros);
          if (Number.isNaN(input) || Number.isNaN(output) || Number.isNaN(cacheRead) || Number.isNaN(cacheWrite)) {
            problem = PROBLEM.tokenCount;
          } else if (cost !== undefined && !(Number.isFinite(cost) && cost >= 0)) {
            problem = PROBLEM.cost;
          } else {
            const reported = cost ?? (micros !== undefined && Number.isFinite(micros) && micros >= 0 ? micros / 1e6 : undefined);
            if (reported !== undefined) nums[ni + N.reportedCost] = reported;
          }
          ints[si + S.model] = out.str(str(a.model));
        } else if (kind === 'tool_result') {
          const errorText = str(a.error) ?? str(a.errorType);
          const success = bool(a.success) ?? errorText === undefined;
          ints[si + S.success] = success ? 1 : 0;
          ints[si + S.tool] = out.str((str(a.toolName) ?? 'unknown').slice(0, 100));
          if (!success) ints[si + S.errorSig] = out.str(errorSignature(errorText));
        }
        ints[si + S.problem] = problem;
        const sessionId = str(a.sessionId);
        ints[si + S.session] = out.str(sessionId);
        ints[si + S.email] = out.str(str(a.email));
        ints[si + S.account] = out.str(str(a.accountUuid));
        ints[si + S.team] = out.str(str(a.teamId) ?? str(a.team));
        ints[si + S.service] = out.str(str(a.service));
        keys.push(hashKey('e', sessionId, name, time.raw, str(a.eventSequence), str(a.promptId), str(a.requestId) ?? str(a.clientRequestId)));
      }
    }
  }
  out.keys = keys.join('');
  return out.done();
}

/** one event's idempotency key */
export function eventKey(ev: LogEvents, e: number): string {
  return ev.keys.slice(e * HASH_KEY_LENGTH, (e + 1) * HASH_KEY_LENGTH);
}

/** a string of an event (undefined when absent) */
export function eventStr(ev: LogEvents, e: number, field: number): string | undefined {
  const n = ev.ints[e * S_WIDTH + field]!;
  return n < 0 ? undefined : ev.strings[n];
}

export function eventInt(ev: LogEvents, e: number, field: number): number {
  return ev.ints[e * S_WIDTH + field]!;
}

export function eventNum(ev: LogEvents, e: number, field: number): number {
  return ev.nums[e * N_WIDTH + field]!;
}

/** a LogEvents that came from another thread, checked for the shape this file makes */
export function isLogEvents(v: unknown): v is LogEvents {
  const o = v as LogEvents;
  return (
    typeof o === 'object' &&
    o !== null &&
    Number.isInteger(o.count) &&
    Array.isArray(o.strings) &&
    typeof o.keys === 'string' &&
    o.keys.length === o.count * HASH_KEY_LENGTH &&
    o.ints instanceof Int32Array &&
    o.ints.length === o.count * S_WIDTH &&
    o.nums instanceof Float64Array &&
    o.nums.length === o.count * N_WIDTH
  );
}
