// OTLP protobuf (HTTP and gRPC) and JSON under bad input: truncated messages, wrong wire types, huge
// varints and lengths, gzip bombs, a million tiny points, random mutations. Each is refused (400 or
// INVALID_ARGUMENT; 413 or RESOURCE_EXHAUSTED over the size limit), writes nothing, and the process
// goes on serving.
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS_EXPORT_PATH, METRICS_EXPORT_PATH } from '../../../src/ingest/otlp/otlp-grpc.js';
import { decodeResponse, encodeLogsRequest, encodeMetricsRequest } from '../../../src/ingest/otlp/otlp-protobuf.js';
import { startTestApp, TEST_INGEST_TOKEN, type TestApp } from '../../helpers/test-app.js';
import { exportClient, type ExportClient } from '../../helpers/grpc-client.js';
import { largeEventsExport, logsExport, metricsExport } from './otlp-builders.js';
import { THREAD_MIN_BYTES } from '../../../src/ingest/otlp/log-decoder.js';

let t: TestApp;
let logs: ExportClient;
let metrics: ExportClient;



const LIMIT = 1024 * 1024;

beforeAll(async () => {
  t = await startTestApp({ env: { OTLP_GRPC_PORT: '0', INGEST_BODY_LIMIT_BYTES: String(LIMIT) } });
  const port = t.app.ports['otlp-grpc']!;
  logs = exportClient(LOGS_EXPORT_PATH, port);
  metrics = exportClient(METRICS_EXPORT_PATH, port, { gzip: true });
});
afterAll(async () => {
  logs.close();
  metrics.close();
  await t.close();
});

const written = () =>
  (t.db.prepare('SELECT (SELECT COUNT(*) FROM usage_records) + (SELECT COUNT(*) FROM agent_sessions) + (SELECT COUNT(*) FROM otel_series) AS n').get() as { n: number }).n;

const post = (path: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(t.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TEST_INGEST_TOKEN}`, ...headers },
    body,
  });

const validLogs = encodeLogsRequest(
  logsExport({ 'service.name': 'claude-code' }, [
    { name: 'api_request', at: '2026-11-20T09:00:00Z', attrs: { 'session.id': 'bad-input', model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 2, cost_usd: 0.01 } },
  ]),
);
/** read on the decode thread (64 KB or more) */
const validLargeLogs = encodeLogsRequest(largeEventsExport('-bad-input'));
const validMetrics = encodeMetricsRequest(
  metricsExport({ 'service.name': 'claude-code' }, [
    { metric: 'claude_code.cost.usage', value: 0.5, attrs: { 'session.id': 'bad-input-m' }, start: '2026-11-20T09:00:00Z', time: '2026-11-20T09:01:00Z' },
  ]),
);

/** refused over HTTP (400, a protobuf google.rpc.Status) and gRPC (INVALID_ARGUMENT), nothing written */
async function refusedEverywhere(path: '/v1/logs' | '/v1/metrics', body: Uint8Array, why: RegExp) {
  const before = written();
  const res = await post(path, body);
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toBe('application/x-protobuf');
  const status = decodeResponse('status', new Uint8Array(await res.arrayBuffer()));
  expect(status.code).toBe(3);
  expect(String(status.message)).toMatch(why);
  const g = await (path === '/v1/logs' ? logs : metrics).call(body);
  expect(g.code).toBe(grpc.status.INVALID_ARGUMENT);
  expect(g.details).toMatch(why);
  expect(written()).toBe(before);
}

describe('OTLP protobuf bad input', () => {
  it('the valid messages these are made from are taken (so the refusals below are about the damage)', async () => {
    expect((await post('/v1/logs', validLogs)).status).toBe(200);
    expect((await metrics.call(validMetrics)).code).toBe(0);
    expect(written()).toBeGreaterThan(0);
  });

  it('truncated messages: every cut inside the message', async () => {
    for (const cut of [1, 2, 5, Math.floor(validLogs.length / 2), validLogs.length - 1]) {
      await refusedEverywhere('/v1/logs', validLogs.subarray(0, cut), /not a valid protobuf ExportLogsServiceRequest/);
    }
  });

  it('wrong wire types of known fields, naming the field', async () => {
    // resource_logs (field 1) sent as a varint
    await refusedEverywhere('/v1/logs', Uint8Array.from([0x08, 0x01]), /resourceLogs.*wire type 0/);
    // a KeyValue's key (field 1, a string) sent as a varint, deep in a resource
    await refusedEverywhere('/v1/logs', Uint8Array.from([0x0a, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0x08, 0x05]), /resourceLogs\.0\.resource\.attributes\.0\.key: has wire type 0/);
    // a data point's time_unix_nano (field 3, fixed64) sent right, then again as a varint
    const point = [0x19, ...new Array<number>(8).fill(1), 0x18, 0x07];
    const sum = [0x0a, point.length, ...point]; // Sum.data_points
    const metric = [0x0a, 0x01, 0x78, 0x3a, sum.length, ...sum]; // Metric.name "x", Metric.sum (field 7)
    const sm = [0x12, metric.length, ...metric];
    const rm = [0x12, sm.length, ...sm];
    await refusedEverywhere('/v1/metrics', Uint8Array.from([0x0a, rm.length, ...rm]), /dataPoints\.0\.timeUnixNano: has wire type 0/);
  });

  it('huge varints and lengths', async () => {
    await refusedEverywhere('/v1/logs', Uint8Array.from([0x0a, ...new Array<number>(11).fill(0xff), 0x01]), /not a valid protobuf/);
    await refusedEverywhere('/v1/logs', Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00]), /not a valid protobuf/);
    await refusedEverywhere('/v1/metrics', Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x10]), /not a valid protobuf/);
  });

  it('nesting deeper than the decoder allows (an AnyValue array in an array …)', async () => {
    const ld = (field: number, inner: Buffer) => {
      const head = [(field << 3) | 2];
      let l = inner.length;
      while (l > 0x7f) {
        head.push((l & 0x7f) | 0x80);
        l >>>= 7;
      }
      head.push(l);
      return Buffer.concat([Buffer.from(head), inner]);
    };
    let value = ld(1, Buffer.from('x')); // AnyValue.string_value
    for (let d = 0; d < 150; d++) value = ld(5, ld(1, value)); // AnyValue.array_value → ArrayValue.values
    const record = ld(5, value); // LogRecord.body
    const body = ld(1, ld(2, ld(2, record))); // request.resource_logs → scope_logs → log_records
    await refusedEverywhere('/v1/logs', body, /max depth exceeded/);
  });

  it('bad UTF-8 in a string', async () => {
    await refusedEverywhere('/v1/logs', Uint8Array.from([0x0a, 0x07, 0x0a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff]), /utf-8/i);
  });

  it('a gzip bomb: 413 (HTTP) and RESOURCE_EXHAUSTED (gRPC), nothing written', async () => {
    const before = written();
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const bomb = gzipSync(zeros);
    expect(bomb.length).toBeLessThan(LIMIT);
    const res = await post('/v1/logs', bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(decodeResponse('status', new Uint8Array(await res.arrayBuffer())).code).toBe(8);
    // the gRPC client compresses it itself (gzip channel): the server refuses it once inflated past the limit
    const g = await metrics.call(zeros);
    expect(g.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(written()).toBe(before);
  });

  it('a million tiny points: refused as too many, memory bounded, nothing written', async () => {
    const before = written();
    // a Sum whose data_points are a million empty NumberDataPoints (2 bytes each) is 2 MB
    const big = await startTestApp({ env: { OTLP_GRPC_PORT: '0', INGEST_BODY_LIMIT_BYTES: String(5 * 1024 * 1024) } });
    try {
      const n = 1_000_000;
      const points = Buffer.alloc(n * 2);
      for (let i = 0; i < n; i++) points[i * 2] = 0x0a; // data_points (field 1, LEN 0)
      const header = (field: number, len: number) => {
        const out = [(field << 3) | 2];
        let l = len;
        while (l > 0x7f) {
          out.push((l & 0x7f) | 0x80);
          l >>>= 7;
        }
        out.push(l);
        return Buffer.from(out);
      };
      const sum = Buffer.concat([header(7, points.length), points]); // Metric.sum = field 7
      const name = Buffer.from([0x0a, 0x16, ...Buffer.from('claude_code.cost.usage')]);
      const metric = Buffer.concat([header(2, name.length + sum.length), name, sum]); // ScopeMetrics.metrics = 2
      const rm = Buffer.concat([header(2, metric.length), metric]); // ResourceMetrics.scope_metrics = 2
      const body = Buffer.concat([header(1, rm.length), rm]);
      global.gc?.();
      const rss0 = process.memoryUsage().rss;
      const res = await fetch(`${big.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
        body,
      });
      expect(res.status).toBe(400);
      expect(String(decodeResponse('status', new Uint8Array(await res.arrayBuffer())).message)).toContain('1000000 data points in one request; at most 100000');
      const grown = (process.memoryUsage().rss - rss0) / 1024 / 1024;
      expect(grown).toBeLessThan(500);
      const g = await exportClient(METRICS_EXPORT_PATH, big.app.ports['otlp-grpc']!).call(body);
      expect(g.code).toBe(grpc.status.INVALID_ARGUMENT);
      // JSON: the same million points as {} are refused the same way
      const json = `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"claude_code.cost.usage","sum":{"aggregationTemporality":1,"dataPoints":[${'{},'.repeat(n - 1)}{}]}}]}]}]}`;
      const jres = await fetch(`${big.url}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
        body: json,
      });
      expect(jres.status).toBe(400);
      expect(((await jres.json()) as { issues: Array<{ message: string }> }).issues[0]!.message).toContain('1000000 data points in one request');
      expect((big.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n).toBe(0);
    } finally {
      await big.close();
    }
    expect(written()).toBe(before);
  });

  it('random damage to valid messages: never a 5xx, and a refusal writes nothing (on the decode thread too)', async () => {
    expect(validLargeLogs.byteLength).toBeGreaterThan(THREAD_MIN_BYTES);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<['/v1/logs' | '/v1/metrics', Uint8Array]>(['/v1/logs', validLogs], ['/v1/metrics', validMetrics], ['/v1/logs', validLargeLogs]),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        async ([path, valid], flips, cutAt) => {
          const bytes = Buffer.from(valid);
          for (const [at, v] of flips) bytes[at % bytes.length] = v;
          const body = bytes.subarray(0, cutAt % 3 === 0 ? (cutAt % bytes.length) + 1 : bytes.length);
          const before = written();
          const res = await post(path, body);
          expect([200, 400]).toContain(res.status);
          if (res.status === 400) expect(written()).toBe(before);
          const g = await (path === '/v1/logs' ? logs : metrics).call(body);
          expect([grpc.status.OK, grpc.status.INVALID_ARGUMENT]).toContain(g.code);
        },
      ),
      { numRuns: 150, seed: 15 },
    );
    // still serving
    expect((await post('/v1/logs', validLogs)).status).toBe(200);
  });

  it('401 and UNAUTHENTICATED without the right token, before the body is read', async () => {
    const res = await post('/v1/logs', validLogs, { authorization: 'Bearer nope-0123456789abcdef' });
    expect(res.status).toBe(401);
    expect(decodeResponse('status', new Uint8Array(await res.arrayBuffer()))).toEqual({ code: 16, message: 'unauthorized' });
    expect((await logs.call(validLogs, 'nope-0123456789abcdef')).code).toBe(grpc.status.UNAUTHENTICATED);
    expect((await logs.call(validLogs, null)).code).toBe(grpc.status.UNAUTHENTICATED);
  });
});
