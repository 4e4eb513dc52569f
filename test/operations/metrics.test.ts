// GET /metrics through the real app: what ingest, commands, the outbox and the pollers did, in
// Prometheus text format, read back with a parser of that format. prom-client has no parser of its own;
// parse-prometheus-text-format follows Prometheus's reference parsers (prom2json, client_python's) and
// throws on any line that is not valid exposition format. It folds a labelled histogram's series into
// one, so histogram counts are read from their `_count` sample lines.
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { pollProviders } from '../../src/ingest/providers/pollers.js';
import { startTestApp, TEST_ADMIN, TEST_INGEST_TOKEN, type TestApp } from '../helpers/test-app.js';
import { logsExport } from '../ingest/otlp/otlp-builders.js';
import { ANTHROPIC_KEY, FakeProvider, emptyPage } from '../ingest/providers/fake-provider.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
let t: TestApp | undefined;
let api: FakeProvider;
beforeAll(async () => {
  api = await new FakeProvider().start();
  for (const path of ['/v1/organizations/usage_report/messages', '/v1/organizations/cost_report', '/v1/organizations/usage_report/claude_code']) {
    api.on(path, () => ({ body: emptyPage }));
  }
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => {
  await api.stop();
});

const record = (id: string, timestamp: string) => ({
  id,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  timestamp,
  input_tokens: 10,
  output_tokens: 10,
  cost_usd: 0.5,
});

interface Scrape {
  status: number;
  type: string | null;
  families: Map<string, MetricFamily>;
  text: string;
}

async function scrape(app: TestApp, headers: Record<string, string> = {}): Promise<Scrape> {
  const res = await fetch(`${app.url}/metrics`, { headers });
  const text = await res.text();
  if (res.status !== 200) return { status: res.status, type: res.headers.get('content-type'), families: new Map(), text };
  return { status: res.status, type: res.headers.get('content-type'), families: new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])), text };
}

/** a histogram's observation count for one series, from its `_count` sample line */
function histogramCount(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}_count{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** the value of a sample whose labels include `labels` */
function value(families: Map<string, MetricFamily>, name: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.get(name);
  const s = f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!s) return undefined;
  return Number(s.value ?? s.count);
}

describe('GET /metrics', () => {
  it('counts ingest requests, records and rejections by route, latencies, commands, the outbox, pollers and the process', async () => {
    t = await startTestApp({ now: NOW, env: { ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_URL: api.url, RETENTION_DAYS: '30', AISPEND_ORG_CHANNEL: 'C0ORG' } });
    // /ingest/usage: 2 accepted; then 1 duplicate, 1 too old (40 days), 1 accepted; then a bad batch and a bad token
    expect((await t.ingest('/ingest/usage', { records: [record('a', '2026-11-22T10:00:00Z'), record('b', '2026-11-22T11:00:00Z')] })).status).toBe(200);
    expect((await t.ingest('/ingest/usage', { records: [record('a', '2026-11-22T10:00:00Z'), record('old', '2026-10-14T10:00:00Z'), record('c', '2026-11-23T09:00:00Z')] })).status).toBe(200);
    expect((await t.ingest('/ingest/usage', { records: [{ id: 'x' }] })).status).toBe(400);
    expect((await fetch(`${t.url}/ingest/usage`, { method: 'POST', headers: { authorization: 'Bearer wrong-token-0123456789', 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    // OTLP: one event read and stored, one older than the window
    const who = { 'session.id': 's1', 'user.email': 'ana@example.com', model: 'claude-sonnet-4-5-20250929', input_tokens: 1, output_tokens: 1, cost_usd: 0.1 };
    expect(
      (await t.ingest('/v1/logs', logsExport({}, [{ name: 'api_request', at: '2026-11-23T09:00:00Z', attrs: who }, { name: 'api_request', at: '2026-09-01T09:00:00Z', attrs: who }]))).status,
    ).toBe(200);
    // a command, and a digest posted through the outbox
    await t.command('admin team create platform <#C0PLAT|platform>', { user: TEST_ADMIN });
    await t.command('summary org', { user: TEST_ADMIN });
    await t.command('digest post platform', { user: TEST_ADMIN });
    await t.slack.waitFor(() => t!.slack.messagesIn('C0PLAT').length > 0);
    await pollProviders(t.app.deps, NOW, { sleep: async () => {} });
    // a command is measured once its answer is sent, which the fake Slack may see a moment earlier
    let scraped = await scrape(t);
    for (let i = 0; i < 50 && histogramCount(scraped.text, 'aispend_command_duration_seconds', { subcommand: 'summary' }) === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      scraped = await scrape(t);
    }
    const { status, type, families: m, text } = scraped;
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');

    expect(value(m, 'aispend_ingest_requests_total', { route: '/ingest/usage', status: '200' })).toBe(2);
    expect(value(m, 'aispend_ingest_requests_total', { route: '/ingest/usage', status: '400' })).toBe(1);
    expect(value(m, 'aispend_ingest_requests_total', { route: '/ingest/usage', status: '401' })).toBe(1);
    expect(value(m, 'aispend_ingest_requests_total', { route: '/v1/logs', status: '200' })).toBe(1);
    expect(value(m, 'aispend_ingest_records_total', { route: '/ingest/usage', outcome: 'accepted' })).toBe(3);
    expect(value(m, 'aispend_ingest_records_total', { route: '/ingest/usage', outcome: 'duplicate' })).toBe(1);
    expect(value(m, 'aispend_ingest_records_total', { route: '/ingest/usage', outcome: 'too_old' })).toBe(1);
    expect(value(m, 'aispend_ingest_records_total', { route: '/v1/logs', outcome: 'accepted' })).toBe(1);
    expect(value(m, 'aispend_ingest_records_total', { route: '/v1/logs', outcome: 'too_old' })).toBe(1);
    expect(value(m, 'aispend_ingest_rejections_total', { route: '/ingest/usage', reason: 'invalid_payload' })).toBe(1);
    expect(value(m, 'aispend_ingest_rejections_total', { route: '/ingest/usage', reason: 'unauthorized' })).toBe(1);

    expect(m.get('aispend_ingest_request_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(histogramCount(text, 'aispend_ingest_request_duration_seconds', { route: '/ingest/usage' })).toBe(4);
    expect(histogramCount(text, 'aispend_ingest_request_duration_seconds', { route: '/v1/logs' })).toBe(1);
    expect(m.get('aispend_command_duration_seconds')!.type).toBe('HISTOGRAM');
    expect(histogramCount(text, 'aispend_command_duration_seconds', { subcommand: 'summary', outcome: 'ok' })).toBe(1);
    expect(histogramCount(text, 'aispend_command_duration_seconds', { subcommand: 'digest', outcome: 'ok' })).toBe(1);

    expect(value(m, 'aispend_digests_sent_total')).toBe(1);
    expect(value(m, 'aispend_slack_messages_sent_total', { kind: 'digest', op: 'post' })).toBe(1);
    expect(value(m, 'aispend_outbox_dead_messages')).toBe(0);
    expect(m.get('aispend_outbox_pending_messages')!.type).toBe('GAUGE');
    expect(value(m, 'aispend_otlp_decode_thread_up')).toBe(1);
    expect(value(m, 'aispend_otlp_decode_thread_failures')).toBe(0);
    expect(value(m, 'aispend_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    for (const poller of ['anthropic_usage', 'anthropic_cost', 'claude_code_analytics']) {
      expect(value(m, 'aispend_poller_last_success_timestamp_seconds', { poller })).toBe(NOW / 1000);
    }
    expect(value(m, 'aispend_retention_days')).toBe(30);
    expect(value(m, 'aispend_database_size_bytes')).toBeGreaterThan(0);
    // the process's default metrics
    expect(m.get('aispend_process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(m.get('aispend_nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    expect(value(m, 'aispend_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows the outbox backlog while Slack is down', async () => {
    t = await startTestApp({ now: NOW });
    await t.command('admin team create platform <#C0PLAT|platform>', { user: TEST_ADMIN });
    t.slack.failNext('chat.postMessage', { status: 503, count: 100 });
    await t.command('digest post platform', { user: TEST_ADMIN });
    await t.slack.waitFor(() => t!.slack.callsOf('chat.postMessage').length > 0);
    t.clock.set(NOW + 90_000);
    const { families: m } = await scrape(t);
    expect(value(m, 'aispend_outbox_pending_messages')).toBe(1); // the digest (a team with no data yet has no chart)
    expect(value(m, 'aispend_outbox_oldest_pending_age_seconds')).toBe(90);
    expect(value(m, 'aispend_digests_sent_total')).toBe(0);
  });

  it('needs METRICS_TOKEN as a bearer token when it is set', async () => {
    const token = 'metrics-token-0123456789abcdef';
    t = await startTestApp({ now: NOW, env: { METRICS_TOKEN: token } });
    expect((await scrape(t)).status).toBe(401);
    expect((await scrape(t, { authorization: `Bearer ${TEST_INGEST_TOKEN}` })).status).toBe(401);
    const res = await fetch(`${t.url}/metrics`);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="aispend metrics"');
    expect((await scrape(t, { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('loop alerts and digests sent', () => {
  it('counts a loop alert once per channel post or owner DM, escalations included, not its updates or excuse requests', async () => {
    const m = createMetrics();
    m.messageSent('loop_alert', 'loop:s1:burn', 'post');
    m.messageSent('loop_alert', 'loop-dm:s1:burn', 'dm');
    m.messageSent('loop_alert', 'loop:s1:burn:L2', 'post');
    m.messageSent('loop_alert', 'loop:s1:burn:L2:update', 'update');
    m.messageSent('loop_alert', 'loop-expect:4', 'post');
    m.messageSent('loop_alert', 'loop-expect:4:dm:U1', 'dm');
    m.messageSent('digest', 'digest:1:2026-11-16', 'post');
    m.messageSent('digest-chart', 'digest-chart:1:2026-11-16', 'upload');
    const families = new Map(parsePrometheusTextFormat((await m.render()).text).map((f) => [f.name, f]));
    expect(value(families, 'aispend_loop_alerts_sent_total', { to: 'channel' })).toBe(2);
    expect(value(families, 'aispend_loop_alerts_sent_total', { to: 'owner' })).toBe(1);
    expect(value(families, 'aispend_digests_sent_total')).toBe(1);
    expect(value(families, 'aispend_slack_messages_sent_total', { kind: 'loop_alert', op: 'update' })).toBe(1);
  });
});
