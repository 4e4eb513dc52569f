import { readFileSync, existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterIngestIdle } from '../../../src/ingest/after-ingest.js';
import type { IngestEffects } from '../../../src/deps.js';
import type { Feature } from '../../../src/feature.js';
import { deliveryFeature } from '../../../src/ingest/delivery-feature.js';
import { deliveryRepo } from '../../../src/db/repos/delivery-repo.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { deliveryCounts, fixture, NOTHING_STORED, sendGithub, WEBHOOK_ENV } from '../delivery/webhook-client.js';
import { rows, seedPerson, seedSession, seedTeam, session } from '../delivery/seed.js';

const T = (iso: string) => Date.parse(iso);
const effects: IngestEffects[] = [];
const probe: Feature = { name: 'probe', init: (deps) => void deps.afterIngest.push((e) => void effects.push(e)) };

let t: TestApp;
let platform: number;
let repos: number;
beforeAll(async () => {
  t = await startTestApp({ env: WEBHOOK_ENV, features: [deliveryFeature, probe] });
  platform = seedTeam(t.db, 'Platform');
  repos = seedTeam(t.db, 'Repos');
  orgRepo(t.db).setMapping('project', 'acme/api', repos);
  const ada = seedPerson(t.db, 'ada@acme.com', platform);
  const grace = seedPerson(t.db, 'grace@acme.com');
  const linus = seedPerson(t.db, '21031067+linus@users.noreply.github.com');
  // named by ada's Claude-Session trailer
  seedSession(t.db, '01HkQ7sessionAda', { personId: ada, startedAt: T('2026-11-23T07:00:00Z'), lastActivityAt: T('2026-11-23T08:05:00Z'), costUsd: 12 });
  // grace's commit at 08:20 falls 5 minutes after this session's last activity, same repository
  seedSession(t.db, 'grace-window', { personId: grace, repo: 'https://github.com/acme/api.git', startedAt: T('2026-11-23T08:00:00Z'), lastActivityAt: T('2026-11-23T08:15:00Z') });
  // linus: a session in another repository that reported commits (commit.count telemetry) 45 minutes earlier
  seedSession(t.db, 'linus-web', { personId: linus, repo: 'acme/web', startedAt: T('2026-11-23T07:00:00Z'), lastActivityAt: T('2026-11-23T07:45:00Z'), commits: 2 });
  // a story done before any work linked to it
  deliveryRepo(t.db).writeStory({
    source: 'jira', external_id: '10402', key: 'PROJ-842', title: 'Refresh IdP metadata nightly', points: 5, done: 1,
    done_at: T('2026-11-23T06:00:00Z'), sprint_id: null, team_id: platform, person_id: null, assignee_ref: null,
    project_key: 'PROJ', ai_assisted: 0, updated_at: T('2026-11-23T06:00:00Z'),
  });
});
afterAll(async () => {
  await t.close();
});

const stored = () => {
  const c = deliveryCounts(t.db);
  return { ...c, stories: (c.stories ?? 0) - 1 };
};

describe('POST /webhooks/github: refusals store nothing', () => {
  it('refuses a bad signature with 401', async () => {
    const res = await sendGithub(t.url, 'push', fixture('github/push-trailers.json'), { signature: 'sha256=' + 'ab'.repeat(32) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized', message: 'unauthorized' });
    expect(stored()).toEqual(NOTHING_STORED);
  });

  it('refuses a body signed before it was changed (stale signature) with 401', async () => {
    const original = JSON.stringify(fixture('github/push-trailers.json'));
    const { createHmac } = await import('node:crypto');
    const sig = 'sha256=' + createHmac('sha256', WEBHOOK_ENV.GITHUB_WEBHOOK_SECRET).update(original).digest('hex');
    const res = await sendGithub(t.url, 'push', original.replace('acme/api', 'acme/apx'), { signature: sig });
    expect(res.status).toBe(401);
    expect(stored()).toEqual(NOTHING_STORED);
  });

  it('refuses a missing signature with 400 naming the header', async () => {
    const res = await sendGithub(t.url, 'push', fixture('github/push-trailers.json'), { noSignature: true });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('missing_signature');
    expect(body.message).toContain('x-hub-signature-256');
    expect(stored()).toEqual(NOTHING_STORED);
  });

  it('refuses a malformed push with 400 and the field at fault', async () => {
    const push = fixture<{ commits: Array<Record<string, unknown>> }>('github/push-trailers.json');
    push.commits[1]!.timestamp = 'yesterday';
    const res = await sendGithub(t.url, 'push', push);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string }> };
    expect(body.error).toBe('invalid_payload');
    expect(body.issues.map((i) => i.path)).toEqual(['commits.1.timestamp']);
    expect(stored()).toEqual(NOTHING_STORED);
  });

  it('refuses a delivery without X-GitHub-Delivery, and a form-encoded one with a hint', async () => {
    const res = await sendGithub(t.url, 'push', fixture('github/push-trailers.json'), { headers: { 'x-github-delivery': '' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: Array<{ path: string }> }).issues[0]!.path).toBe('headers.x-github-delivery');
    const form = await fetch(`${t.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push' },
      body: 'payload=%7B%7D',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { message: string }).message).toContain('application/json');
    expect(stored()).toEqual(NOTHING_STORED);
  });

  it('answers ping with 200 and other events with 202, storing nothing', async () => {
    const ping = await sendGithub(t.url, 'ping', fixture('github/ping.json'));
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ accepted: 0, duplicates: 0, pong: true });
    const issues = await sendGithub(t.url, 'issues', fixture('github/issues-opened.json'));
    expect(issues.status).toBe(202);
    expect(await issues.json()).toEqual({ accepted: 0, duplicates: 0, ignored: 'issues' });
    const unmerged = await sendGithub(t.url, 'pull_request', fixture('github/pull-request-closed-unmerged.json'));
    expect(unmerged.status).toBe(202);
    expect(stored()).toEqual(NOTHING_STORED);
  });
});

describe('POST /webhooks/github: a push of several commits with trailers', () => {
  const delivery = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

  it('stores every distinct commit with its subject, markers, session, person, team and story links', async () => {
    const res = await sendGithub(t.url, 'push', fixture('github/push-trailers.json'), { delivery });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 3, duplicates: 0 });

    const commits = rows(
      t.db,
      `SELECT c.sha, c.ts, c.branch, c.subject, c.author_email, c.ai_assisted, c.ai_markers, c.session_id, c.team_id, c.source, p.email
       FROM commits c LEFT JOIN people p ON p.id = c.person_id ORDER BY c.ts`,
    );
    expect(commits).toEqual([
      {
        sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', ts: T('2026-11-23T08:10:00Z'), branch: 'ENG-123-add-sso',
        subject: 'Add SAML login flow', author_email: 'ada@acme.com', ai_assisted: 1,
        ai_markers: 'claude-co-author,claude-generated,claude-session', session_id: '01HkQ7sessionAda',
        team_id: platform, source: 'github', email: 'ada@acme.com',
      },
      {
        sha: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890', ts: T('2026-11-23T08:20:00Z'), branch: 'ENG-123-add-sso',
        subject: 'Handle clock skew in assertions', author_email: 'grace@acme.com', ai_assisted: 1,
        ai_markers: 'cursor-made-with,session-window', session_id: 'grace-window', team_id: repos, source: 'github',
        email: 'grace@acme.com',
      },
      {
        sha: 'c3d4e5f60718293a4b5c6d7e8f90123456789012', ts: T('2026-11-23T08:30:00Z'), branch: 'ENG-123-add-sso',
        subject: 'Fix PROJ-842 metadata refresh (UTF-8 names, SHA-256 digests)',
        author_email: '21031067+linus@users.noreply.github.com', ai_assisted: 1, ai_markers: 'claude-code-telemetry',
        session_id: null, team_id: repos, source: 'github', email: '21031067+linus@users.noreply.github.com',
      },
    ]);
    // the skipped commit (distinct: false) is not there
    expect(rows(t.db, "SELECT 1 FROM commits WHERE sha LIKE 'd4e5%'")).toEqual([]);
  });

  it('links commits to stories from the branch and the message, not to false friends', () => {
    const links = rows(t.db, 'SELECT w.story_key, c.sha FROM work_links w JOIN commits c ON c.id = w.ref_id AND w.kind = ? ORDER BY w.story_key, c.ts', 'commit');
    expect(links).toEqual([
      { story_key: 'ENG-123', sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { story_key: 'ENG-123', sha: 'b2c3d4e5f60718293a4b5c6d7e8f901234567890' },
      { story_key: 'ENG-123', sha: 'c3d4e5f60718293a4b5c6d7e8f90123456789012' },
      { story_key: 'PROJ-842', sha: 'c3d4e5f60718293a4b5c6d7e8f90123456789012' },
    ]);
  });

  it('marks the story done before its commit AI-assisted once an AI-assisted commit links to it', () => {
    expect(rows(t.db, "SELECT ai_assisted FROM stories WHERE key = 'PROJ-842'")).toEqual([{ ai_assisted: 1 }]);
  });

  it('records the commit on the trailer session and on the session whose window holds it', async () => {
    expect(session(t.db, '01HkQ7sessionAda')).toEqual({ commits: 1, last_commit_at: T('2026-11-23T08:10:00Z'), cost_at_last_commit: 12 });
    expect(session(t.db, 'grace-window')).toMatchObject({ commits: 1, last_commit_at: T('2026-11-23T08:20:00Z') });
    expect(session(t.db, 'linus-web')).toMatchObject({ commits: 2, last_commit_at: null });
    await afterIngestIdle(t.app.deps);
    const last = effects.at(-1)!;
    expect([...last.sessionIds].sort()).toEqual(['01HkQ7sessionAda', 'grace-window']);
    expect([...last.teamIds].sort()).toEqual([platform, repos].sort());
  });

  it('maps GitHub logins to people', () => {
    const ids = rows(t.db, "SELECT i.external_id, p.email FROM person_identities i JOIN people p ON p.id = i.person_id WHERE i.kind = 'github' ORDER BY 1");
    expect(ids).toEqual([
      { external_id: 'ada', email: 'ada@acme.com' },
      { external_id: 'grace', email: 'grace@acme.com' },
      { external_id: 'linus', email: '21031067+linus@users.noreply.github.com' },
    ]);
  });

  it('never stores the body of a commit message', () => {
    const bytes = [t.dbPath, `${t.dbPath}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('latin1')).join('');
    expect(bytes).toContain('Add SAML login flow');
    expect(bytes).not.toContain('SECRET-PLAN');
  });

  it('counts a redelivery once and changes nothing', async () => {
    const before = deliveryCounts(t.db);
    const res = await sendGithub(t.url, 'push', fixture('github/push-trailers.json'), { delivery });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 1 });
    expect(deliveryCounts(t.db)).toEqual(before);
    expect(session(t.db, '01HkQ7sessionAda').commits).toBe(1);
  });

  it('keeps one row for the same commits pushed to another branch', async () => {
    const push = fixture<{ ref: string }>('github/push-trailers.json');
    push.ref = 'refs/heads/main';
    const res = await sendGithub(t.url, 'push', push);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 3 });
    expect(rows(t.db, 'SELECT COUNT(*) AS n FROM commits')).toEqual([{ n: 3 }]);
    expect(session(t.db, '01HkQ7sessionAda').commits).toBe(1);
  });
});

describe('POST /webhooks/github: a merged pull request', () => {
  it('stores title, branch, author, merge time, size and markers, never the body', async () => {
    const res = await sendGithub(t.url, 'pull_request', fixture('github/pull-request-merged.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    const prs = rows(t.db, 'SELECT repo, number, title, branch, author_login, team_id, merged_at, additions, deletions, ai_assisted, ai_markers, source FROM pull_requests');
    expect(prs).toEqual([
      {
        repo: 'acme/api', number: 57, title: 'Add SSO (ENG-123)', branch: 'ENG-123-add-sso', author_login: 'ada',
        team_id: platform, merged_at: T('2026-11-23T09:45:00Z'), additions: 240, deletions: 31, ai_assisted: 1,
        ai_markers: 'claude-generated,pr-ai-commit', source: 'github',
      },
    ]);
    expect(rows(t.db, "SELECT story_key FROM work_links WHERE kind = 'pr'")).toEqual([{ story_key: 'ENG-123' }]);
    const bytes = [t.dbPath, `${t.dbPath}-wal`].filter(existsSync).map((p) => readFileSync(p).toString('latin1')).join('');
    expect(bytes).not.toContain('PRIVATE-BODY-TEXT');
  });
});

describe('POST /webhooks/github: keys from the PR title alone', () => {
  it('links a PR whose only key is in its title', async () => {
    const pr = fixture<{ number: number; pull_request: Record<string, unknown> }>('github/pull-request-merged.json');
    pr.number = 58;
    pr.pull_request.number = 58;
    pr.pull_request.title = 'WEB-9 polish the login page';
    pr.pull_request.body = null;
    pr.pull_request.head = { ref: 'feature/polish' };
    const res = await sendGithub(t.url, 'pull_request', pr);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
    expect(rows(t.db, "SELECT w.story_key, p.ai_markers FROM work_links w JOIN pull_requests p ON p.id = w.ref_id WHERE w.kind = 'pr' AND p.number = 58")).toEqual([
      { story_key: 'WEB-9', ai_markers: null },
    ]);
  });
});
