// Ingest workloads, deterministic from the seed: Claude Code OTLP exports (metrics every minute,
// events in between) shaped like the recorded exports in docs/shared reference §3, and generic
// usage batches as an internal gateway or an editor would post them.
import { MODELS, type BenchOrg, type BenchPerson, type ModelName } from './org.js';
import { createRng, type Rng } from './prng.js';

type Attr = { key: string; value: { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean } };

const s = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });
const i = (key: string, v: number): Attr => ({ key, value: { intValue: v } });
const d = (key: string, v: number): Attr => ({ key, value: { doubleValue: v } });

export interface OtlpExport {
  path: '/v1/metrics' | '/v1/logs';
  /** when the exporter sends it */
  at: number;
  /** the resourceMetrics / resourceLogs entry of one Claude Code process */
  resource: unknown;
  /** metric data points or log records it carries */
  points: number;
}

export interface OtlpWorkload {
  exports: OtlpExport[];
  points: number;
  sessions: number;
}

const ORG_ID = 'dc9f6c26-b22c-4831-8d01-0446bada88f1';
const VERSION = '2.0.14';
const SESSION_MODELS: ModelName[] = ['sonnet', 'opus', 'haiku'];
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

function resourceAttrs(p: BenchPerson, teamName: string | undefined): Attr[] {
  const attrs = [s('service.name', 'claude-code'), s('service.version', VERSION), s('os.type', p.id % 3 === 0 ? 'linux' : 'darwin'), s('host.arch', 'arm64')];
  // half the org sets team.id through OTEL_RESOURCE_ATTRIBUTES in managed settings
  if (teamName && p.id % 2 === 0) attrs.push(s('team.id', teamName));
  return attrs;
}

/**
 * Sessions of the org's people, starting over an hour from `startMs`, until `targetPoints` data
 * points (metric points + log records) are produced; the exports are then ordered by the time they
 * are sent, so concurrent sessions interleave as they would on the wire. Each minute of a session:
 * two logs exports (api_request and tool_result events, sometimes a user_prompt; the SDK flushes
 * logs every 5 s) and, at the minute's end, one metrics export (token.usage by type and model,
 * cost.usage, active_time, lines_of_code, sometimes commit.count).
 */
export function otlpWorkload(org: BenchOrg, seed: number, startMs: number, targetPoints: number): OtlpWorkload {
  const rng = createRng(seed, 'otlp-workload');
  const teamName = new Map(org.teams.map((t) => [t.id, t.name]));
  const exports: OtlpExport[] = [];
  let points = 0;
  let sessions = 0;
  while (points < targetPoints) {
    const p = org.people[rng.int(0, org.people.length - 1)]!;
    const sessionId = rng.uuid();
    const accountUuid = p.accountUuid;
    const primary = SESSION_MODELS[rng.weighted([0.72, 0.18, 0.1])]!;
    const minutes = rng.int(5, 30);
    const t0 = startMs + rng.int(0, 3_599) * 1_000;
    const resource = { attributes: resourceAttrs(p, p.teamId === null ? undefined : teamName.get(p.teamId)) };
    const std = [s('session.id', sessionId), s('organization.id', ORG_ID), s('user.account_uuid', accountUuid), s('user.email', p.email), s('terminal.type', 'vscode')];
    sessions += 1;
    for (let m = 0; m < minutes && points < targetPoints; m++) {
      const from = t0 + m * 60_000;
      const to = from + 60_000;
      const models: ModelName[] = primary !== 'haiku' && rng.chance(0.4) ? [primary, 'haiku'] : [primary];
      const metrics = minuteMetrics(rng, std, models, from, to, m === 0);
      exports.push({ path: '/v1/metrics', at: to, resource: { resource, scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code', version: VERSION }, metrics: metrics.list }] }, points: metrics.points });
      points += metrics.points;
      for (let half = 0; half < 2; half++) {
        const logs = minuteEvents(rng, std, models, from + half * 30_000);
        exports.push({ path: '/v1/logs', at: from + half * 30_000 + 29_000, resource: { resource, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: VERSION }, logRecords: logs }] }, points: logs.length });
        points += logs.length;
      }
    }
  }
  exports.sort((a, b) => a.at - b.at);
  return { exports, points, sessions };
}

function sum(name: string, unit: string, dataPoints: unknown[]) {
  return { name, unit, sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints } };
}

function minuteMetrics(rng: Rng, std: Attr[], models: ModelName[], from: number, to: number, first: boolean) {
  const point = (attrs: Attr[], v: number) => ({ attributes: [...std, ...attrs], startTimeUnixNano: ns(from), timeUnixNano: ns(to), asDouble: v });
  const tokens: unknown[] = [];
  const cost: unknown[] = [];
  for (const name of models) {
    const model = MODELS[name].model;
    const req = rng.int(1, 6);
    tokens.push(
      point([s('type', 'input'), s('model', model)], req * rng.int(50, 400)),
      point([s('type', 'output'), s('model', model)], req * rng.int(150, 900)),
      point([s('type', 'cacheRead'), s('model', model)], req * rng.int(8_000, 40_000)),
      point([s('type', 'cacheCreation'), s('model', model)], req * rng.int(200, 3_000)),
    );
    cost.push(point([s('model', model)], Math.round(req * rng.next() * 0.08 * 1e6) / 1e6));
  }
  const list = [sum('claude_code.token.usage', 'tokens', tokens), sum('claude_code.cost.usage', 'USD', cost), sum('claude_code.active_time.total', 's', [point([], rng.int(10, 60))])];
  let points = tokens.length + cost.length + 1;
  if (rng.chance(0.5)) {
    list.push(sum('claude_code.lines_of_code.count', '', [point([s('type', 'added')], rng.int(1, 80)), point([s('type', 'removed')], rng.int(0, 30))]));
    points += 2;
  }
  if (rng.chance(0.08)) {
    list.push(sum('claude_code.commit.count', '', [point([], 1)]));
    points += 1;
  }
  if (first) {
    list.push(sum('claude_code.session.count', '', [point([], 1)]));
    points += 1;
  }
  return { list, points };
}

function minuteEvents(rng: Rng, std: Attr[], models: ModelName[], at: number): unknown[] {
  const out: unknown[] = [];
  const record = (ts: number, name: string, attrs: Attr[]) => ({
    timeUnixNano: ns(ts),
    observedTimeUnixNano: ns(ts),
    body: { stringValue: `claude_code.${name}` },
    attributes: [s('event.name', name), s('event.timestamp', new Date(ts).toISOString()), ...std, ...attrs],
  });
  const calls = rng.int(1, 3);
  for (let c = 0; c < calls; c++) {
    const ts = at + rng.int(0, 29_999);
    const model = MODELS[rng.pick(models)].model;
    out.push(
      record(ts, 'api_request', [
        s('model', model), d('cost_usd', Math.round(rng.next() * 0.05 * 1e6) / 1e6), i('duration_ms', rng.int(400, 9_000)),
        i('input_tokens', rng.int(50, 400)), i('output_tokens', rng.int(100, 1_500)), i('cache_read_tokens', rng.int(8_000, 40_000)),
        // older exporters send numbers as strings: both encodings appear
        s('cache_creation_tokens', String(rng.int(200, 3_000))),
      ]),
    );
  }
  const tools = rng.int(1, 4);
  for (let t = 0; t < tools; t++) {
    const ok = rng.chance(0.9);
    const attrs = [s('tool_name', rng.pick(['Read', 'Edit', 'Bash', 'Grep', 'Write'])), s('success', ok ? 'true' : 'false'), i('duration_ms', rng.int(5, 4_000))];
    if (!ok) attrs.push(s('error', 'Command failed with exit code 1'));
    out.push(record(at + rng.int(0, 29_999), 'tool_result', attrs));
  }
  if (rng.chance(0.2)) out.push(record(at + rng.int(0, 29_999), 'user_prompt', [s('prompt_length', String(rng.int(20, 800))), s('prompt', '<REDACTED>')]));
  return out;
}

/**
 * The Collector configuration docs/scale.md recommends: batches of 2,048 points (send_batch_size and
 * send_batch_max_size). Larger batches ingest no faster per point (npm run bench: the same CPU rate
 * at 2,048, 4,096 and 8,192) but hold more in memory while one is parsed (~35 MB per MB of JSON).
 */
export const COLLECTOR_BATCH_POINTS = 2048;
/** and no body over this, well inside the default INGEST_BODY_LIMIT_BYTES (5 MiB) */
export const COLLECTOR_MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Requests of one export each (as Claude Code sends them), or merged as an OpenTelemetry Collector's
 * batch processor sends them: up to `batchItems` points per request (send_batch_size), and never a
 * body over COLLECTOR_MAX_BODY_BYTES (what send_batch_max_size is for).
 */
export function otlpBodies(w: OtlpWorkload, mode: 'exporter' | 'collector', batchItems = COLLECTOR_BATCH_POINTS): Array<{ path: string; body: string; points: number }> {
  const wrap = (path: string, resources: string[]) =>
    `{"${path === '/v1/metrics' ? 'resourceMetrics' : 'resourceLogs'}":[${resources.join(',')}]}`;
  if (mode === 'exporter') {
    return w.exports.map((e) => ({ path: e.path, body: wrap(e.path, [JSON.stringify(e.resource)]), points: e.points }));
  }
  const out: Array<{ path: string; body: string; points: number; at: number }> = [];
  for (const path of ['/v1/metrics', '/v1/logs'] as const) {
    let group: string[] = [];
    let n = 0;
    let bytes = 0;
    let last = 0;
    const flush = () => {
      if (group.length === 0) return;
      out.push({ path, body: wrap(path, group), points: n, at: last });
      group = [];
      n = 0;
      bytes = 0;
    };
    for (const e of w.exports) {
      if (e.path !== path) continue;
      const json = JSON.stringify(e.resource);
      if (n + e.points > batchItems || bytes + json.length > COLLECTOR_MAX_BODY_BYTES) flush();
      group.push(json);
      n += e.points;
      bytes += json.length + 1;
      last = e.at;
    }
    flush();
  }
  // each pipeline sends a batch when it fills: in the order of the batches' last items
  out.sort((a, b) => a.at - b.at);
  return out.map(({ path, body, points }) => ({ path, body, points }));
}

export interface GenericWorkload {
  batches: Array<{ body: string; records: number }>;
  records: number;
}

const GENERIC_MODELS: ModelName[] = ['gpt5', 'gpt41', 'gpt5mini', 'gpt4omini', 'sonnet', 'haiku', 'opus'];

/**
 * Generic usage records (`POST /ingest/usage`) in batches of `perBatch`: an internal gateway's
 * per-call records (team and project, no person) and editor records (by email); a third carry no
 * cost_usd, so ingest prices them.
 */
export function genericWorkload(org: BenchOrg, seed: number, startMs: number, targetRecords: number, perBatch = 500): GenericWorkload {
  const rng = createRng(seed, 'generic-workload');
  const batches: GenericWorkload['batches'] = [];
  let n = 0;
  while (n < targetRecords) {
    const size = Math.min(perBatch, targetRecords - n);
    const records: unknown[] = [];
    for (let k = 0; k < size; k++, n++) {
      const m = MODELS[rng.pick(GENERIC_MODELS)];
      const ts = startMs + rng.int(0, 8 * 3_600_000);
      const input = rng.int(200, 6_000);
      const output = rng.int(20, 2_000);
      const rec: Record<string, unknown> = {
        id: `bench-gen-${seed}-${n}`,
        provider: m.provider,
        model: m.model,
        timestamp: new Date(ts).toISOString(),
        input_tokens: input,
        output_tokens: output,
      };
      if (rng.chance(0.5)) rec.cache_read_tokens = rng.int(0, 4_000);
      if (rng.chance(0.6)) rec.cost_usd = Math.round(rng.next() * 0.04 * 1e6) / 1e6;
      if (rng.chance(0.5)) {
        const p = org.people[rng.int(0, org.people.length - 1)]!;
        rec.user = p.email;
        rec.project = 'cursor';
        if (rng.chance(0.3)) rec.session_id = `cursor-${p.id}-${Math.floor(ts / 3_600_000)}`;
      } else {
        const t = org.teams[rng.int(0, org.teams.length - 1)]!;
        rec.team = t.name;
        rec.project = t.services[0]?.project ?? t.key;
      }
      records.push(rec);
    }
    batches.push({ body: JSON.stringify({ records }), records: size });
  }
  return { batches, records: n };
}

export interface EventsWorkload {
  /** one resourceLogs entry (one Claude Code process) per export */
  exports: Array<{ resource: unknown; records: number }>;
  records: number;
}

/**
 * Claude Code `api_request` events only, in exports of `perExport` records (what an exporter
 * flushing a busy session, or a Collector's logs pipeline, sends): the workload of the issue-15
 * ratio (160 exports of 500, 4 at a time). Each export is one session's events over a few minutes;
 * sessions belong to the org's people (half set team.id), models mixed, numbers as intValue and
 * strings as Claude Code sends them.
 */
export function eventsWorkload(org: BenchOrg, seed: number, startMs: number, exports = 160, perExport = 500): EventsWorkload {
  const rng = createRng(seed, 'events-workload');
  const teamName = new Map(org.teams.map((t) => [t.id, t.name]));
  const out: EventsWorkload['exports'] = [];
  for (let e = 0; e < exports; e++) {
    const p = org.people[rng.int(0, org.people.length - 1)]!;
    const resource = { attributes: resourceAttrs(p, p.teamId === null ? undefined : teamName.get(p.teamId)) };
    const std = [s('session.id', rng.uuid()), s('organization.id', ORG_ID), s('user.account_uuid', p.accountUuid), s('user.email', p.email), s('terminal.type', 'vscode')];
    const primary = SESSION_MODELS[rng.weighted([0.72, 0.18, 0.1])]!;
    const t0 = startMs + rng.int(0, 3_599) * 1_000;
    const logRecords: unknown[] = [];
    for (let k = 0; k < perExport; k++) {
      const ts = t0 + k * rng.int(200, 1_200);
      const model = MODELS[rng.chance(0.3) ? 'haiku' : primary].model;
      logRecords.push({
        timeUnixNano: ns(ts),
        observedTimeUnixNano: ns(ts),
        body: { stringValue: 'claude_code.api_request' },
        attributes: [
          s('event.name', 'api_request'),
          s('event.timestamp', new Date(ts).toISOString()),
          i('event.sequence', k),
          ...std,
          s('model', model),
          d('cost_usd', Math.round(rng.next() * 0.05 * 1e6) / 1e6),
          i('duration_ms', rng.int(400, 9_000)),
          i('input_tokens', rng.int(50, 400)),
          i('output_tokens', rng.int(100, 1_500)),
          i('cache_read_tokens', rng.int(8_000, 40_000)),
          s('cache_creation_tokens', String(rng.int(200, 3_000))),
        ],
      });
    }
    out.push({ resource: { resource, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: VERSION }, logRecords }] }, records: perExport });
  }
  return { exports: out, records: exports * perExport };
}
