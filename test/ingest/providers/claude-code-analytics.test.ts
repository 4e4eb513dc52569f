import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billingRepo } from '../../../src/db/repos/billing-repo.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { pollProviders } from '../../../src/ingest/providers/pollers.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { logsExport } from '../otlp/otlp-builders.js';
import { ANTHROPIC_KEY, FakeProvider, emptyPage, fixture, paged } from './fake-provider.js';

const ANALYTICS = '/v1/organizations/usage_report/claude_code';
const DAY = '2026-11-20';

let api: FakeProvider;
let t: TestApp;
let platform: number;

beforeAll(async () => {
  api = await new FakeProvider().start();
  api.on('/v1/organizations/usage_report/messages', () => ({ body: emptyPage }));
  api.on('/v1/organizations/cost_report', () => ({ body: emptyPage }));
  const day = paged([fixture('claude-code-analytics/day-page-1.json'), fixture('claude-code-analytics/day-page-2.json')]);
  api.on(ANALYTICS, (q) => (q.get('starting_at') === DAY ? day(q) : { body: emptyPage }));
  t = await startTestApp({ env: { ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_URL: api.url } });
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', null, 0).id;
  org.setPersonTeam(org.ensurePersonByEmail('alice@example.com', 0).id, platform);
  const res = await t.ingest(
    '/v1/logs',
    logsExport({ 'service.name': 'claude-code' }, [
      { name: 'api_request', at: `${DAY}T09:10:00Z`, attrs: { 'session.id': 'a1', 'user.email': 'alice@example.com', model: 'claude-opus-4-8', cost_usd: 7, input_tokens: 10, output_tokens: 10 } },
    ]),
  );
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t.close();
  await api.stop();
});

const analyticsGaps = () =>
  t.db
    .prepare("SELECT p.email, u.team_id, ROUND(u.cost_usd, 6) AS cost, u.model FROM usage_records u JOIN people p ON p.id = u.person_id WHERE u.source = 'analytics_gap' ORDER BY p.email")
    .all();
const personTotal = (email: string) =>
  (
    t.db
      .prepare('SELECT ROUND(COALESCE(SUM(d.cost_usd), 0), 6) AS c FROM usage_daily_person d JOIN people p ON p.id = d.person_id WHERE p.email = ? AND d.day = ?')
      .get(email, DAY) as { c: number }
  ).c;

describe('Claude Code Analytics poller (counting rule c)', () => {
  it('asks one UTC day per call and follows the day’s pages', async () => {
    await pollProviders(t.app.deps, t.clock.now(), { sleep: async () => undefined });
    const reqs = api.requestsTo(ANALYTICS);
    expect(reqs.map((r) => [r.query.get('starting_at'), r.query.get('page')])).toEqual([
      ['2026-11-16', null],
      ['2026-11-17', null],
      ['2026-11-18', null],
      ['2026-11-19', null],
      [DAY, null],
      [DAY, 'page_YW5hbHl0aWNzLTI='],
      ['2026-11-21', null],
      ['2026-11-22', null],
      ['2026-11-23', null],
    ]);
    expect(reqs[0]!.query.get('limit')).toBe('1000');
  });

  it('stores one record per actor and day, cents as dollars, people by email', () => {
    const rows = billingRepo(t.db).rows('claude_code_analytics', 0, Number.MAX_SAFE_INTEGER);
    expect(rows.map((r) => [r.email, r.team_id, r.cost_usd, r.input_tokens])).toEqual([
      [null, null, 0.5, 1_000],
      ['alice@example.com', platform, 10.275, 120_000],
      ['erin@example.com', null, 2, 5_000],
    ]);
    const alice = JSON.parse(rows[1]!.extra!) as { core_metrics: { commits_by_claude_code: number } };
    expect(alice.core_metrics.commits_by_claude_code).toBe(12);
    expect(orgRepo(t.db).personByEmail('erin@example.com')).toBeDefined();
  });

  it('per person and day, counts max(analytics estimate, telemetry)', () => {
    expect(analyticsGaps()).toEqual([
      { email: 'alice@example.com', team_id: platform, cost: 3.275, model: '(analytics adjustment)' },
      { email: 'erin@example.com', team_id: null, cost: 2, model: '(analytics adjustment)' },
    ]);
    expect(personTotal('alice@example.com')).toBe(10.275);
    expect(personTotal('erin@example.com')).toBe(2);
  });

  it('telemetry arriving later shrinks the person’s adjustment at once', async () => {
    const res = await t.ingest(
      '/v1/logs',
      logsExport({ 'service.name': 'claude-code' }, [
        { name: 'api_request', at: `${DAY}T18:00:00Z`, attrs: { 'session.id': 'a9', 'user.email': 'alice@example.com', model: 'claude-opus-4-8', cost_usd: 2, input_tokens: 10, output_tokens: 10 } },
      ]),
    );
    expect(res.status).toBe(200);
    expect(analyticsGaps()).toEqual([
      { email: 'alice@example.com', team_id: platform, cost: 1.275, model: '(analytics adjustment)' },
      { email: 'erin@example.com', team_id: null, cost: 2, model: '(analytics adjustment)' },
    ]);
    expect(personTotal('alice@example.com')).toBe(10.275);
  });
});
