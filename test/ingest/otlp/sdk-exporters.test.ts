// End to end with the OpenTelemetry JS SDK's own exporters, as Claude Code (an OpenTelemetry JS
// program) and Collectors send: OTLP/HTTP JSON, OTLP/HTTP protobuf and OTLP/gRPC (gzip), metrics
// in delta and cumulative temporality and log records, counted exactly; a wrong token on each.
import { Metadata } from '@grpc/grpc-js';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsHttpJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsHttpProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricsHttpJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsHttpProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, MetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import { startTestApp, TEST_INGEST_TOKEN, type TestApp } from '../../helpers/test-app.js';

type Transport = 'http/json' | 'http/protobuf' | 'grpc';
const TRANSPORTS: Transport[] = ['http/json', 'http/protobuf', 'grpc'];

let t: TestApp;
let grpcUrl: string;
let platform: number;

beforeAll(async () => {
  t = await startTestApp({ env: { OTLP_GRPC_PORT: '0' }, now: Date.now() });
  grpcUrl = `http://127.0.0.1:${t.app.ports['otlp-grpc']}`;
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
  for (const who of ['json', 'protobuf', 'grpc']) org.setPersonTeam(org.ensurePersonByEmail(`${who}@example.com`, 0).id, platform);
});
afterAll(async () => {
  await t.close();
});

function metricsExporter(transport: Transport, token = TEST_INGEST_TOKEN): PushMetricExporter {
  if (transport === 'grpc') {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return new MetricsGrpc({ url: grpcUrl, metadata, compression: 'gzip' as never });
  }
  const opts = { url: `${t.url}/v1/metrics`, headers: { Authorization: `Bearer ${token}` } };
  return transport === 'http/json' ? new MetricsHttpJson(opts) : new MetricsHttpProto(opts);
}

function logsExporter(transport: Transport, token = TEST_INGEST_TOKEN): LogRecordExporter {
  if (transport === 'grpc') {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return new LogsGrpc({ url: grpcUrl, metadata, compression: 'gzip' as never });
  }
  const opts = { url: `${t.url}/v1/logs`, headers: { Authorization: `Bearer ${token}` } };
  return transport === 'http/json' ? new LogsHttpJson(opts) : new LogsHttpProto(opts);
}

/** a reader that collects when asked, with the temporality given */
class CollectingReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

function exportMetrics(exporter: PushMetricExporter, rm: ResourceMetrics): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(rm, resolve));
}

function exportLogs(exporter: LogRecordExporter, records: ReadableLogRecord[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

const sessionCost = (id: string) => sessionRepo(t.db).bySession(id);
const usage = (session: string) =>
  t.db
    .prepare(
      `SELECT source, COUNT(*) AS rows, SUM(requests) AS requests, SUM(input_tokens) AS input, SUM(output_tokens) AS output,
         ROUND(SUM(cost_usd), 9) AS cost, SUM(counted) AS counted, MIN(team_id) AS team
       FROM usage_records WHERE session_id = ? GROUP BY source ORDER BY source`,
    )
    .all(session) as Array<Record<string, unknown>>;

describe.each(TRANSPORTS)('OpenTelemetry JS SDK exporter over %s', (transport) => {
  const who = transport === 'grpc' ? 'grpc' : transport === 'http/json' ? 'json' : 'protobuf';
  const resource = resourceFromAttributes({ 'service.name': 'claude-code', 'service.version': '2.0.14' });

  it.each([
    ['delta', AggregationTemporality.DELTA],
    ['cumulative', AggregationTemporality.CUMULATIVE],
  ] as const)('counts %s metrics exactly: cost, tokens and commits over three exports', async (name, temporality) => {
    const session = `sdk-${who}-metrics-${name}`;
    const reader = new CollectingReader(temporality);
    const provider = new MeterProvider({ resource, readers: [reader] });
    const meter = provider.getMeter('com.anthropic.claude_code', '2.0.14');
    const cost = meter.createCounter('claude_code.cost.usage', { unit: 'USD' });
    const tokens = meter.createCounter('claude_code.token.usage', { unit: 'tokens' });
    const commits = meter.createCounter('claude_code.commit.count');
    const base = { 'session.id': session, 'user.email': `${who}@example.com`, model: 'claude-sonnet-4-5-20250929' };
    const exporter = metricsExporter(transport);
    // three exports: $0.50 + 1,200 input tokens; then $0.25 + 300 output + a commit; then nothing new
    const steps: Array<() => void> = [
      () => {
        cost.add(0.5, base);
        tokens.add(1200, { ...base, type: 'input' });
      },
      () => {
        cost.add(0.25, base);
        tokens.add(300, { ...base, type: 'output' });
        commits.add(1, { 'session.id': session, 'user.email': `${who}@example.com` });
      },
      () => undefined,
    ];
    for (const step of steps) {
      step();
      const { resourceMetrics, errors } = await reader.collect();
      expect(errors).toEqual([]);
      const result = await exportMetrics(exporter, resourceMetrics);
      expect(result.error?.message).toBeUndefined();
      expect(result.code).toBe(0);
    }
    await exporter.shutdown();
    await provider.shutdown();

    const rows = usage(session);
    expect(rows).toHaveLength(1);
    // cost 0.50 + 0.25; tokens 1,200 in, 300 out; metric rows carry no request count
    expect(rows[0]).toMatchObject({ source: 'otlp_metric', requests: 0, input: 1200, output: 300, cost: 0.75, team: platform });
    const s = sessionCost(session)!;
    expect(s.cost_usd).toBeCloseTo(0.75, 12);
    expect(s.commits).toBe(1);
    expect(s.team_id).toBe(platform);
  });

  it('counts api_request log records exactly, and an export sent twice once', async () => {
    const session = `sdk-${who}-logs`;
    const memory = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    const logger = provider.getLogger('com.anthropic.claude_code.events', '2.0.14');
    const at = Date.now() - 60_000;
    const calls = [
      { input: 1000, output: 200, cost: 0.0123 },
      { input: 50, output: 2000, cost: 0.0456 },
      { input: 7, output: 9, cost: 0.0001 },
    ];
    calls.forEach((c, i) =>
      logger.emit({
        eventName: 'claude_code.api_request',
        body: 'claude_code.api_request',
        severityNumber: SeverityNumber.INFO,
        timestamp: at + i * 1000,
        attributes: {
          'event.name': 'api_request',
          'event.timestamp': new Date(at + i * 1000).toISOString(),
          'event.sequence': i,
          'session.id': session,
          'user.email': `${who}@example.com`,
          model: 'claude-sonnet-4-5-20250929',
          input_tokens: c.input,
          output_tokens: c.output,
          cache_read_tokens: 0,
          cache_creation_tokens: 0,
          cost_usd: c.cost,
          prompt: 'SECRET-PROMPT-SDK',
        },
      }),
    );
    await provider.forceFlush();
    const records = memory.getFinishedLogRecords();
    expect(records).toHaveLength(3);
    const exporter = logsExporter(transport);
    for (let n = 0; n < 2; n++) {
      const result = await exportLogs(exporter, records);
      expect(result.error?.message).toBeUndefined();
      expect(result.code).toBe(0);
    }
    await exporter.shutdown();
    await provider.shutdown();

    // 3 requests; 1,057 input and 2,209 output tokens; $0.0123 + $0.0456 + $0.0001 = $0.0580, reported
    expect(usage(session)).toEqual([{ source: 'otlp_event', rows: 3, requests: 3, input: 1057, output: 2209, cost: 0.058, counted: 3, team: platform }]);
    expect(sessionCost(session)).toMatchObject({ api_requests: 3, has_events: 1, team_id: platform });
    expect(t.logs.join('\n')).not.toContain('SECRET-PROMPT-SDK');
  });

  it('is refused with a wrong token, and writes nothing', async () => {
    const session = `sdk-${who}-wrong-token`;
    const reader = new CollectingReader(AggregationTemporality.DELTA);
    const provider = new MeterProvider({ resource, readers: [reader] });
    provider.getMeter('m').createCounter('claude_code.cost.usage').add(9, { 'session.id': session });
    const { resourceMetrics } = await reader.collect();
    const exporter = metricsExporter(transport, 'wrong-token-0123456789abcdef');
    const result = await exportMetrics(exporter, resourceMetrics);
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(transport === 'grpc' ? /UNAUTHENTICATED|unauthorized/i : /401|Unauthorized/i);

    const memory = new InMemoryLogRecordExporter();
    const lp = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: memory })] });
    lp.getLogger('l').emit({ body: 'claude_code.api_request', attributes: { 'session.id': session, input_tokens: 5 } });
    await lp.forceFlush();
    const logs = logsExporter(transport, 'wrong-token-0123456789abcdef');
    const lr = await exportLogs(logs, memory.getFinishedLogRecords());
    expect(lr.code).toBe(1);
    await Promise.all([exporter.shutdown(), logs.shutdown(), provider.shutdown(), lp.shutdown()]);
    expect(usage(session)).toEqual([]);
    expect(sessionCost(session)).toBeUndefined();
  });
});
