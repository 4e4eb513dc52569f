// The set-ups of issue 12, end to end: the real app, OTLP over HTTP, the pollers against a fake
// Anthropic Admin API answering the documented shapes, and the answers people read. Every expected
// figure is worked out from the inputs in the comment beside it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollProviders } from '../../../src/ingest/providers/pollers.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/test-app.js';
import { logsExport, metricsExport } from '../otlp/otlp-builders.js';
import { blockText } from '../../queries/summary-seed.js';
import { ANTHROPIC_KEY, FakeProvider, costReportBucket, emptyPage } from '../providers/fake-provider.js';

const USAGE = '/v1/organizations/usage_report/messages';
const COST = '/v1/organizations/cost_report';
const ANALYTICS = '/v1/organizations/usage_report/claude_code';
const NOW = Date.parse('2026-11-23T10:00:00Z');

let api: FakeProvider;
let t: TestApp | undefined;

/** cost report lines per UTC day: [workspace or null, dollars] */
type CostLines = Record<string, Array<[string | null, number]>>;

function serveCost(lines: CostLines): void {
  // the cost report's amount is a decimal string in cents
  const page = { data: Object.entries(lines).map(([day, ls]) => costReportBucket(day, ls.map(([w, usd]) => [w, usd * 100] as [string | null, number]))), has_more: false, next_page: null };
  api.on(COST, () => ({ body: page }));
}

async function start(tz: string): Promise<TestApp> {
  t = await startTestApp({ now: NOW, env: { AISPEND_TIMEZONE: tz, ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_URL: api.url } });
  return t;
}

const poll = (app: TestApp) => pollProviders(app.app.deps, app.clock.now(), { sleep: async () => {} });

function event(at: string, attrs: Record<string, string | number>) {
  return { name: 'api_request', at, attrs: { model: 'claude-sonnet-4-5-20250929', input_tokens: 10, output_tokens: 10, ...attrs } };
}

async function send(app: TestApp, path: '/v1/logs' | '/v1/metrics', body: unknown): Promise<void> {
  const res = await app.ingest(path, body);
  expect(res.status).toBe(200);
}

const text = (body: Record<string, unknown>) => blockText(body as { text?: string; blocks?: unknown[] });

beforeAll(async () => {
  api = await new FakeProvider().start();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  api.on(USAGE, () => ({ body: emptyPage }));
  api.on(COST, () => ({ body: emptyPage }));
  api.on(ANALYTICS, () => ({ body: emptyPage }));
});
afterAll(async () => {
  await api.stop();
});

describe('1. outside UTC: a bill of UTC days against telemetry of the same calls', () => {
  it('$90 of calls at 02:00 UTC in Los Angeles, bill first: the org shows $90, not $180', async () => {
    serveCost({ '2026-11-20': [[null, 90]] });
    const app = await start('America/Los_Angeles');
    await poll(app);
    // 02:00 UTC on Nov 20 is 18:00 on Nov 19 in Los Angeles
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T02:00:00Z', { 'session.id': 's1', 'user.email': 'al@example.com', cost_usd: 90 })]));
    const summary = await app.command('summary org week', { user: TEST_ADMIN });
    expect(summary.text).toMatch(/: \$90\.00 spent/);
    // the dollars sit on the local day of the call
    expect(app.db.prepare("SELECT day, ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team GROUP BY day").all()).toEqual([{ day: '2026-11-19', c: 90 }]);
    const rec = text(await app.command('admin reconcile anthropic week', { user: TEST_ADMIN }));
    expect(rec).toContain('bill $90.00 · telemetry $90.00 → counted *$90.00*');
    expect(rec).toContain('*Totals* · bill $90.00 · telemetry $90.00 · counted *$90.00*');
  });

  it('$90 of calls at 20:00 UTC in Tokyo, telemetry first: $90 as well, on Nov 21 local', async () => {
    serveCost({ '2026-11-20': [[null, 90]] });
    const app = await start('Asia/Tokyo');
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T20:00:00Z', { 'session.id': 's1', 'user.email': 'al@example.com', cost_usd: 90 })]));
    await poll(app);
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$90\.00 spent/);
    expect(app.db.prepare("SELECT day, ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team GROUP BY day").all()).toEqual([{ day: '2026-11-21', c: 90 }]);
  });

  it('a bill above telemetry adds only the difference, placed on the local days of its UTC day (Kathmandu, +5:45)', async () => {
    // bill $120 for Nov 20 UTC, telemetry saw $90: $30 unexplained, no hours known, so spread evenly:
    // Nov 20 00:00–18:15 UTC is Nov 20 in Kathmandu (18.25 h → $22.8125), the rest Nov 21 ($7.1875)
    serveCost({ '2026-11-20': [[null, 120]] });
    const app = await start('Asia/Kathmandu');
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T03:00:00Z', { 'session.id': 's1', 'user.email': 'al@example.com', cost_usd: 90 })]));
    await poll(app);
    const days = app.db.prepare("SELECT day, ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team GROUP BY day ORDER BY day").all();
    expect(days).toEqual([
      { day: '2026-11-20', c: 90 + 22.8125 },
      { day: '2026-11-21', c: 7.1875 },
    ]);
  });
  it('the usage report’s hours place an unexplained bill on the local day its calls happened (Tokyo)', async () => {
    // no cost report: the bill is the usage report, priced. 1M Sonnet 4.5 output tokens ($15/M) at
    // 02:00 UTC, which telemetry saw, and 1M more at 16:00 UTC, which it did not
    const hour = (h: number) => ({
      starting_at: `2026-11-20T${String(h).padStart(2, '0')}:00:00Z`,
      ending_at: `2026-11-20T${String(h + 1).padStart(2, '0')}:00:00Z`,
      results: [
        {
          uncached_input_tokens: 0,
          cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
          cache_read_input_tokens: 0,
          output_tokens: 1_000_000,
          server_tool_use: { web_search_requests: 0 },
          api_key_id: null,
          workspace_id: null,
          model: 'claude-sonnet-4-5-20250929',
          service_tier: 'standard',
          context_window: '0-200k',
        },
      ],
    });
    api.on(USAGE, () => ({ body: { data: [hour(2), hour(16)], has_more: false, next_page: null } }));
    const app = await start('Asia/Tokyo');
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T02:10:00Z', { 'session.id': 's1', 'user.email': 'al@example.com', cost_usd: 15 })]));
    await poll(app);
    // bill $30, telemetry $15: the $15 gap belongs to 16:00 UTC, which is 01:00 on Nov 21 in Tokyo
    const days = app.db.prepare('SELECT day, ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team GROUP BY day ORDER BY day').all();
    expect(days).toEqual([
      { day: '2026-11-20', c: 15 },
      { day: '2026-11-21', c: 15 },
    ]);
  });
});

describe('2. mappings and memberships made after the data', () => {
  it('map workspace moves the week’s unattributed bill to the team at once and says how much and from when', async () => {
    serveCost({ '2026-11-18': [['wrkspc_01DATA', 40]], '2026-11-19': [['wrkspc_01DATA', 40]] });
    const app = await start('Asia/Kolkata');
    await poll(app);
    await app.command('admin team create data <#C0DATA|data>', { user: TEST_ADMIN });
    const before = await app.command('summary data week', { user: TEST_ADMIN });
    expect(before.text).toMatch(/^No AI spend or delivered stories recorded for data/);
    const mapped = await app.command('admin map workspace wrkspc_01DATA data', { user: TEST_ADMIN });
    // $40 on each of two UTC days; they began at 05:30 local on Nov 18 (Kolkata is +5:30)
    expect(text(mapped)).toContain('Moved $80.00 of unattributed spend (Nov 18, 2026 – Nov 19, 2026) to *data*');
    expect((await app.command('summary data week', { user: TEST_ADMIN })).text).toMatch(/^data, .*: \$80\.00 spent/);
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$80\.00 spent/);

    // a person's unattributed telemetry follows them onto the team
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-21T06:00:00Z', { 'session.id': 'd1', 'user.email': 'dee@example.com', cost_usd: 12 })]));
    const added = await app.command('admin team add data dee@example.com', { user: TEST_ADMIN });
    expect(text(added)).toContain('Moved $12.00 of unattributed spend (Nov 21, 2026 – Nov 21, 2026) to *data*, with 1 agent session.');
    expect((await app.command('summary data week', { user: TEST_ADMIN })).text).toMatch(/^data, .*: \$92\.00 spent/);

    // history does not move: Dee changes team, the $12 already counted for data stays there
    await app.command('admin team create ml <#C0ML|ml>', { user: TEST_ADMIN });
    const moved = await app.command('admin team add ml dee@example.com', { user: TEST_ADMIN });
    expect(text(moved)).not.toContain('Moved $');
    expect((await app.command('summary data week', { user: TEST_ADMIN })).text).toMatch(/^data, .*: \$92\.00 spent/);
    expect(app.db.prepare("SELECT action, details FROM audit_log WHERE action = 'mapping.set'").get()).toMatchObject({
      details: expect.stringContaining('"moved_usd":80'),
    });
  });
});

describe('3. billing sources mixed', () => {
  it('Bedrock and Vertex telemetry is never netted against the Anthropic bill: team A $90, team B $100.50, org $190.50', async () => {
    serveCost({ '2026-11-20': [['wrkspc_A', 90]] });
    const app = await start('UTC');
    await app.command('admin team create teama <#C0A|a>', { user: TEST_ADMIN });
    await app.command('admin team create teamb <#C0B|b>', { user: TEST_ADMIN });
    await app.command('admin map workspace wrkspc_A teama', { user: TEST_ADMIN });
    await app.command('admin team add teamb bo@example.com', { user: TEST_ADMIN });
    // six Bedrock calls of 1M output tokens: Sonnet 4.5 at $15/M, +10% on Bedrock's regional
    // endpoints = $16.50 each, $99 (priced by the price library under AWS, not Claude Code's estimate)
    const bedrock = Array.from({ length: 6 }, (_, i) =>
      event(`2026-11-20T1${i}:00:00Z`, {
        'session.id': 'b1',
        'user.email': 'bo@example.com',
        model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        input_tokens: 0,
        output_tokens: 1_000_000,
        cost_usd: 15,
      }),
    );
    // one Vertex call of 100k output tokens at $15/M = $1.50
    const vertex = event('2026-11-20T18:00:00Z', {
      'session.id': 'b2',
      'user.email': 'bo@example.com',
      model: 'claude-sonnet-4-5@20250929',
      input_tokens: 0,
      output_tokens: 100_000,
    });
    await send(app, '/v1/logs', logsExport({}, [...bedrock, vertex]));
    await poll(app);
    expect((await app.command('summary teama week', { user: TEST_ADMIN })).text).toMatch(/: \$90\.00 spent/);
    // answers round amounts over $100 to the dollar; the rollups hold the cents
    expect((await app.command('summary teamb week', { user: TEST_ADMIN })).text).toMatch(/: \$101 spent/);
    const org = await app.command('summary org week', { user: TEST_ADMIN });
    expect(org.text).toMatch(/: \$191 spent/);
    const byTeam = app.db.prepare('SELECT t.name, ROUND(SUM(u.cost_usd), 6) AS c FROM usage_daily_team u JOIN teams t ON t.id = u.team_id GROUP BY t.name ORDER BY t.name').all();
    expect(byTeam).toEqual([
      { name: 'teama', c: 90 },
      { name: 'teamb', c: 100.5 },
    ]);
    expect(text(org)).toContain('*By source*: Amazon Bedrock $99.00 (52%) · Anthropic API $90.00 (47%) · Google Vertex $1.50 (1%)');
    const rec = text(await app.command('admin reconcile anthropic week', { user: TEST_ADMIN }));
    expect(rec).toContain('*teama* (workspace wrkspc_A)\n   bill $90.00 · telemetry $0.00 → counted *$90.00*');
  });

  it('Claude Code under a subscription (Analytics API customer_type) is not netted either: $30 API bill + $40 subscription = $70', async () => {
    serveCost({ '2026-11-20': [[null, 30]] });
    api.on(ANALYTICS, (q) =>
      q.get('starting_at') === '2026-11-20'
        ? {
            body: {
              data: [
                {
                  date: '2026-11-20T00:00:00Z',
                  actor: { type: 'user_actor', email_address: 'sam@example.com' },
                  organization_id: 'org-1',
                  customer_type: 'subscription',
                  terminal_type: 'vscode',
                  core_metrics: { num_sessions: 1, lines_of_code: { added: 1, removed: 0 }, commits_by_claude_code: 0, pull_requests_by_claude_code: 0 },
                  tool_actions: {},
                  model_breakdown: [
                    { model: 'claude-sonnet-4-5-20250929', tokens: { input: 1, output: 1, cache_read: 0, cache_creation: 0 }, estimated_cost: { currency: 'USD', amount: 4000 } },
                  ],
                },
              ],
              has_more: false,
              next_page: null,
            },
          }
        : { body: emptyPage },
    );
    const app = await start('UTC');
    // Sam's telemetry arrives first and looks like any Anthropic API usage
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T09:00:00Z', { 'session.id': 'q1', 'user.email': 'sam@example.com', cost_usd: 25 }), event('2026-11-20T09:05:00Z', { 'session.id': 'q1', 'user.email': 'sam@example.com', cost_usd: 15 })]));
    await poll(app);
    const org = await app.command('summary org week', { user: TEST_ADMIN });
    expect(org.text).toMatch(/: \$70\.00 spent/);
    expect(text(org)).toContain('*By source*: Claude subscription (API list-price equivalent) $40.00 (57%) · Anthropic API $30.00 (43%)');
    // what Sam sends later is labelled at once: the plan was learned from the Analytics API
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-22T09:00:00Z', { 'session.id': 'q2', 'user.email': 'sam@example.com', cost_usd: 5 })]));
    expect(app.db.prepare("SELECT billing_source FROM usage_records WHERE session_id = 'q2'").get()).toEqual({ billing_source: 'subscription' });
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$75\.00 spent/);
  });

  it('an admin marks a subscription user: their telemetry leaves the API bill’s comparison', async () => {
    serveCost({ '2026-11-20': [[null, 30]] });
    const app = await start('UTC');
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T09:00:00Z', { 'session.id': 'm1', 'user.email': 'max@example.com', cost_usd: 40 })]));
    await poll(app);
    // before: Max's $40 was taken as the same calls as the $30 bill: max($30, $40) = $40
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$40\.00 spent/);
    const marked = await app.command('admin plan max@example.com subscription', { user: TEST_ADMIN });
    expect(text(marked)).toContain('$40.00 of their telemetry moved to the subscription figures.');
    // after: $30 API + $40 subscription
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$70\.00 spent/);
  });
});

describe('4. metrics without session.id beside the events of the same calls', () => {
  const metric = (email: string, value: number, start: string, time: string) =>
    metricsExport({ 'service.name': 'claude-code' }, [
      { metric: 'claude_code.cost.usage', value, attrs: { 'user.email': email, model: 'claude-sonnet-4-5-20250929' }, start, time },
    ]);

  it('counts $17 of calls once, whichever arrives first; a metric no event covers still counts', async () => {
    const app = await start('Pacific/Auckland');
    // events first ($10 + $7), then the minute's metric point without a session id ($17)
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T10:00:10Z', { 'session.id': 'e1', 'user.email': 'eve@example.com', cost_usd: 10 }), event('2026-11-20T10:00:40Z', { 'session.id': 'e1', 'user.email': 'eve@example.com', cost_usd: 7 })]));
    await send(app, '/v1/metrics', metric('eve@example.com', 17, '2026-11-20T10:00:00Z', '2026-11-20T10:01:00Z'));
    // the metric first for Fay, then her events
    await send(app, '/v1/metrics', metric('fay@example.com', 17, '2026-11-20T11:00:00Z', '2026-11-20T11:01:00Z'));
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T11:00:20Z', { 'session.id': 'f1', 'user.email': 'fay@example.com', cost_usd: 10 }), event('2026-11-20T11:00:50Z', { 'session.id': 'f1', 'user.email': 'fay@example.com', cost_usd: 7 })]));
    // Gus exports metrics only: nothing else describes his $5
    await send(app, '/v1/metrics', metric('gus@example.com', 5, '2026-11-20T12:00:00Z', '2026-11-20T12:01:00Z'));
    const org = await app.command('summary org week', { user: TEST_ADMIN });
    // $17 + $17 + $5
    expect(org.text).toMatch(/: \$39\.00 spent/);
    const byPerson = app.db
      .prepare('SELECT p.email, ROUND(SUM(u.cost_usd), 6) AS c FROM usage_daily_person u JOIN people p ON p.id = u.person_id GROUP BY p.email ORDER BY p.email')
      .all();
    expect(byPerson).toEqual([
      { email: 'eve@example.com', c: 17 },
      { email: 'fay@example.com', c: 17 },
      { email: 'gus@example.com', c: 5 },
    ]);
  });
});

describe('5. telemetry of someone on no team when every bill line is mapped', () => {
  it('explains the mapped workspace’s shortfall instead of adding to the bill: $100 billed, $100 counted', async () => {
    // the whole day is billed to workspace wrkspc_A ($100, mapped to teama); teama's own telemetry saw
    // $60; Kim, on no team yet, used the same workspace for $30 of calls (telemetry saw them too)
    serveCost({ '2026-11-20': [['wrkspc_A', 100]] });
    const app = await start('Europe/Berlin');
    await app.command('admin team create teama <#C0A|a>', { user: TEST_ADMIN });
    await app.command('admin map workspace wrkspc_A teama', { user: TEST_ADMIN });
    await app.command('admin team add teama ana@example.com', { user: TEST_ADMIN });
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T09:00:00Z', { 'session.id': 'a1', 'user.email': 'ana@example.com', cost_usd: 60 })]));
    await send(app, '/v1/logs', logsExport({}, [event('2026-11-20T10:00:00Z', { 'session.id': 'k1', 'user.email': 'kim@example.com', cost_usd: 30 })]));
    await poll(app);
    // org: $60 (Ana) + $30 (Kim) + the $10 no telemetry saw = $100; teama: $60 + $10
    expect((await app.command('summary org week', { user: TEST_ADMIN })).text).toMatch(/: \$100 spent/);
    expect((await app.command('summary teama week', { user: TEST_ADMIN })).text).toMatch(/: \$70\.00 spent/);
    const rec = text(await app.command('admin reconcile anthropic week', { user: TEST_ADMIN }));
    expect(rec).toContain('bill $100 · telemetry $60.00 → counted *$70.00* (bill decides: $10.00 added that telemetry did not see; $30.00 of it is telemetry of teams the bill does not name, counted there)');
    expect(rec).toContain('*Totals* · bill $100 · telemetry $90.00 · counted *$100*');
    // once Kim joins teama, her $30 moves there and the day still counts $100, all of it teama's
    await app.command('admin team add teama kim@example.com', { user: TEST_ADMIN });
    expect((await app.command('summary teama week', { user: TEST_ADMIN })).text).toMatch(/: \$100 spent/);
  });
});
