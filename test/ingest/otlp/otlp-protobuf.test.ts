// OTLP protobuf over HTTP and gRPC: the same figures as JSON, answers as the OTLP specification says
// (Export…ServiceResponse, partial_success), team scopes, and a clean stop of the gRPC server.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTokensCommand } from '../../../src/cli/tokens.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH } from '../../../src/ingest/otlp/otlp-grpc.js';
import { decodeLogsRequest, decodeResponse, encodeLogsRequest, encodeMetricsRequest } from '../../../src/ingest/otlp/otlp-protobuf.js';
import { startTestApp, TEST_INGEST_TOKEN, type TestApp } from '../../helpers/test-app.js';
import { exportClient } from '../../helpers/grpc-client.js';
import { tempDbPath } from '../../helpers/temp-db.js';
import { logsExport } from './otlp-builders.js';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/otlp/${name}`, import.meta.url), 'utf8')) as unknown;

/** what a JSON app and a protobuf app wrote, side by side */
const snapshot = (t: TestApp) => ({
  usage: t.db
    .prepare('SELECT idem_key, source, ts, model, person_id, team_id, session_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, cost_usd, cost_source, counted FROM usage_records ORDER BY idem_key')
    .all(),
  sessions: t.db.prepare('SELECT session_id, team_id, cost_usd, api_requests, commits, prompts, tool_failures, lines_added, active_seconds FROM agent_sessions ORDER BY session_id').all(),
  tools: t.db.prepare('SELECT session_id, tool_name, success, error_sig FROM session_tool_results ORDER BY session_id, ts').all(),
});

async function seeded(env: Record<string, string> = {}) {
  const t = await startTestApp({ env });
  const org = orgRepo(t.db);
  const platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
  org.setPersonTeam(org.ensurePersonByEmail('alice@example.com', 0).id, platform);
  return t;
}

describe('OTLP/HTTP protobuf', () => {
  let json: TestApp;
  let proto: TestApp;
  beforeAll(async () => {
    json = await seeded();
    proto = await seeded({ OTLP_GRPC_PORT: '0' });
  });
  afterAll(async () => {
    await json.close();
    await proto.close();
  });

  it('writes exactly what the same exports as JSON write, and answers the same in an Export…ServiceResponse', async () => {
    for (const [path, name, encode, signal] of [
      ['/v1/metrics', 'metrics-export.json', encodeMetricsRequest, 'metrics'],
      ['/v1/logs', 'logs-export.json', encodeLogsRequest, 'logs'],
    ] as const) {
      const j = await json.ingest(path, fixture(name));
      expect(j.status).toBe(200);
      const jsonAnswer = await j.json();
      const res = await fetch(proto.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
        body: gzipSync(encode(fixture(name))),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/x-protobuf');
      expect(decodeResponse(signal, new Uint8Array(await res.arrayBuffer()))).toEqual(jsonAnswer);
    }
    const a = snapshot(json);
    expect(a.usage.length).toBeGreaterThan(3);
    expect(snapshot(proto)).toEqual(a);
  });

  it('answers partial success in protobuf, over HTTP and gRPC', async () => {
    const body = encodeLogsRequest(
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: '2026-11-20T09:00:00Z', attrs: { 'session.id': 'p1', model: 'claude-haiku-4-5', input_tokens: 'many', output_tokens: 1 } },
        { name: 'api_request', at: '2026-11-20T09:00:01Z', attrs: { 'session.id': 'p1', model: 'claude-haiku-4-5', input_tokens: 1000, output_tokens: 1 } },
      ]),
    );
    const res = await fetch(`${proto.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
      body,
    });
    expect(res.status).toBe(200);
    const expected = { partialSuccess: { rejectedLogRecords: 1, errorMessage: '1 skipped: claude_code.api_request has a token count that is not a number (1)' } };
    expect(decodeResponse('logs', new Uint8Array(await res.arrayBuffer()))).toEqual(expected);
    const g = await exportClient(LOGS_EXPORT_PATH, proto.app.ports['otlp-grpc']!, { gzip: true }).call(body);
    expect(g.code).toBe(0);
    expect(decodeResponse('logs', g.body!)).toEqual(expected);
    // Haiku 4.5 at $1 per Mtok in, $5 out: 1,000 in and 1 out is $0.001005, counted once for both sends
    expect(proto.db.prepare("SELECT COUNT(*) AS n, ROUND(SUM(cost_usd), 9) AS c FROM usage_records WHERE session_id = 'p1'").get()).toEqual({ n: 1, c: 0.001005 });
  });

  it('answers a PERMISSION_DENIED to a team-scoped token naming another team over gRPC', async () => {
    orgRepo(proto.db).createTeam('Data', null, 0);
    const token = runTokensCommand(proto.db, ['create', 'data-only', '--team', 'Data'], 1).lines.map((l) => l.trim()).find((l) => l.startsWith('asp_'))!;
    const body = encodeMetricsRequest(fixture('metrics-export.json'));
    const g = await exportClient(METRICS_EXPORT_PATH, proto.app.ports['otlp-grpc']!).call(body, token);
    expect(g.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(g.details).toContain('resourceMetrics.0.resource.attributes.team.id: names team "Platform"');
  });
});

describe('OTLP protobuf oneofs', () => {
  it('keep the last member sent when an AnyValue carries two (as protobuf says), and only that one', () => {
    const w = () => protobuf.Writer.create();
    const anyValue = w().uint32((1 << 3) | 2).string('ten').uint32((3 << 3) | 0).int64(10).finish(); // string_value, then int_value
    const keyValue = w().uint32((1 << 3) | 2).string('input_tokens').uint32((2 << 3) | 2).bytes(anyValue).finish();
    const resource = w().uint32((1 << 3) | 2).bytes(keyValue).finish();
    const resourceLogs = w().uint32((1 << 3) | 2).bytes(resource).finish();
    const request = w().uint32((1 << 3) | 2).bytes(resourceLogs).finish();
    const value = decodeLogsRequest(request).resourceLogs![0]!.resource!.attributes![0]!.value!;
    expect(Object.keys(value)).toEqual(['intValue']);
    expect(value.intValue).toBe(10);
  });
});

describe('OTLP protobuf strings', () => {
  it('reads ASCII, accented, CJK and emoji strings of every length exactly as sent', () => {
    const values = ['', 'a', 'Bash', 'alice@example.com', 'zoë@exämple.com', 'claude-sonnet-4-5…', '日本語のプロジェクト', 'ok 🚀', 'x'.repeat(200), `${'y'.repeat(9)}é`];
    const body = {
      resourceLogs: [
        {
          resource: { attributes: values.map((v, i) => ({ key: `k${i}`, value: { stringValue: v } })) },
          scopeLogs: [{ logRecords: [{ body: { stringValue: 'claude_code.api_request' } }] }],
        },
      ],
    };
    const decoded = decodeLogsRequest(encodeLogsRequest(body)) as unknown as typeof body;
    expect(decoded.resourceLogs[0]!.resource.attributes.map((a) => a.value.stringValue)).toEqual(values);
  });
});

describe('OTLP/gRPC server lifecycle', () => {
  it('is off unless OTLP_GRPC_PORT is set', async () => {
    const t = await startTestApp();
    expect(t.app.ports).toEqual({});
    await t.close();
  });

  it('finishes a call in flight when the app stops, then refuses new ones', async () => {
    const tmp = tempDbPath();
    const t = await startTestApp({ env: { OTLP_GRPC_PORT: '0' }, dbPath: tmp.path });
    const c = exportClient(LOGS_EXPORT_PATH, t.app.ports['otlp-grpc']!);
    const body = encodeLogsRequest(
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: '2026-11-20T09:00:00Z', attrs: { 'session.id': 'stop-1', model: 'claude-haiku-4-5', input_tokens: 1, output_tokens: 1, cost_usd: 0.5 } },
      ]),
    );
    expect((await c.call(body)).code).toBe(0); // connected
    // a large export (20,000 events) is still being written when the stop begins
    const events = Array.from({ length: 20_000 }, (_, i) => ({
      name: 'api_request',
      at: new Date(Date.parse('2026-11-20T09:00:00Z') + i * 10).toISOString(),
      attrs: { 'session.id': 'stop-2', 'event.sequence': i, model: 'claude-haiku-4-5', input_tokens: 1, output_tokens: 1, cost_usd: 0.5 },
    }));
    const inflight = c.call(encodeLogsRequest(logsExport({ 'service.name': 'claude-code' }, events)));
    await new Promise((r) => setTimeout(r, 150));
    const stopping = t.stopApp();
    const [r] = await Promise.all([inflight, stopping]);
    expect(r.code).toBe(0);
    const after = await c.call(body);
    expect(after.code).toBe(grpc.status.UNAVAILABLE);
    c.close();
    const { openDatabase } = await import('../../../src/db/open.js');
    const db = openDatabase(tmp.path);
    expect(db.prepare("SELECT COUNT(*) AS n FROM usage_records WHERE session_id = 'stop-1'").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM usage_records WHERE session_id = 'stop-2'").get()).toEqual({ n: 20_000 });
    db.close();
    await t.close();
    tmp.cleanup();
  });
});
