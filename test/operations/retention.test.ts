// Retention (RETENTION_DAYS) on a database with records on both sides of the window, built through the
// real routes (generic usage, Claude Code OTLP logs and metrics, generic delivery, a polled bill): after
// the run the raw rows older than the window are gone, the rest is untouched, every answer and digest
// for any period is the same, and a replayed old record is not counted. In a zone east of UTC with a
// half-hour offset and in one west of it across the end of DST.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { digestTargets, prepareDigest } from '../../src/digest/digest-job.js';
import { usageRepo } from '../../src/db/repos/usage-repo.js';
import { afterIngestIdle } from '../../src/ingest/index.js';
import { reconcileEverything } from '../../src/ingest/billing/reconcile.js';
import { pollProviders } from '../../src/ingest/providers/pollers.js';
import { testConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { operationsFeature } from '../../src/operations/index.js';
import { lastRetentionRun, runRetention } from '../../src/operations/retention.js';
import { openTempDb } from '../helpers/temp-db.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { logsExport, metricsExport } from '../ingest/otlp/otlp-builders.js';
import { ANTHROPIC_KEY, FakeProvider, OPENAI_KEY, costReportBucket, emptyPage } from '../ingest/providers/fake-provider.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
// RETENTION_DAYS=30: the window starts 2026-10-24T10:00Z
const CUTOFF = NOW - 30 * DAY;
const ANA = 'U0ANA';

// activity on these days (UTC noon, except where a time is given): two before the window, three in it,
// one of them the Sunday New York leaves DST (Nov 1)
const OLD_DAYS = ['2026-10-05', '2026-10-19'];
const NEW_DAYS = ['2026-11-01', '2026-11-12', '2026-11-20'];

let api: FakeProvider;
let t: TestApp | undefined;

beforeAll(async () => {
  api = await new FakeProvider().start();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});
afterAll(async () => {
  await api.stop();
});

const usageRecord = (id: string, day: string, cost: number, extra: Record<string, unknown> = {}) => ({
  id,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5-20250929',
  timestamp: `${day}T12:00:00Z`,
  user: 'ana@example.com',
  session_id: `gen-${day}`,
  input_tokens: 1000,
  output_tokens: 200,
  cost_usd: cost,
  ...extra,
});

async function ok(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

/** one day of activity, sent with the clock on that day (as it would have arrived) */
async function sendDay(app: TestApp, day: string): Promise<void> {
  app.clock.set(Date.parse(`${day}T13:00:00Z`));
  const session = `cc-${day}`;
  const who = { 'session.id': session, 'user.email': 'ana@example.com' };
  // $4 of generic usage, and one unpriced model (kept: /aispend admin unpriced lists it)
  await ok(await app.ingest('/ingest/usage', { records: [usageRecord(`u-${day}`, day, 4), usageRecord(`x-${day}`, day, 0, { model: 'mystery-model-1', cost_usd: undefined })] }));
  // $6 of Claude Code calls as events (they win over metrics), a failing tool, a prompt
  await ok(
    await app.ingest(
      '/v1/logs',
      logsExport({}, [
        { name: 'api_request', at: `${day}T11:00:00Z`, attrs: { ...who, model: 'claude-sonnet-4-5-20250929', input_tokens: 10, output_tokens: 10, cost_usd: 6 } },
        { name: 'tool_result', at: `${day}T11:01:00Z`, attrs: { ...who, tool_name: 'Bash', success: 'false', error: 'exit 1' } },
        { name: 'user_prompt', at: `${day}T10:59:00Z`, attrs: { ...who, prompt_length: 12 } },
      ]),
    ),
  );
  // the same calls as metrics (not counted: the session has events), and one commit (a claim)
  await ok(
    await app.ingest(
      '/v1/metrics',
      metricsExport({ 'user.email': 'ana@example.com' }, [
        { metric: 'claude_code.cost.usage', value: 6, attrs: { 'session.id': session, model: 'claude-sonnet-4-5-20250929' }, start: `${day}T10:59:00Z`, time: `${day}T11:00:00Z` },
        { metric: 'claude_code.commit.count', value: 1, attrs: { 'session.id': session }, start: `${day}T11:00:00Z`, time: `${day}T11:05:00Z` },
      ]),
    ),
  );
  // a delivered story and a commit through the generic route
  await ok(
    await app.ingest('/ingest/delivery', {
      events: [
        { id: `done-${day}`, type: 'story_done', timestamp: `${day}T12:30:00Z`, story_key: `PLAT-${day.replaceAll('-', '')}`, points: 3, team: 'platform', user: 'ana@example.com' },
        { id: `c-${day}`, type: 'commit', timestamp: `${day}T12:20:00Z`, repo: 'acme/api', sha: `${day.replaceAll('-', '')}aa`, team: 'platform', user: 'ana@example.com', ai_assisted: true },
      ],
    }),
  );
}

async function buildOrg(tz: string): Promise<TestApp> {
  // the bill: $15 on an old UTC day and $12 on a new one, more than telemetry saw ($10 each): adjustments
  api.on('/v1/organizations/cost_report', () => ({
    body: { data: [costReportBucket('2026-10-05', [[null, 1500]]), costReportBucket('2026-11-12', [[null, 1200]])], has_more: false, next_page: null },
  }));
  api.on('/v1/organizations/usage_report/messages', () => ({ body: emptyPage }));
  api.on('/v1/organizations/usage_report/claude_code', () => ({ body: emptyPage }));
  const app = await startTestApp({
    now: Date.parse('2026-10-01T09:00:00Z'),
    env: {
      AISPEND_TIMEZONE: tz,
      RETENTION_DAYS: '30',
      AISPEND_ORG_CHANNEL: 'C0ORG',
      ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY,
      ANTHROPIC_API_URL: api.url,
      POLL_BACKFILL_DAYS: '60',
    },
  });
  t = app;
  app.slack.addUser({ id: ANA, email: 'ana@example.com', name: 'Ana' });
  await app.command('admin team create platform <#C0PLAT|platform>', { user: TEST_ADMIN });
  await app.command(`admin team add platform <@${ANA}>`, { user: TEST_ADMIN });
  await app.command('admin budget set platform 500', { user: TEST_ADMIN });
  for (const day of [...OLD_DAYS, ...NEW_DAYS]) await sendDay(app, day);
  app.clock.set(NOW);
  await pollProviders(app.app.deps, NOW, { sleep: async () => {} });
  // loop checks and budget thresholds run in the background after ingest: let them finish first
  await afterIngestIdle(app.app.deps);
  return app;
}

/** every table an answer or a digest reads, whole */
function state(app: TestApp): Record<string, unknown[]> {
  const tables = [
    'usage_daily_team',
    'usage_daily_person',
    'usage_hourly',
    'usage_utc_person',
    'agent_sessions',
    'stories',
    'commits',
    'pull_requests',
    'work_links',
    'loop_alerts',
    'audit_log',
    'billing_buckets',
    'budget_requests',
    'teams',
    'people',
  ];
  return Object.fromEntries(tables.map((name) => [name, app.db.prepare(`SELECT * FROM ${name} ORDER BY 1, 2, 3`).all()]));
}

/** the answers people read, at several "nows" (any period: before the window, across it, in it) */
async function answers(app: TestApp): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const at of ['2026-10-06T10:00:00Z', '2026-10-20T10:00:00Z', '2026-11-02T10:00:00Z', '2026-11-23T10:00:00Z']) {
    app.clock.set(Date.parse(at));
    for (const [text, user] of [
      ['summary', ANA],
      ['summary month', ANA],
      ['summary org month', TEST_ADMIN],
      ['me', ANA],
      ['models', ANA],
      ['budget', ANA],
      ['admin reconcile anthropic month', TEST_ADMIN],
      ['admin unpriced', TEST_ADMIN],
    ] as const) {
      out.push([at, text, await app.command(text, { user })]);
    }
    for (const target of digestTargets(app.app.deps)) out.push([at, 'digest', prepareDigest(app.app.deps, target, Date.parse(at), { chart: false }).message]);
  }
  app.clock.set(NOW);
  return out;
}

const count = (app: TestApp, sql: string, ...params: unknown[]) => (app.db.prepare(sql).get(...params) as { n: number }).n;

describe.each(['Asia/Kolkata', 'America/New_York'])('retention in %s', (tz) => {
  it('deletes raw records older than the window, keeps everything answers read, and every answer is the same', async () => {
    const app = await buildOrg(tz);
    const raw = "source IN ('otlp_metric', 'otlp_event', 'generic') AND cost_source <> 'unpriced'";
    // per day: 1 generic row + 1 event row + 1 metric row (uncounted) raw, 1 unpriced row
    expect(count(app, `SELECT COUNT(*) AS n FROM usage_records WHERE ${raw} AND ts < ?`, CUTOFF)).toBe(2 * 3);
    expect(count(app, `SELECT COUNT(*) AS n FROM usage_records WHERE ${raw} AND ts >= ?`, CUTOFF)).toBe(3 * 3);
    const adjustments = count(app, "SELECT COUNT(*) AS n FROM usage_records WHERE source IN ('billing_gap', 'analytics_gap')");
    expect(adjustments).toBeGreaterThan(0);
    expect(count(app, 'SELECT COUNT(*) AS n FROM session_tool_results')).toBe(5);
    const claimsBefore = count(app, 'SELECT COUNT(*) AS n FROM processed_deliveries');

    const before = { state: state(app), answers: await answers(app) };
    // a small batch, so the run takes many transactions
    const result = await runRetention(app.app.deps, NOW, { batch: 3 });
    expect(result).toMatchObject({ cutoff: CUTOFF, usageRows: 6, toolResults: 2, complete: true });

    // gone: the raw rows, tool results and claims of the two old days
    expect(count(app, `SELECT COUNT(*) AS n FROM usage_records WHERE ${raw} AND ts < ?`, CUTOFF)).toBe(0);
    expect(count(app, 'SELECT COUNT(*) AS n FROM session_tool_results WHERE ts < ?', CUTOFF)).toBe(0);
    // claims (generic delivery events, the commit counter, the prompt) received more than a day before the window
    expect(count(app, 'SELECT COUNT(*) AS n FROM processed_deliveries WHERE received_at < ?', CUTOFF - DAY)).toBe(0);
    expect(result.claims).toBe(claimsBefore - count(app, 'SELECT COUNT(*) AS n FROM processed_deliveries'));
    expect(result.claims).toBe(2 * 4);
    // kept: everything in the window, the adjustments, the unpriced rows
    expect(count(app, `SELECT COUNT(*) AS n FROM usage_records WHERE ${raw} AND ts >= ?`, CUTOFF)).toBe(3 * 3);
    expect(count(app, 'SELECT COUNT(*) AS n FROM session_tool_results')).toBe(3);
    expect(count(app, "SELECT COUNT(*) AS n FROM usage_records WHERE source IN ('billing_gap', 'analytics_gap')")).toBe(adjustments);
    expect(count(app, "SELECT COUNT(*) AS n FROM usage_records WHERE cost_source = 'unpriced'")).toBe(5);

    // every table an answer reads, and every answer, unchanged
    expect(state(app)).toEqual(before.state);
    const after = await answers(app);
    expect(after).toEqual(before.answers);
    // e.g. November: 3 days × ($4 generic + $6 Claude Code) + the bill's excess on Nov 12 ($12 − $10) = $32;
    // Ana's 7 days to Oct 6: $4 + $6 on Oct 5 (the bill's excess is unattributed: its lines name no team)
    const said = (at: string, text: string) => (after.find((a) => (a as unknown[])[0] === at && (a as unknown[])[1] === text) as [string, string, { text: string }])[2].text;
    expect(said('2026-11-23T10:00:00Z', 'summary org month')).toContain('November to date: $32.00 spent');
    expect(said('2026-10-06T10:00:00Z', 'me')).toContain('$10.00 spent');
    expect(lastRetentionRun(app.app.deps)).toMatchObject({ at: NOW, usageRows: 6 });

    // a second run finds nothing more
    expect(await runRetention(app.app.deps, NOW, { batch: 3 })).toMatchObject({ usageRows: 0, toolResults: 0, claims: 0 });

    // every billed day reconciled again (as after an upgrade, or a late mapping), old ones included:
    // against the kept rollups and adjustments, nothing moves and nothing is counted twice
    const writer = usageRepo(app.db).writer();
    app.db.transaction(() => reconcileEverything({ db: app.db, timezone: tz, writer }))();
    expect(state(app)).toEqual(before.state);
  });

  it('a replayed record older than the window is not counted, the answer says so, and the rest of the batch is taken', async () => {
    const app = await buildOrg(tz);
    await runRetention(app.app.deps, NOW);
    const spend = () => count(app, 'SELECT ROUND(SUM(cost_usd), 6) AS n FROM usage_daily_team');
    // spend: 5 days × ($4 generic + $6 events) = $50, plus the bill's excess: $15 − $10 on Oct 5 and $12 − $10 on Nov 12
    expect(spend()).toBe(57);

    // generic usage: the old record again (its row is gone) and a new one of $1.25
    const body = await ok(
      await app.ingest('/ingest/usage', { records: [usageRecord('u-2026-10-05', '2026-10-05', 4), usageRecord('u-new', '2026-11-23', 1.25)] }),
    );
    expect(body).toEqual({
      accepted: 1,
      duplicates: 0,
      too_old: 1,
      warnings: [
        {
          path: 'records.0.timestamp',
          message: 'is older than RETENTION_DAYS (30 days): not counted, since a record this old can no longer be recognised as a replay',
        },
      ],
    });
    expect(spend()).toBe(58.25);

    // OTLP: the old export again is answered as a partial success (the exporter must not retry it)
    const logs = (await ok(
      await app.ingest(
        '/v1/logs',
        logsExport({}, [
          { name: 'api_request', at: '2026-10-05T11:00:00Z', attrs: { 'session.id': 'cc-2026-10-05', 'user.email': 'ana@example.com', model: 'claude-sonnet-4-5-20250929', input_tokens: 10, output_tokens: 10, cost_usd: 6 } },
        ]),
      ),
    )) as { partialSuccess: { rejectedLogRecords: number; errorMessage: string } };
    expect(logs.partialSuccess).toEqual({ rejectedLogRecords: 1, errorMessage: '1 skipped: older than RETENTION_DAYS (30 days): not counted (1)' });
    const metrics = (await ok(
      await app.ingest(
        '/v1/metrics',
        metricsExport({ 'user.email': 'ana@example.com' }, [
          { metric: 'claude_code.commit.count', value: 1, attrs: { 'session.id': 'cc-2026-10-05' }, start: '2026-10-05T11:00:00Z', time: '2026-10-05T11:05:00Z' },
        ]),
      ),
    )) as { partialSuccess: { rejectedDataPoints: number } };
    expect(metrics.partialSuccess.rejectedDataPoints).toBe(1);
    expect(count(app, "SELECT commits AS n FROM agent_sessions WHERE session_id = 'cc-2026-10-05'")).toBe(1);

    // generic delivery: the old story again is not applied; a new one is
    const delivery = await ok(
      await app.ingest('/ingest/delivery', {
        events: [
          { id: 'done-2026-10-05', type: 'story_done', timestamp: '2026-10-05T12:30:00Z', story_key: 'PLAT-20261005', points: 3 },
          { id: 'done-new', type: 'story_done', timestamp: '2026-11-23T09:00:00Z', story_key: 'PLAT-9', points: 1, team: 'platform' },
        ],
      }),
    );
    expect(delivery).toMatchObject({ accepted: 1, duplicates: 0, too_old: 1, warnings: [{ path: 'events.0.timestamp' }] });
    expect(spend()).toBe(58.25);
  });

  it('a mapping made after retention moves what is kept, leaves older spend where it was counted, and counts nothing twice', async () => {
    // OpenAI costs of project proj_p: $15 on Oct 5, $12 on Nov 12; a gateway reported $10 of calls of
    // proj_p on each day, with no person or team
    const costs = (day: string, usd: number) => ({
      object: 'bucket',
      start_time: Date.parse(`${day}T00:00:00Z`) / 1000,
      end_time: Date.parse(`${day}T00:00:00Z`) / 1000 + 86_400,
      results: [{ object: 'organization.costs.result', amount: { value: usd, currency: 'usd' }, line_item: 'gpt-4.1-mini, input', project_id: 'proj_p', api_key_id: null }],
    });
    api.on('/v1/organization/costs', () => ({ body: { object: 'page', data: [costs('2026-10-05', 15), costs('2026-11-12', 12)], has_more: false, next_page: null } }));
    api.on('/v1/organization/usage/completions', () => ({ body: { object: 'page', ...emptyPage } }));
    const app = await startTestApp({
      now: Date.parse('2026-10-05T13:00:00Z'),
      env: { AISPEND_TIMEZONE: tz, RETENTION_DAYS: '30', OPENAI_ADMIN_API_KEY: OPENAI_KEY, OPENAI_API_URL: api.url, POLL_BACKFILL_DAYS: '60' },
    });
    t = app;
    await app.command('admin team create platform <#C0PLAT|platform>', { user: TEST_ADMIN });
    const gateway = (day: string) => ({ records: [{ id: `p-${day}`, provider: 'openai', model: 'gpt-4.1-mini', timestamp: `${day}T12:00:00Z`, project: 'proj_p', input_tokens: 100, output_tokens: 10, cost_usd: 10 }] });
    await ok(await app.ingest('/ingest/usage', gateway('2026-10-05')));
    app.clock.set(Date.parse('2026-11-12T13:00:00Z'));
    await ok(await app.ingest('/ingest/usage', gateway('2026-11-12')));
    app.clock.set(NOW);
    await pollProviders(app.app.deps, NOW, { sleep: async () => {} });
    const byTeamMonth = () =>
      app.db
        .prepare("SELECT team_id AS team, substr(day, 1, 7) AS month, ROUND(SUM(cost_usd), 6) AS usd FROM usage_daily_team GROUP BY 1, 2 ORDER BY 1, 2")
        .all();
    // each day counts max(bill, telemetry): $15 on Oct 5 and $12 on Nov 12, all unattributed (team 0)
    expect(byTeamMonth()).toEqual([
      { team: 0, month: '2026-10', usd: 15 },
      { team: 0, month: '2026-11', usd: 12 },
    ]);
    await runRetention(app.app.deps, NOW);

    const answer = await app.command('admin map project proj_p platform', { user: TEST_ADMIN });
    // Nov 12 is inside the window: its $10 of calls and its $12 bill line move, and the day still counts $12;
    // Oct 5 is not: its bill stays with the telemetry it was reconciled with, and still counts $15 (not $25)
    expect(byTeamMonth()).toEqual([
      { team: 0, month: '2026-10', usd: 15 },
      { team: 1, month: '2026-11', usd: 12 },
    ]);
    expect(blockText(answer)).toMatch(/Moved \$12\.00 of unattributed spend \(Nov 1[12], 2026 – Nov 1[23], 2026\) to \*platform\*/);
  });

  it('ingest keeps flowing while a run deletes a backlog', async () => {
    const app = await buildOrg(tz);
    // a backlog of old generic rows, sent while they were recent
    app.clock.set(Date.parse('2026-10-10T12:00:00Z'));
    const records = Array.from({ length: 3_000 }, (_, i) => usageRecord(`bulk-${i}`, '2026-10-10', 0.01));
    for (let i = 0; i < records.length; i += 1_000) await ok(await app.ingest('/ingest/usage', { records: records.slice(i, i + 1_000) }));
    app.clock.set(NOW);
    let finished = false;
    const run = runRetention(app.app.deps, NOW, { batch: 50 }).then((r) => {
      finished = true;
      return r;
    });
    const answered: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      await ok(await app.ingest('/ingest/usage', { records: [usageRecord(`during-${i}`, '2026-11-23', 1)] }));
      answered.push(finished);
    }
    const r = await run;
    expect(r.usageRows).toBe(3_000 + 6);
    // the requests were answered while the run was still going
    expect(answered[0]).toBe(false);
    expect(count(app, "SELECT COUNT(*) AS n FROM usage_records WHERE idem_key LIKE 'gen:during-%'")).toBe(3);
  });

  it('stops early when the app stops, and the next run finishes the job', async () => {
    const app = await buildOrg(tz);
    const stop = new AbortController();
    stop.abort();
    const first = await runRetention(app.app.deps, NOW, { signal: stop.signal });
    expect(first.complete).toBe(false);
    expect(lastRetentionRun(app.app.deps)).toBeUndefined();
    const second = await runRetention(app.app.deps, NOW);
    expect(second).toMatchObject({ usageRows: 6, complete: true });
  });
});

describe('the retention job', () => {
  it('runs at start (a restored backup or a lowered RETENTION_DAYS is trimmed at once) and daily at 03:23', () => {
    const tmp = openTempDb();
    try {
      const jobs = operationsFeature.jobs!({ db: tmp.db, config: testConfig(), logger: silentLogger, clock: { now: () => NOW }, afterIngest: [] });
      expect(jobs.map((j) => [j.name, j.cron, j.runOnStart])).toEqual([['retention', '23 3 * * *', true]]);
    } finally {
      tmp.cleanup();
    }
  });
});
