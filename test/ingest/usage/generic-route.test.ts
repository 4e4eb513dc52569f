import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';

const fixture = () => JSON.parse(readFileSync(new URL('../../fixtures/generic-usage/records.json', import.meta.url), 'utf8')) as {
  records: Array<Record<string, unknown>>;
};

let t: TestApp;
let platform: number;
let data: number;
let growth: number;

beforeAll(async () => {
  t = await startTestApp();
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', null, 0).id;
  data = org.createTeam('Data', null, 0).id;
  growth = org.createTeam('Growth', null, 0).id;
  org.setPersonTeam(org.ensurePersonByEmail('dana@example.com', 0).id, data);
  org.setMapping('project', 'proj_growth', growth);
});
afterAll(async () => {
  await t.close();
});

const rows = () =>
  t.db
    .prepare('SELECT idem_key, provider, model, ts, team_id, person_id, session_id, project, cost_usd, cost_source, fit_alt_cost_usd, requests FROM usage_records ORDER BY idem_key')
    .all() as Array<Record<string, unknown>>;
const recordCount = () => (t.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;

describe('POST /ingest/usage', () => {
  it('accepts the batch and prices what has no cost', async () => {
    const res = await t.ingest('/ingest/usage', fixture());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 4, duplicates: 0 });
    const r = rows();
    const dana = orgRepo(t.db).personByEmail('dana@example.com')!;
    // by email → the person's team; cache reads and writes each at their own rate (Sonnet 4.5)
    expect(r[0]).toMatchObject({ provider: 'anthropic', person_id: dana.id, team_id: data, session_id: 'cursor-session-1', cost_source: 'computed', requests: 1, fit_alt_cost_usd: null });
    expect(r[0]!.cost_usd).toBeCloseTo(1200 * 3e-6 + 300 * 15e-6 + 10_000 * 0.3e-6 + 2_000 * 3.75e-6, 12);
    // by team name (case-insensitive); GPT-4o with a short answer is a model-fit candidate (→ GPT-4o mini)
    expect(r[1]).toMatchObject({ provider: 'openai', team_id: platform, person_id: null, ts: Date.parse('2026-11-20T08:16:00Z'), cost_source: 'computed' });
    expect(r[1]!.cost_usd).toBeCloseTo(0.015, 12);
    expect(r[1]!.fit_alt_cost_usd).toBeCloseTo(0.0009, 12);
    // by project mapping; the reported cost is kept; a long answer is not a fit candidate
    expect(r[2]).toMatchObject({ provider: 'openai', team_id: growth, project: 'proj_growth', cost_usd: 0.5, cost_source: 'reported', fit_alt_cost_usd: null });
    // unknown model, nobody: kept, unpriced, unattributed
    expect(r[3]).toMatchObject({ provider: 'cursor', team_id: null, person_id: null, cost_usd: 0, cost_source: 'unpriced' });
    const session = sessionRepo(t.db).bySession('cursor-session-1')!;
    expect(session).toMatchObject({ source: 'generic', person_id: dana.id, team_id: data, api_requests: 1 });
    const rollup = t.db.prepare('SELECT team_id, ROUND(SUM(cost_usd), 6) AS c, SUM(fit_requests) AS fr FROM usage_daily_team GROUP BY team_id ORDER BY team_id').all();
    expect(rollup).toEqual([
      { team_id: 0, c: 0, fr: 0 },
      { team_id: platform, c: 0.015, fr: 1 },
      { team_id: data, c: 0.0186, fr: 0 },
      { team_id: growth, c: 0.5, fr: 0 },
    ]);
  });

  it('counts a retried delivery once', async () => {
    const before = rows();
    const again = fixture();
    again.records.push({ ...again.records[0]!, id: 'gw-2026-11-20-000005' });
    const res = await t.ingest('/ingest/usage', again);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 4 });
    expect(recordCount()).toBe(before.length + 1);
  });

  it('rejects the whole batch with the exact field path when one record is bad, writing nothing', async () => {
    const before = recordCount();
    const bad = fixture();
    bad.records = bad.records.map((r, i) => ({ ...r, id: `new-${i}` }));
    delete bad.records[3]!.model;
    bad.records[1]!.input_tokens = -5;
    const res = await t.ingest('/ingest/usage', bad);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string; message: string }> };
    expect(body.error).toBe('invalid_payload');
    expect(body.issues.map((i) => i.path)).toEqual(['records.1.input_tokens', 'records.3.model']);
    expect(recordCount()).toBe(before);
  });

  it('refuses timestamps more than a day ahead, and batches over 5,000 records', async () => {
    const future = fixture();
    future.records = [{ ...future.records[0]!, id: 'future-1', timestamp: '2026-11-25T10:00:00Z' }];
    const res = await t.ingest('/ingest/usage', future);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('records.0.timestamp');
    const big = { records: Array.from({ length: 5_001 }, (_, i) => ({ ...fixture().records[3]!, id: `big-${i}` })) };
    const res2 = await t.ingest('/ingest/usage', big);
    expect(res2.status).toBe(400);
    const issues = ((await res2.json()) as { issues: Array<{ path: string; message: string }> }).issues;
    expect(issues).toEqual([{ path: 'records', message: 'at most 5000 records per request; split the batch' }]);
  });

  it('401 without the bearer token', async () => {
    const res = await fetch(`${t.url}/ingest/usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"records":[]}' });
    expect(res.status).toBe(401);
  });
});
