import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPrNumber } from '../../../src/ingest/delivery/generic-events.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { deliveryCounts, fixture, NOTHING_STORED } from './webhook-client.js';
import { rows, seedPerson, seedSession, seedTeam, session } from './seed.js';
import { sessionRepo } from '../../../src/db/repos/session-repo.js';

const T = (iso: string) => Date.parse(iso);
let t: TestApp;
let platform: number;
let ada: number;
beforeAll(async () => {
  t = await startTestApp();
  platform = seedTeam(t.db, 'Platform');
  ada = seedPerson(t.db, 'ada@acme.com', platform);
  seedSession(t.db, 'sess-generic-1', { personId: ada, startedAt: T('2026-11-23T07:00:00Z'), lastActivityAt: T('2026-11-23T08:25:00Z'), costUsd: 4 });
});
afterAll(async () => {
  await t.close();
});

type Batch = { events: Array<Record<string, unknown>> };
const batch = () => fixture<Batch>('generic-delivery/batch.json');
const issuesOf = async (res: Response) => ((await res.json()) as { issues: Array<{ path: string; message: string }> }).issues;

describe('POST /ingest/delivery: bad input stores nothing', () => {
  it('needs the bearer token', async () => {
    const res = await fetch(`${t.url}/ingest/delivery`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch()) });
    expect(res.status).toBe(401);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('rejects the whole batch when one event has an unknown type, naming the field', async () => {
    const b = batch();
    b.events[2]!.type = 'deploy';
    const res = await t.ingest('/ingest/delivery', b);
    expect(res.status).toBe(400);
    expect((await issuesOf(res)).map((i) => i.path)).toEqual(['events.2.type']);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('names the fields a type needs, bad times and bad emails', async () => {
    const b = batch();
    delete b.events[1]!.sha;
    b.events[0]!.timestamp = '23/11/2026';
    b.events[2]!.user = 'not-an-email';
    const res = await t.ingest('/ingest/delivery', b);
    expect((await issuesOf(res)).map((i) => i.path).sort()).toEqual(['events.0.timestamp', 'events.1.sha', 'events.2.user']);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('rejects an unknown team name', async () => {
    const b = batch();
    b.events[0]!.team = 'Nobody';
    const res = await t.ingest('/ingest/delivery', b);
    expect(res.status).toBe(400);
    const issues = await issuesOf(res);
    expect(issues.map((i) => i.path)).toEqual(['events.0.team']);
    expect(issues[0]!.message).toContain('/aispend admin team create');
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });

  it('caps a batch at 5,000 events', async () => {
    const one = batch().events[0]!;
    const events = Array.from({ length: 5_001 }, (_, i) => ({ ...one, id: `e${i}` }));
    const res = await t.ingest('/ingest/delivery', { events });
    expect(res.status).toBe(400);
    expect((await issuesOf(res)).map((i) => i.path)).toEqual(['events']);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });
});

describe('POST /ingest/delivery: a batch of stories, commits and PRs', () => {
  it('stores each event and answers the counts', async () => {
    const res = await t.ingest('/ingest/delivery', batch());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0 });

    expect(rows(t.db, 'SELECT source, external_id, key, title, points, done, done_at, team_id, person_id, project_key, ai_assisted FROM stories')).toEqual([
      {
        source: 'generic', external_id: 'SC-4711', key: 'SC-4711', title: 'Rotate signing keys', points: 2, done: 1,
        done_at: T('2026-11-23T08:00:00Z'), team_id: platform, person_id: ada, project_key: 'SC', ai_assisted: 1,
      },
    ]);
    expect(rows(t.db, 'SELECT repo, sha, ts, subject, person_id, team_id, session_id, ai_assisted, ai_markers, source FROM commits')).toEqual([
      {
        repo: 'acme/keys', sha: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c', ts: T('2026-11-23T08:30:00Z'),
        subject: 'SC-4711 rotate keys on deploy', person_id: ada, team_id: platform, session_id: 'sess-generic-1',
        ai_assisted: 1, ai_markers: 'claude-session', source: 'generic',
      },
    ]);
    expect(rows(t.db, 'SELECT repo, number, title, merged_at, team_id, person_id, ai_markers FROM pull_requests')).toEqual([
      {
        repo: 'acme/keys', number: syntheticPrNumber('ci-pr-acme-keys-12'), title: 'Rotate signing keys',
        merged_at: T('2026-11-23T09:00:00Z'), team_id: platform, person_id: ada, ai_markers: 'reported',
      },
    ]);
    expect(rows(t.db, 'SELECT story_key, kind FROM work_links ORDER BY kind')).toEqual([
      { story_key: 'SC-4711', kind: 'commit' },
      { story_key: 'SC-4711', kind: 'pr' },
    ]);
    // a commit event with session_id resets the session's "no commit" streak
    expect(session(t.db, 'sess-generic-1')).toEqual({ commits: 1, last_commit_at: T('2026-11-23T08:30:00Z'), cost_at_last_commit: 4 });
  });

  it('counts a retried batch as duplicates and changes nothing', async () => {
    const before = deliveryCounts(t.db);
    const res = await t.ingest('/ingest/delivery', batch());
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 3 });
    expect(deliveryCounts(t.db)).toEqual({ ...before });
    expect(session(t.db, 'sess-generic-1').commits).toBe(1);
  });

  it('counts a story done twice (two event ids) once, at its first done time', async () => {
    const res = await t.ingest('/ingest/delivery', {
      events: [
        { id: 'again-1', type: 'story_done', timestamp: '2026-11-23T09:30:00Z', story_key: 'SC-4711' },
        { id: 'again-1', type: 'story_done', timestamp: '2026-11-23T09:30:00Z', story_key: 'SC-4711' },
      ],
    });
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1 });
    expect(rows(t.db, 'SELECT COUNT(*) AS n, MAX(done_at) AS done_at FROM stories')).toEqual([{ n: 1, done_at: T('2026-11-23T08:00:00Z') }]);
  });
});

describe('POST /ingest/delivery: a commit telemetry already counted', () => {
  it('resets the streak without counting the same commit twice on the session', async () => {
    // Claude Code's commit.count already reported one commit for this session
    seedSession(t.db, 'sess-twice', { personId: ada, startedAt: T('2026-11-23T07:00:00Z'), lastActivityAt: T('2026-11-23T09:00:00Z'), costUsd: 9 });
    sessionRepo(t.db).recordCommit('sess-twice', T('2026-11-23T08:49:00Z'));
    const commit = (id: string, sha: string, ts: string) => ({
      id, type: 'commit', timestamp: ts, user: 'ada@acme.com', repo: 'acme/api', sha, title: 'fix', session_id: 'sess-twice',
    });
    expect((await t.ingest('/ingest/delivery', { events: [commit('c-1', 'a1b2c3d', '2026-11-23T08:50:00Z')] })).status).toBe(200);
    expect(session(t.db, 'sess-twice')).toEqual({ commits: 1, last_commit_at: T('2026-11-23T08:50:00Z'), cost_at_last_commit: 9 });
    // a second, different commit pushed later is a new one
    expect((await t.ingest('/ingest/delivery', { events: [commit('c-2', 'e4f5a6b', '2026-11-23T08:58:00Z')] })).status).toBe(200);
    expect(session(t.db, 'sess-twice').commits).toBe(2);
  });

  it('counts once when the push arrives before the telemetry of the same commit', async () => {
    seedSession(t.db, 'sess-push-first', { personId: ada, startedAt: T('2026-11-23T07:00:00Z'), lastActivityAt: T('2026-11-23T09:00:00Z'), costUsd: 5 });
    const event = { id: 'c-3', type: 'commit', timestamp: '2026-11-23T08:40:00Z', user: 'ada@acme.com', repo: 'acme/api', sha: '0f1e2d3', title: 'x', session_id: 'sess-push-first' };
    expect((await t.ingest('/ingest/delivery', { events: [event] })).status).toBe(200);
    expect(session(t.db, 'sess-push-first').commits).toBe(1);
    // Claude Code's commit.count for the same commit, late
    sessionRepo(t.db).recordCommit('sess-push-first', T('2026-11-23T08:40:00Z'));
    expect(session(t.db, 'sess-push-first').commits).toBe(1);
    // another commit telemetry saw that was never pushed
    sessionRepo(t.db).recordCommit('sess-push-first', T('2026-11-23T08:55:00Z'));
    expect(session(t.db, 'sess-push-first').commits).toBe(2);
  });
});
