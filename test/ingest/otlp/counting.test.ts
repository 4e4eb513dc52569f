import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { logsExport, metricsExport } from './otlp-builders.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const MODEL = 'claude-sonnet-4-5-20250929';
const teamTotal = () =>
  (t.db.prepare('SELECT ROUND(COALESCE(SUM(cost_usd), 0), 6) AS c FROM usage_daily_team').get() as { c: number }).c;
const recordTotal = () =>
  (t.db.prepare('SELECT ROUND(COALESCE(SUM(cost_usd), 0), 6) AS c FROM usage_records WHERE counted = 1').get() as { c: number }).c;

async function post(path: string, body: unknown) {
  const res = await t.ingest(path, body);
  expect(res.status).toBe(200);
  return res.json();
}

describe('a cumulative series across three exports', () => {
  const sid = 'cum-session';
  const point = (value: number, start: string, time: string) =>
    metricsExport({ 'service.name': 'claude-code' }, [
      { metric: 'claude_code.cost.usage', value, start, time, temporality: 2, attrs: { 'session.id': sid, model: MODEL } },
      { metric: 'claude_code.commit.count', value: value > 2 ? 2 : 1, start, time, temporality: 2, attrs: { 'session.id': sid } },
    ]);

  it('adds only each export’s increase, ignores a replay, and restarts after a reset', async () => {
    await post('/v1/metrics', point(1.0, '2026-11-20T08:00:00Z', '2026-11-20T08:01:00Z'));
    await post('/v1/metrics', point(2.5, '2026-11-20T08:00:00Z', '2026-11-20T08:02:00Z'));
    await post('/v1/metrics', point(4.0, '2026-11-20T08:00:00Z', '2026-11-20T08:03:00Z'));
    expect(teamTotal()).toBe(4);
    expect(recordTotal()).toBe(4);
    let s = sessionRepo(t.db).bySession(sid)!;
    expect(s.cost_usd).toBeCloseTo(4, 10);
    expect(s.commits).toBe(2);
    // the second export again: same time, nothing new
    await post('/v1/metrics', point(2.5, '2026-11-20T08:00:00Z', '2026-11-20T08:02:00Z'));
    expect(teamTotal()).toBe(4);
    // the exporter restarted: a new start time, counting from zero again
    await post('/v1/metrics', point(0.5, '2026-11-20T08:05:00Z', '2026-11-20T08:06:00Z'));
    expect(teamTotal()).toBe(4.5);
    s = sessionRepo(t.db).bySession(sid)!;
    expect(s.cost_usd).toBeCloseTo(4.5, 10);
    expect(s.commits).toBe(3);
  });
});

describe('counting rule a: per session, api_request events win over cost metrics', () => {
  it('a session with only metrics is counted from metrics', async () => {
    await post(
      '/v1/metrics',
      metricsExport({ 'service.name': 'claude-code' }, [
        { metric: 'claude_code.cost.usage', value: 0.3, start: '2026-11-21T09:00:00Z', time: '2026-11-21T09:01:00Z', attrs: { 'session.id': 'metrics-only', model: MODEL } },
      ]),
    );
    expect(sessionRepo(t.db).bySession('metrics-only')!.cost_usd).toBeCloseTo(0.3, 10);
  });

  it('metrics first, then events: the metric rows stop counting and the events count once', async () => {
    const before = teamTotal();
    await post(
      '/v1/metrics',
      metricsExport({ 'service.name': 'claude-code' }, [
        { metric: 'claude_code.cost.usage', value: 0.2, start: '2026-11-21T10:00:00Z', time: '2026-11-21T10:01:00Z', attrs: { 'session.id': 'both', model: MODEL } },
        { metric: 'claude_code.token.usage', value: 900, start: '2026-11-21T10:00:00Z', time: '2026-11-21T10:01:00Z', attrs: { 'session.id': 'both', model: MODEL, type: 'input' } },
      ]),
    );
    expect(teamTotal()).toBeCloseTo(before + 0.2, 10);
    await post(
      '/v1/logs',
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: '2026-11-21T10:00:30Z', attrs: { 'session.id': 'both', model: MODEL, cost_usd: 0.12, input_tokens: 500, output_tokens: 10 } },
        { name: 'api_request', at: '2026-11-21T10:00:50Z', attrs: { 'session.id': 'both', model: MODEL, cost_usd: 0.08, input_tokens: 400, output_tokens: 10 } },
      ]),
    );
    expect(teamTotal()).toBeCloseTo(before + 0.2, 10);
    const s = sessionRepo(t.db).bySession('both')!;
    expect(s.cost_usd).toBeCloseTo(0.2, 10);
    expect(s.input_tokens).toBe(900);
    expect(s.api_requests).toBe(2);
    expect(s.has_events).toBe(1);
    const flags = t.db.prepare("SELECT source, counted FROM usage_records WHERE session_id = 'both' ORDER BY source, ts").all();
    expect(flags).toEqual([
      { source: 'otlp_event', counted: 1 },
      { source: 'otlp_event', counted: 1 },
      { source: 'otlp_metric', counted: 0 },
      { source: 'otlp_metric', counted: 0 },
    ]);
  });

  it('events first, then metrics: the metric rows are stored uncounted', async () => {
    const before = teamTotal();
    await post(
      '/v1/logs',
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: '2026-11-21T11:00:30Z', attrs: { 'session.id': 'events-first', model: MODEL, cost_usd: 0.4, input_tokens: 10, output_tokens: 10 } },
      ]),
    );
    await post(
      '/v1/metrics',
      metricsExport({ 'service.name': 'claude-code' }, [
        { metric: 'claude_code.cost.usage', value: 0.4, start: '2026-11-21T11:00:00Z', time: '2026-11-21T11:01:00Z', attrs: { 'session.id': 'events-first', model: MODEL } },
      ]),
    );
    expect(teamTotal()).toBeCloseTo(before + 0.4, 10);
    expect(sessionRepo(t.db).bySession('events-first')!.cost_usd).toBeCloseTo(0.4, 10);
    expect(recordTotal()).toBeCloseTo(teamTotal(), 10);
  });
});
