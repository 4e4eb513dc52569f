import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import { TEST_INGEST_TOKEN, startTestApp, type TestApp } from '../../helpers/test-app.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/otlp/${name}`, import.meta.url), 'utf8');
const S1 = '5f0c1a2b-0d4e-4b71-9c11-0a1b2c3d4e01';
const S2 = '5f0c1a2b-0d4e-4b71-9c11-0a1b2c3d4e02';

let t: TestApp;
let platform: number;
let data: number;

beforeAll(async () => {
  t = await startTestApp();
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
  data = org.createTeam('Data', 'C0DATA', 0).id;
  const bob = org.ensurePersonByEmail('bob@example.com', 0);
  org.setPersonTeam(bob.id, data);
});
afterAll(async () => {
  await t.close();
});

const totals = () =>
  t.db
    .prepare('SELECT team_id, ROUND(SUM(cost_usd), 6) AS cost, SUM(input_tokens) AS input FROM usage_daily_team GROUP BY team_id ORDER BY team_id')
    .all();
const counts = () => ({
  records: (t.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n,
});

describe('POST /v1/metrics with a Claude Code export (several resources, both temporalities)', () => {
  it('answers partial success for the histogram points and stores the rest', async () => {
    const res = await t.ingest('/v1/metrics', fixture('metrics-export.json'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { partialSuccess: { rejectedDataPoints: number; errorMessage: string } };
    expect(body.partialSuccess.rejectedDataPoints).toBe(2);
    expect(body.partialSuccess.errorMessage).toContain('claude_code.cost.usage is not a sum');
  });

  it('attributes by team.id, by the person’s team, and keeps unattributed spend', () => {
    // Platform: team.id resource attribute; Data: bob's team; 0: only an unknown account uuid
    expect(totals()).toEqual([
      { team_id: 0, cost: 0.1, input: 0 },
      { team_id: platform, cost: 0.25, input: 1000 },
      { team_id: data, cost: 1.5, input: 3000 },
    ]);
    const alice = orgRepo(t.db).personByEmail('alice@example.com');
    expect(alice).toBeDefined();
    const bob = orgRepo(t.db).personByEmail('bob@example.com')!;
    const person = t.db
      .prepare('SELECT person_id, team_id, ROUND(SUM(cost_usd), 6) AS cost FROM usage_daily_person GROUP BY person_id, team_id ORDER BY cost')
      .all();
    expect(person).toEqual([
      { person_id: alice!.id, team_id: platform, cost: 0.25 },
      { person_id: bob.id, team_id: data, cost: 1.5 },
    ]);
  });

  it('keeps the sessions: owner, team, tokens, cost, commits, lines, active time, pull requests', () => {
    const s1 = sessionRepo(t.db).bySession(S1)!;
    expect(s1).toMatchObject({
      source: 'claude-code',
      team_id: platform,
      email: 'alice@example.com',
      account_uuid: '6f1e0c1a-1111-4a2b-9c3d-123456789abc',
      input_tokens: 1000,
      output_tokens: 200,
      cache_read_tokens: 5000,
      commits: 1,
      lines_added: 40,
      lines_removed: 5,
      active_seconds: 120.5,
      has_events: 0,
      last_commit_at: Date.parse('2026-11-20T09:01:00Z'),
      started_at: Date.parse('2026-11-20T09:01:00Z'),
      status: 'active',
    });
    expect(s1.cost_usd).toBeCloseTo(0.25, 10);
    expect(s1.cost_at_last_commit).toBeCloseTo(0.25, 10);
    expect(s1.lines_at_last_commit).toBe(45);
    const s2 = sessionRepo(t.db).bySession(S2)!;
    expect(s2).toMatchObject({ team_id: data, pull_requests: 1, input_tokens: 3000, email: 'bob@example.com' });
    expect(s2.cost_usd).toBeCloseTo(1.5, 10);
  });

  it('counts a replayed export once (delta and cumulative alike)', async () => {
    const before = { totals: totals(), ...counts(), s1: sessionRepo(t.db).bySession(S1), s2: sessionRepo(t.db).bySession(S2) };
    const res = await t.ingest('/v1/metrics', fixture('metrics-export.json'));
    expect(res.status).toBe(200);
    expect(totals()).toEqual(before.totals);
    expect(counts().records).toBe(before.records);
    expect(sessionRepo(t.db).bySession(S1)).toEqual(before.s1);
    expect(sessionRepo(t.db).bySession(S2)).toEqual(before.s2);
  });

  it('accepts a gzip body', async () => {
    const payload = JSON.parse(fixture('metrics-export.json')) as { resourceMetrics: unknown[] };
    const only = { resourceMetrics: [payload.resourceMetrics[2]] };
    (only.resourceMetrics[0] as { resource: { attributes: unknown[] } }).resource.attributes.push({
      key: 'host.name',
      value: { stringValue: 'gzip-host' },
    });
    const res = await fetch(`${t.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TEST_INGEST_TOKEN}` },
      body: gzipSync(JSON.stringify(only)),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    // a different resource is a different series: its point is new
    expect(totals()[0]).toEqual({ team_id: 0, cost: 0.2, input: 0 });
  });
});

describe('POST /v1/metrics refusals', () => {
  it('415 for a content type that is neither OTLP JSON nor protobuf, naming both', async () => {
    const res = await t.ingest('/v1/metrics', 'resourceMetrics=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { message: string };
    expect(body.message).toBe(
      'Content-Type application/x-www-form-urlencoded is not supported; send application/json or application/x-protobuf or application/protobuf',
    );
  });

  it('401 without a token and with a wrong one', async () => {
    const body = fixture('metrics-export.json');
    const none = await fetch(`${t.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'unauthorized', message: 'unauthorized' });
    const bad = await t.ingest('/v1/metrics', body, { authorization: 'Bearer not-the-token-0000000000' });
    expect(bad.status).toBe(401);
  });

  it('400 with the exact field path for a structurally invalid export, and nothing written', async () => {
    const before = { totals: totals(), ...counts() };
    const payload = JSON.parse(fixture('metrics-export.json')) as {
      resourceMetrics: Array<{ scopeMetrics: Array<{ metrics: Array<{ sum: { dataPoints: Array<Record<string, unknown>> } }> }> }>;
    };
    payload.resourceMetrics[0]!.scopeMetrics[0]!.metrics[1]!.sum.dataPoints[0]!.timeUnixNano = { bad: true };
    const res = await t.ingest('/v1/metrics', payload);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string }> };
    expect(body.error).toBe('invalid_payload');
    expect(body.issues.map((i) => i.path)).toEqual(['resourceMetrics.0.scopeMetrics.0.metrics.1.sum.dataPoints.0.timeUnixNano']);
    expect(totals()).toEqual(before.totals);
    expect(counts().records).toBe(before.records);
  });

  it('answers {} to an empty export', async () => {
    const res = await t.ingest('/v1/metrics', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
  });
});
