import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRepo } from '../../../src/db/repos/billing-repo.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { openaiTokens } from '../../../src/ingest/providers/openai-usage.js';
import { pollProviders } from '../../../src/ingest/providers/pollers.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { FakeProvider, OPENAI_KEY, emptyPage, fixture, paged } from './fake-provider.js';

const USAGE = '/v1/organization/usage/completions';
const COSTS = '/v1/organization/costs';
const DAY = '2026-11-20';

let api: FakeProvider;
let t: TestApp;
let growth: number;
const sleeps: number[] = [];
let costsAvailable = false;

beforeAll(async () => {
  api = await new FakeProvider().start();
  api.on(USAGE, paged([fixture('openai/completions-page-1.json'), fixture('openai/completions-page-2.json')]));
  api.on(COSTS, () => ({ body: costsAvailable ? fixture('openai/costs.json') : { object: 'page', ...emptyPage } }));
  t = await startTestApp({ env: { OPENAI_ADMIN_API_KEY: OPENAI_KEY, OPENAI_API_URL: api.url } });
  growth = orgRepo(t.db).createTeam('Growth', null, 0).id;
  orgRepo(t.db).setMapping('project', 'proj_growth', growth);
});
afterAll(async () => {
  await t.close();
  await api.stop();
});

const gaps = () =>
  t.db.prepare("SELECT team_id, ROUND(cost_usd, 6) AS cost FROM usage_records WHERE source = 'billing_gap' AND day = ? ORDER BY team_id").all(DAY);
const dayTotal = () =>
  (t.db.prepare("SELECT ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team WHERE day = ? AND provider = 'openai'").get(DAY) as { c: number }).c;

describe('OpenAI organization pollers against a local fake', () => {
  it('converts input tokens that include cached ones into the uncached / cache read / cache write split', () => {
    expect(openaiTokens({ input_tokens: 1000, output_tokens: 500, input_cached_tokens: 400, input_cache_write_tokens: 100, input_uncached_tokens: 500 })).toEqual({
      input: 500,
      output: 500,
      cacheRead: 400,
      cacheWrite: 100,
    });
    // older answers lack the split fields
    expect(openaiTokens({ input_tokens: 1000, output_tokens: 0, input_cached_tokens: 400 })).toEqual({ input: 600, output: 0, cacheRead: 400, cacheWrite: 0 });
  });

  it('polls usage with the documented request, retrying a 503, pages followed', async () => {
    api.failNext(USAGE, { status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
    const outcomes = await pollProviders(t.app.deps, t.clock.now(), { sleep: async (ms) => void sleeps.push(ms) });
    expect(outcomes.map((o) => [o.name, o.pages, o.error?.message])).toEqual([
      ['openai_usage', 2, undefined],
      ['openai_costs', 1, undefined],
    ]);
    expect(sleeps).toEqual([1_000]);
    const reqs = api.requestsTo(USAGE);
    expect(reqs).toHaveLength(3);
    const q = reqs[1]!.query;
    expect(reqs[1]!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(q.get('start_time')).toBe(String(Date.parse('2026-11-16T10:00:00Z') / 1000));
    expect(q.get('end_time')).toBe(String(Date.parse('2026-11-23T10:00:00Z') / 1000));
    expect(q.get('bucket_width')).toBe('1h');
    expect(q.getAll('group_by[]')).toEqual(['model', 'project_id', 'user_id', 'api_key_id', 'batch']);
    expect(reqs[2]!.query.get('page')).toBe('page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=');
    const rows = billingRepo(t.db).rows('openai_usage', 0, Number.MAX_SAFE_INTEGER);
    const first = rows.find((r) => r.model === 'gpt-4o-2024-08-06' && r.requests === 40)!;
    expect(first).toMatchObject({ input_tokens: 500_000, cache_read_tokens: 400_000, cache_write_tokens: 100_000, output_tokens: 100_000, team_id: growth, project: 'proj_growth' });
    // GPT-4o: $2.50 in (cache writes at the input rate), $1.25 cached, $10 out
    expect(first.cost_usd).toBeCloseTo(1.25 + 0.5 + 0.25 + 1, 9);
    const mini = rows.find((r) => r.model === 'gpt-4o-mini-2024-07-18')!;
    // batch: half price; 1M uncached + 1M cached on GPT-4o mini
    expect(mini.cost_usd).toBeCloseTo((0.15 + 0.075) / 2, 9);
    expect(mini.team_id).toBeNull();
  });

  it('without a costs answer the day is billed from priced usage, split by project mapping', () => {
    expect(gaps()).toEqual([
      { team_id: null, cost: 0.1125 },
      { team_id: growth, cost: 3 },
    ]);
    expect(dayTotal()).toBe(3.1125);
  });

  it('once costs (in dollars) arrive they are the bill, and observed usage is counted once', async () => {
    costsAvailable = true;
    const res = await t.ingest('/ingest/usage', {
      records: [{ id: 'gw-1', provider: 'openai', model: 'gpt-4o', timestamp: `${DAY}T12:00:00Z`, project: 'proj_growth', input_tokens: 10, output_tokens: 10, cost_usd: 1 }],
    });
    expect(res.status).toBe(200);
    // the record alone, until the next poll: the old adjustment still shrinks by what it explains
    expect(gaps()).toEqual([
      { team_id: null, cost: 0.1125 },
      { team_id: growth, cost: 2 },
    ]);
    t.clock.advance(3_600_000);
    await pollProviders(t.app.deps, t.clock.now(), { sleep: async () => undefined });
    const costs = billingRepo(t.db).rows('openai_costs', 0, Number.MAX_SAFE_INTEGER);
    expect(costs.map((c) => [c.project, c.team_id, c.cost_usd])).toEqual([
      ['proj_growth', growth, 4.25],
      ['proj_unmapped', null, 0.75],
    ]);
    // B = {Growth 4.25, unattributed 0.75}, O = {Growth 1}
    expect(gaps()).toEqual([
      { team_id: null, cost: 0.75 },
      { team_id: growth, cost: 3.25 },
    ]);
    expect(dayTotal()).toBe(5);
  });
});
