import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRepo } from '../../../src/db/repos/billing-repo.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { pollerStateRepo } from '../../../src/db/repos/poller-state-repo.js';
import { pollProviders } from '../../../src/ingest/providers/pollers.js';
import { FakeSlack, startFakeSlack } from '../../helpers/fake-slack.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { logsExport } from '../otlp/otlp-builders.js';
import { ANTHROPIC_KEY, FakeProvider, emptyPage, fixture, paged } from './fake-provider.js';

const USAGE = '/v1/organizations/usage_report/messages';
const COST = '/v1/organizations/cost_report';
const ANALYTICS = '/v1/organizations/usage_report/claude_code';
const DAY = '2026-11-20';

let api: FakeProvider;
let slack: FakeSlack;
let t: TestApp;
let platform: number;
const sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
let costPage2Fails = true;

async function start(dbPath?: string): Promise<TestApp> {
  return startTestApp({
    slack,
    dbPath,
    env: { ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_URL: api.url },
  });
}

beforeAll(async () => {
  api = await new FakeProvider().start();
  slack = await startFakeSlack();
  api.on(USAGE, paged([fixture('anthropic/usage-page-1.json'), fixture('anthropic/usage-page-2.json')]));
  const costPages = paged([fixture('anthropic/cost-page-1.json'), fixture('anthropic/cost-page-2.json')]);
  api.on(COST, (q) =>
    q.get('page') && costPage2Fails ? { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } } : costPages(q),
  );
  api.on(ANALYTICS, () => ({ body: emptyPage }));
  t = await start();
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', 'C0PLATFORM', 0).id;
  org.setPersonTeam(org.ensurePersonByEmail('alice@example.com', 0).id, platform);
  org.setMapping('workspace', 'wrkspc_01PLATFORM', platform);
  // Alice's Claude Code telemetry on the day: $7 of api requests
  const res = await t.ingest(
    '/v1/logs',
    logsExport({ 'service.name': 'claude-code' }, [
      { name: 'api_request', at: `${DAY}T09:10:00Z`, attrs: { 'session.id': 'a1', 'user.email': 'alice@example.com', model: 'claude-sonnet-4-5', cost_usd: 4, input_tokens: 10, output_tokens: 10 } },
      { name: 'api_request', at: `${DAY}T09:20:00Z`, attrs: { 'session.id': 'a1', 'user.email': 'alice@example.com', model: 'claude-sonnet-4-5', cost_usd: 3, input_tokens: 10, output_tokens: 10 } },
    ]),
  );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
  await slack.stop();
  await api.stop();
});

const bills = (source: string) => billingRepo(t.db).rows(source, 0, Number.MAX_SAFE_INTEGER);
const dayTotal = () =>
  (t.db.prepare("SELECT ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team WHERE day = ? AND provider = 'anthropic'").get(DAY) as { c: number }).c;
const gaps = () =>
  t.db.prepare("SELECT team_id, ROUND(cost_usd, 6) AS cost, model, cost_source FROM usage_records WHERE source = 'billing_gap' AND day = ? ORDER BY team_id").all(DAY);

describe('Anthropic Admin API pollers against a local fake', () => {
  it('follows two pages of the usage report with the documented request, retrying a 429 after Retry-After', async () => {
    api.failNext(USAGE, { status: 429, headers: { 'retry-after': '7' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } } });
    const outcomes = await pollProviders(t.app.deps, t.clock.now(), { sleep });
    expect(outcomes.find((o) => o.name === 'anthropic_usage')).toMatchObject({ pages: 2, buckets: 2 });
    const reqs = api.requestsTo(USAGE);
    expect(reqs).toHaveLength(3);
    expect(sleeps[0]).toBe(7_000);
    const q = reqs[1]!.query;
    expect(reqs[1]!.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(reqs[1]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(q.get('bucket_width')).toBe('1h');
    expect(q.getAll('group_by[]')).toEqual(['model', 'workspace_id', 'api_key_id', 'service_tier']);
    // first poll: the default 7-day backfill, complete hours only
    expect(q.get('starting_at')).toBe('2026-11-16T10:00:00Z');
    expect(q.get('ending_at')).toBe('2026-11-23T10:00:00Z');
    expect(q.get('page')).toBeNull();
    expect(reqs[2]!.query.get('page')).toBe('page_MjAyNi0xMS0yMFQxMDowMDowMFo=');
    expect(reqs[2]!.query.get('starting_at')).toBe('2026-11-16T10:00:00Z');

    const usage = bills('anthropic_usage');
    expect(usage.map((b) => [b.model, b.team_id, Math.round(b.cost_usd * 1e6) / 1e6, b.cost_source])).toEqual([
      ['claude-opus-4-1-20250805', null, 1.125, 'computed'], // batch: half price; default workspace, unmapped key
      ['claude-sonnet-4-5-20250929', platform, 6.975, 'computed'], // by workspace mapping
      ['claude-mystery-7', platform, 0, 'unpriced'],
      ['claude-sonnet-4-5-20250929', platform, 3.6, 'computed'], // 1-hour cache writes at $6/Mtok
    ]);
    expect(usage[1]).toMatchObject({ input_tokens: 1_000_000, cache_read_tokens: 2_000_000, cache_write_tokens: 100_000, output_tokens: 200_000 });
  });

  it('keeps what it stored when a later page keeps failing, and logs without the key', () => {
    const cost = bills('anthropic_cost');
    expect(cost.map((b) => [new Date(b.bucket_start).toISOString().slice(0, 10), b.cost_usd])).toEqual([['2026-11-19', 2.505]]);
    expect(pollerStateRepo(t.db).get('anthropic_cost')).toMatchObject({ run: { page: 'page_MjAyNi0xMS0yMFQwMDowMDowMFo=' } });
    // 5 attempts in all: backoff 1, 2, 4, 8 s between them
    expect(sleeps.slice(1)).toEqual([1_000, 2_000, 4_000, 8_000]);
    const logs = t.logs.join('\n');
    expect(logs).toContain('provider request failed; retrying');
    expect(logs).toContain('HTTP 500 (api_error: Internal server error)');
    expect(logs).not.toContain(ANTHROPIC_KEY);
  });

  it('without the cost report the day is billed from the priced usage report (counting rule b)', () => {
    // B = 11.7 (usage report: 6.975 + 1.125 + 3.6); O = 7 (Platform telemetry) → Platform 9.575 − 7, unattributed 1.125
    expect(gaps()).toEqual([
      { team_id: null, cost: 1.125, model: '(billing adjustment)', cost_source: 'reported' },
      { team_id: platform, cost: 3.575, model: '(billing adjustment)', cost_source: 'reported' },
    ]);
    expect(dayTotal()).toBe(11.7);
  });

  it('after a restart, resumes at the page it had not stored: no gap, no duplicate', async () => {
    await t.stopApp();
    costPage2Fails = false;
    const before = api.requestsTo(COST).length;
    t = await start(t.dbPath);
    await pollProviders(t.app.deps, t.clock.now(), { sleep });
    const resumed = api.requestsTo(COST).slice(before);
    expect(resumed[0]!.query.get('page')).toBe('page_MjAyNi0xMS0yMFQwMDowMDowMFo=');
    expect(resumed[0]!.query.get('starting_at')).toBe('2026-11-16T00:00:00Z');
    const cost = bills('anthropic_cost');
    expect(cost.map((b) => [new Date(b.bucket_start).toISOString().slice(0, 10), b.workspace_id, b.team_id, b.cost_usd])).toEqual([
      ['2026-11-19', 'wrkspc_01PLATFORM', platform, 2.505],
      [DAY, 'wrkspc_01PLATFORM', platform, 6],
      [DAY, 'wrkspc_01PLATFORM', platform, 3],
      [DAY, null, null, 3],
    ]);
    expect(pollerStateRepo(t.db).get('anthropic_cost')).toEqual({ doneUntil: Date.parse('2026-11-23T00:00:00Z') });
  });

  it('with the cost report the day is billed from it: total = max(bill, telemetry), split by workspace mapping', () => {
    // B = {Platform 9, unattributed 3}; O = {Platform 7} → gaps Platform 2, unattributed 3
    expect(gaps()).toEqual([
      { team_id: null, cost: 3, model: '(billing adjustment)', cost_source: 'reported' },
      { team_id: platform, cost: 2, model: '(billing adjustment)', cost_source: 'reported' },
    ]);
    expect(dayTotal()).toBe(12);
  });

  it('a corrected bucket replaces the earlier value, and the adjustment follows', async () => {
    api.on(COST, () => ({ body: fixture('anthropic/cost-corrected.json') }));
    t.clock.advance(3_600_000);
    await pollProviders(t.app.deps, t.clock.now(), { sleep });
    const req = api.requestsTo(COST).at(-1)!;
    // later polls re-fetch the 2-day lookback window
    expect(req.query.get('starting_at')).toBe('2026-11-21T00:00:00Z');
    const day = bills('anthropic_cost').filter((b) => new Date(b.bucket_start).toISOString().startsWith(DAY));
    expect(day.map((b) => [b.workspace_id, b.cost_usd])).toEqual([
      ['wrkspc_01PLATFORM', 7],
      ['wrkspc_01PLATFORM', 3],
    ]);
    expect(gaps()).toEqual([{ team_id: platform, cost: 3, model: '(billing adjustment)', cost_source: 'reported' }]);
    expect(dayTotal()).toBe(10);
  });

  it('telemetry that arrives after the bill shrinks the adjustment at once: never counted twice', async () => {
    const res = await t.ingest(
      '/v1/logs',
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: `${DAY}T15:00:00Z`, attrs: { 'session.id': 'a2', 'user.email': 'alice@example.com', model: 'claude-sonnet-4-5', cost_usd: 4, input_tokens: 10, output_tokens: 10 } },
      ]),
    );
    expect(res.status).toBe(200);
    // O = 11 > B = 10: no adjustment, the day counts what telemetry saw
    expect(gaps()).toEqual([]);
    expect(dayTotal()).toBe(11);
  });

  it('lists the unpriced model from the usage report', () => {
    const rows = t.app.deps.db.prepare("SELECT model FROM billing_buckets WHERE cost_source = 'unpriced'").all();
    expect(rows).toEqual([{ model: 'claude-mystery-7' }]);
  });
});
