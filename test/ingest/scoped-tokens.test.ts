// Team-scoped ingest tokens (aispend tokens create <name> --team <team>) on every ingest route, and
// the warnings for unknown fields in generic records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTokensCommand } from '../../src/cli/tokens.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { sessionRepo } from '../../src/db/repos/session-repo.js';
import { encodeLogsRequest, decodeResponse } from '../../src/ingest/otlp/otlp-protobuf.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { logsExport, metricsExport } from './otlp/otlp-builders.js';

let t: TestApp;
let platform: number;
let data: number;
let scoped: string;

const tokenOf = (lines: string[]) => lines.map((l) => l.trim()).find((l) => l.startsWith('asp_'))!;

beforeAll(async () => {
  t = await startTestApp();
  const org = orgRepo(t.db);
  platform = org.createTeam('Platform', null, 0).id;
  data = org.createTeam('Data', null, 0).id;
  // dana is in Data: a scoped Platform token's usage of hers still counts for Platform
  org.setPersonTeam(org.ensurePersonByEmail('dana@example.com', 0).id, data);
  const out = runTokensCommand(t.db, ['create', 'platform-gateway', '--team', 'platform'], 1000);
  expect(out.ok).toBe(true);
  expect(out.lines[0]).toBe('Created ingest token "platform-gateway" for team Platform. Copy it now: it is not stored and will not be shown again.');
  scoped = tokenOf(out.lines);
});
afterAll(async () => {
  await t.close();
});

const send = (path: string, body: unknown, token = scoped, headers: Record<string, string> = {}) =>
  fetch(t.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: body instanceof Uint8Array ? body : JSON.stringify(body),
  });
const count = () => (t.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;
const record = (over: Record<string, unknown> = {}) => ({
  id: `r-${Math.random()}`,
  provider: 'openai',
  model: 'gpt-4o',
  timestamp: '2026-11-20T08:16:00Z',
  input_tokens: 1000,
  output_tokens: 100,
  cost_usd: 0.25,
  ...over,
});

describe('aispend tokens with --team', () => {
  it('lists each token with its scope', () => {
    runTokensCommand(t.db, ['create', 'any-team'], 2000);
    const lines = runTokensCommand(t.db, ['list'], 3000).lines;
    expect(lines[0]).toMatch(/^name +scope +created +last used +status$/);
    expect(lines.find((l) => l.startsWith('platform-gateway'))).toMatch(/^platform-gateway +team Platform +1970-01-01 00:00/);
    expect(lines.find((l) => l.startsWith('any-team'))).toMatch(/^any-team +any team +/);
  });

  it('refuses an unknown team, naming the teams there are', () => {
    const out = runTokensCommand(t.db, ['create', 'x', '--team', 'nope'], 1);
    expect(out).toEqual({ ok: false, lines: ['No team named "nope".', 'Teams: Data, Platform.'] });
    expect(runTokensCommand(t.db, ['create', 'x', '--team'], 1).ok).toBe(false);
    expect(runTokensCommand(t.db, ['list', '--team', 'Data'], 1).ok).toBe(false);
  });
});

describe('a team-scoped token on POST /ingest/usage', () => {
  it('counts records without a team for its team, whoever sent them', async () => {
    const res = await send('/ingest/usage', { records: [record({ id: 'scoped-1', user: 'dana@example.com' }), record({ id: 'scoped-2', team: 'PLATFORM' })] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0 });
    const rows = t.db.prepare("SELECT idem_key, team_id FROM usage_records WHERE idem_key LIKE 'gen:scoped-%' ORDER BY idem_key").all();
    expect(rows).toEqual([
      { idem_key: 'gen:scoped-1', team_id: platform },
      { idem_key: 'gen:scoped-2', team_id: platform },
    ]);
  });

  it('refuses a batch naming another team with 403 naming the field, and writes nothing', async () => {
    const before = count();
    const res = await send('/ingest/usage', { records: [record({ id: 'ok' }), record({ id: 'bad', team: 'Data' })] });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'forbidden',
      message: 'this ingest token may only send usage of team "Platform"',
      issues: [{ path: 'records.1.team', message: 'names team "Data"; this token may only send usage of team "Platform"' }],
    });
    expect(count()).toBe(before);
  });

  it("refuses a record adding to another team's session", async () => {
    sessionRepo(t.db).ensure({ sessionId: 'data-session', source: 'generic', at: 1, personId: null, teamId: data });
    const before = count();
    const res = await send('/ingest/usage', { records: [record({ id: 's1' }), record({ id: 's2', session_id: 'data-session' })] });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { issues: Array<{ path: string }> };
    expect(body.issues.map((i) => i.path)).toEqual(['records.1.session_id']);
    expect(count()).toBe(before);
    expect(sessionRepo(t.db).bySession('data-session')!.cost_usd).toBe(0);
  });

  it('an unscoped token still names any team', async () => {
    const res = await t.ingest('/ingest/usage', { records: [record({ id: 'free', team: 'Data' })] });
    expect(res.status).toBe(200);
    expect(t.db.prepare("SELECT team_id FROM usage_records WHERE idem_key = 'gen:free'").get()).toEqual({ team_id: data });
  });
});

describe('a team-scoped token on OTLP', () => {
  const at = '2026-11-20T09:00:00Z';
  const event = (session: string, attrs: Record<string, string | number> = {}) => ({
    name: 'api_request',
    at,
    attrs: { 'session.id': session, 'user.email': 'dana@example.com', model: 'claude-haiku-4-5', input_tokens: 10, output_tokens: 1, cost_usd: 0.5, ...attrs },
  });

  it('counts an export without team.id for its team', async () => {
    const res = await send('/v1/logs', logsExport({ 'service.name': 'claude-code' }, [event('scoped-otlp')]));
    expect(res.status).toBe(200);
    expect(sessionRepo(t.db).bySession('scoped-otlp')).toMatchObject({ team_id: platform, api_requests: 1 });
    expect(t.db.prepare("SELECT team_id FROM usage_records WHERE session_id = 'scoped-otlp'").all()).toEqual([{ team_id: platform }]);
  });

  it('refuses a resource team.id of another team (JSON and protobuf), naming the attribute', async () => {
    const before = count();
    const body = logsExport({ 'service.name': 'claude-code', 'team.id': 'Data' }, [event('scoped-otlp-2')]);
    const res = await send('/v1/logs', body);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { issues: unknown[] }).issues).toEqual([
      { path: 'resourceLogs.0.resource.attributes.team.id', message: 'names team "Data"; this token may only send usage of team "Platform"' },
    ]);
    const proto = await send('/v1/logs', encodeLogsRequest(body), scoped, { 'content-type': 'application/x-protobuf' });
    expect(proto.status).toBe(403);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeResponse('status', new Uint8Array(await proto.arrayBuffer()))).toEqual({
      code: 7,
      message: 'this ingest token may only send usage of team "Platform": resourceLogs.0.resource.attributes.team.id: names team "Data"; this token may only send usage of team "Platform"',
    });
    expect(count()).toBe(before);
  });

  it('refuses a data point attribute `team` of another team', async () => {
    const res = await send(
      '/v1/metrics',
      metricsExport({ 'service.name': 'claude-code' }, [
        { metric: 'claude_code.cost.usage', value: 1, attrs: { 'session.id': 'm1', team: 'data' }, start: at, time: '2026-11-20T09:01:00Z' },
      ]),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      'resourceMetrics.0.scopeMetrics.0.metrics.0.sum.dataPoints.0.attributes.team',
    ]);
  });

  it("refuses events adding to another team's session", async () => {
    sessionRepo(t.db).ensure({ sessionId: 'data-otlp', source: 'claude-code', at: 1, personId: null, teamId: data });
    const res = await send('/v1/logs', logsExport({ 'service.name': 'claude-code' }, [event('mine'), event('data-otlp')]));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual([
      'resourceLogs.0.scopeLogs.0.logRecords.1.attributes.session.id',
    ]);
    expect(sessionRepo(t.db).bySession('mine')).toBeUndefined();
  });
});

describe('a team-scoped token on POST /ingest/delivery', () => {
  it('refuses an event naming another team, and takes one naming none for its team', async () => {
    const bad = await send('/ingest/delivery', {
      events: [{ id: 'd1', type: 'story_done', timestamp: '2026-11-20T10:00:00Z', story_key: 'PLAT-1', team: 'Data' }],
    });
    expect(bad.status).toBe(403);
    expect(((await bad.json()) as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toEqual(['events.0.team']);
    const ok = await send('/ingest/delivery', { events: [{ id: 'd2', type: 'story_done', timestamp: '2026-11-20T10:00:00Z', story_key: 'PLAT-2' }] });
    expect(ok.status).toBe(200);
    expect(t.db.prepare("SELECT team_id FROM stories WHERE key = 'PLAT-2'").get()).toEqual({ team_id: platform });
  });
});

describe('unknown fields in generic records', () => {
  it('are ignored and named, with the field meant', async () => {
    const res = await t.ingest('/ingest/usage', { records: [record({ id: 'w1', user_email: 'dana@example.com' })] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      warnings: [{ path: 'records.0.user_email', message: 'unknown field, ignored; did you mean user?' }],
    });
    // the record is taken, without the field
    expect(t.db.prepare("SELECT person_id FROM usage_records WHERE idem_key = 'gen:w1'").get()).toEqual({ person_id: null });
  });

  it('are named once per field, with how many records had them', async () => {
    const res = await t.ingest('/ingest/usage', {
      records: [record({ id: 'w2', prompt_tokens: 5, Team_Name: 'x' }), record({ id: 'w3', prompt_tokens: 7 }), record({ id: 'w4', colour: 'red' })],
      meta: {},
    });
    expect(((await res.json()) as { warnings: unknown }).warnings).toEqual([
      { path: 'meta', message: 'unknown field, ignored; the records go in "records"' },
      { path: 'records.0.prompt_tokens', message: 'unknown field, ignored; did you mean input_tokens? (in 2 records)' },
      { path: 'records.0.Team_Name', message: 'unknown field, ignored; did you mean team?' },
      { path: 'records.2.colour', message: 'unknown field, ignored' },
    ]);
  });

  it('in delivery events too', async () => {
    const res = await t.ingest('/ingest/delivery', {
      events: [{ id: 'd3', type: 'story_done', timestamp: '2026-11-20T10:00:00Z', story_key: 'PLAT-3', story_points: 3 }],
    });
    expect(await res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      warnings: [{ path: 'events.0.story_points', message: 'unknown field, ignored; did you mean points?' }],
    });
  });
});
