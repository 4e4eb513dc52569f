import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryRepo, type NewCommit, type StoryWrite } from '../../src/db/repos/delivery-repo.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';
import { seedPerson, seedSession, seedTeam } from '../ingest/delivery/seed.js';

let tmp: TempDb;
beforeEach(() => {
  tmp = openTempDb();
});
afterEach(() => tmp.cleanup());

const commit = (over: Partial<NewCommit> = {}): NewCommit => ({
  repo: 'acme/api', sha: 'a'.repeat(40), ts: 1_000, author_email: 'ada@acme.com', author_name: 'Ada', person_id: null,
  team_id: null, branch: 'main', subject: 'x', ai_assisted: 0, ai_markers: null, session_id: null, source: 'github', ...over,
});
const story = (over: Partial<StoryWrite> = {}): StoryWrite => ({
  source: 'jira', external_id: '1', key: 'ENG-1', title: 't', points: 1, done: 1, done_at: 10, sprint_id: null, team_id: null,
  person_id: null, assignee_ref: null, project_key: 'ENG', ai_assisted: 0, updated_at: 10, ...over,
});

describe('deliveryRepo', () => {
  it('records a delivery id once', () => {
    const r = deliveryRepo(tmp.db);
    expect(r.markDelivery('github', 'd1', 1)).toBe(true);
    expect(r.markDelivery('github', 'd1', 2)).toBe(false);
    expect(r.markDelivery('jira', 'd1', 2)).toBe(true);
  });

  it('keeps one commit per repository and sha', () => {
    const r = deliveryRepo(tmp.db);
    const first = r.insertCommit(commit());
    const again = r.insertCommit(commit({ branch: 'other' }));
    expect(first.inserted).toBe(true);
    expect(again).toEqual({ id: first.id, inserted: false });
    expect(r.commit('acme/api', 'a'.repeat(40))!.branch).toBe('main');
    expect(r.insertCommit(commit({ repo: 'acme/web' })).inserted).toBe(true);
  });

  it('links work to story keys once and names a missing commit session once', () => {
    const r = deliveryRepo(tmp.db);
    const { id } = r.insertCommit(commit());
    expect(r.link('commit', id, ['ENG-1', 'ENG-2'])).toBe(2);
    expect(r.link('commit', id, ['ENG-1'])).toBe(0);
    expect(r.linksOf('commit', id)).toEqual(['ENG-1', 'ENG-2']);
    expect(r.setCommitSession(id, 's1')).toBe(true);
    expect(r.setCommitSession(id, 's2')).toBe(false);
    expect(r.commitById(id)!.session_id).toBe('s1');
  });

  it('marks a story AI-assisted through a linked commit or PR, in either order, and never back', () => {
    const r = deliveryRepo(tmp.db);
    r.writeStory(story());
    const human = r.insertCommit(commit());
    r.link('commit', human.id, ['ENG-1']);
    expect(r.refreshStoryAi(['ENG-1'])).toBe(0);
    const pr = r.upsertPullRequest({
      repo: 'acme/api', number: 5, title: 'x', branch: 'b', author_login: null, person_id: null, team_id: null, merged_at: 5,
      additions: 0, deletions: 0, ai_assisted: 1, ai_markers: 'reported', source: 'generic',
    });
    r.link('pr', pr.id, ['ENG-1', 'ENG-2']);
    expect(r.refreshStoryAi(['ENG-1'])).toBe(1);
    // a story arriving after its AI-assisted PR
    r.writeStory(story({ external_id: '2', key: 'ENG-2' }));
    r.refreshStoryAi(['ENG-2']);
    expect(r.story('jira', '2')!.ai_assisted).toBe(1);
    // a later update without the flag does not lower it
    r.writeStory(story({ ai_assisted: 0, updated_at: 20 }));
    expect(r.story('jira', '1')!.ai_assisted).toBe(1);
  });

  it('refreshes a merged PR without losing its AI flag', () => {
    const r = deliveryRepo(tmp.db);
    const base = {
      repo: 'acme/api', number: 5, title: 'x', branch: 'b', author_login: null, person_id: null, team_id: null, merged_at: 5,
      additions: 0, deletions: 0, ai_assisted: 1 as const, ai_markers: 'reported', source: 'generic',
    };
    const a = r.upsertPullRequest(base);
    const b = r.upsertPullRequest({ ...base, title: 'y', ai_assisted: 0 });
    expect([a.inserted, b.inserted, a.id === b.id]).toEqual([true, false, true]);
    expect(r.pullRequest('acme/api', 5)).toMatchObject({ title: 'y', ai_assisted: 1 });
  });

  it('lists known key prefixes from stories and key-like project mappings', () => {
    const r = deliveryRepo(tmp.db);
    const team = seedTeam(tmp.db, 'T');
    orgRepo(tmp.db).setMapping('project', 'WEB', team);
    orgRepo(tmp.db).setMapping('project', 'acme/api', team);
    r.writeStory(story());
    expect([...r.knownKeyPrefixes()].sort()).toEqual(['ENG', 'WEB']);
  });

  it('fills sprint gaps from an issue copy but lets sprint events decide', () => {
    const r = deliveryRepo(tmp.db);
    const row = { source: 'jira', external_id: '42', name: 'S7', state: 'active', team_id: null, starts_at: 1, ends_at: 2, completed_at: null };
    const id = r.upsertSprintSeen(row);
    r.upsertSprintFromEvent({ ...row, state: 'closed', completed_at: 3, team_id: null });
    r.upsertSprintSeen({ ...row, state: 'active', team_id: 9 });
    expect(r.sprint('jira', '42')).toEqual({ id, ...row, state: 'closed', completed_at: 3, team_id: 9 });
  });

  it("finds a person's sessions around a commit time, and sessions that reported commits", () => {
    const r = deliveryRepo(tmp.db);
    const p = seedPerson(tmp.db, 'ada@acme.com');
    seedSession(tmp.db, 's1', { personId: p, startedAt: 100, lastActivityAt: 200, commits: 0 });
    seedSession(tmp.db, 's2', { personId: p, startedAt: 1_000, lastActivityAt: 2_000, commits: 3 });
    expect(r.sessionWindows(p, 250, 50).map((s) => s.session_id)).toEqual(['s1']);
    expect(r.sessionWindows(p, 251, 50)).toEqual([]);
    expect(r.agentCommitsNear(p, 2_100, 100)).toBe(true);
    expect(r.agentCommitsNear(p, 2_101, 100)).toBe(false);
    expect(r.agentCommitsNear(p, 150, 10)).toBe(false);
    expect(r.existingSession(['nope', 's2'])).toBe('s2');
  });

  it('moves work from a placeholder person to the linked one', () => {
    const r = deliveryRepo(tmp.db);
    const org = orgRepo(tmp.db);
    const placeholder = org.ensurePersonByIdentity('jira', 'acc-1', 1, { name: 'Mia' });
    expect(placeholder.email).toBeNull();
    expect(org.ensurePersonByIdentity('jira', 'acc-1', 2).id).toBe(placeholder.id);
    const mia = seedPerson(tmp.db, 'mia@acme.com');
    r.writeStory(story({ person_id: placeholder.id }));
    r.insertCommit(commit({ person_id: placeholder.id }));
    r.movePersonWork(placeholder.id, mia);
    expect(r.story('jira', '1')!.person_id).toBe(mia);
    expect(r.commit('acme/api', 'a'.repeat(40))!.person_id).toBe(mia);
  });
});
