// Upgrading a database written before issue 16: stories keep their state and gain a history (a
// withdrawn one was done once; nothing invents a reopen), commits gain their kind from the subject,
// and the next events continue that history.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { migrations } from '../../src/db/migrations/index.js';
import { workWriter } from '../../src/ingest/delivery/work-writer.js';
import { tempDbPath } from '../helpers/temp-db.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('migration 017 (delivery quality) on an existing database', () => {
  it('gives existing stories and commits their history and kind, and later events continue from there', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const old = openDatabase(t.path, migrations.filter((m) => m.version <= 16));
    const story = old.prepare(
      `INSERT INTO stories (source, external_id, key, title, done, done_at, team_id, project_key, updated_at)
       VALUES ('jira', ?, ?, 't', ?, ?, NULL, 'ENG', ?)`,
    );
    story.run('1', 'ENG-1', 1, 1_000, 1_500); // done
    story.run('2', 'ENG-2', 0, 2_000, 2_500); // was done, then left done (withdrawn or reopened: unknown)
    story.run('3', 'ENG-3', 0, null, 3_000); // never done
    const commit = old.prepare(`INSERT INTO commits (repo, sha, ts, subject, source) VALUES ('acme/api', ?, 0, ?, 'github')`);
    commit.run('a'.repeat(40), 'Add SSO');
    commit.run('b'.repeat(40), 'Revert "Add SSO"');
    commit.run('c'.repeat(40), "Merge pull request #57 from acme/ENG-1");
    commit.run('d'.repeat(40), "Merge branch 'main' into ENG-1");
    old.close();

    const db = openDatabase(t.path);
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT key, done, done_at, first_done_at FROM stories ORDER BY key').all()).toEqual([
      { key: 'ENG-1', done: 1, done_at: 1_000, first_done_at: 1_000 },
      { key: 'ENG-2', done: 0, done_at: 2_000, first_done_at: 2_000 },
      { key: 'ENG-3', done: 0, done_at: null, first_done_at: null },
    ]);
    expect(db.prepare('SELECT s.key, sp.done_at, sp.ended_at, sp.end_kind FROM story_spells sp JOIN stories s ON s.id = sp.story_id ORDER BY s.key').all()).toEqual([
      { key: 'ENG-1', done_at: 1_000, ended_at: null, end_kind: null },
      { key: 'ENG-2', done_at: 2_000, ended_at: 2_500, end_kind: 'withdrawn' },
    ]);
    expect(db.prepare('SELECT subject, commit_kind AS kind FROM commits ORDER BY sha').all()).toEqual([
      { subject: 'Add SSO', kind: 'change' },
      { subject: 'Revert "Add SSO"', kind: 'revert' },
      { subject: 'Merge pull request #57 from acme/ENG-1', kind: 'merge' },
      { subject: "Merge branch 'main' into ENG-1", kind: 'merge' },
    ]);

    // ENG-1 is reopened, ENG-2 done again and ENG-3 done, by the next events
    const w = workWriter({ db }, 10_000);
    const base = { source: 'jira', doneAt: 0, projectKey: 'ENG' };
    db.transaction(() => {
      expect(w.story({ ...base, externalId: '1', key: 'ENG-1', state: 'open', eventAt: 4_000 })).toBe('reopened');
      expect(w.story({ ...base, externalId: '2', key: 'ENG-2', state: 'done', doneAt: 5_000, eventAt: 5_000 })).toBe('done');
      expect(w.story({ ...base, externalId: '3', key: 'ENG-3', state: 'done', doneAt: 6_000, eventAt: 6_000 })).toBe('done');
    })();
    expect(db.prepare('SELECT key, done, done_at, first_done_at FROM stories ORDER BY key').all()).toEqual([
      { key: 'ENG-1', done: 0, done_at: 1_000, first_done_at: 1_000 },
      { key: 'ENG-2', done: 1, done_at: 5_000, first_done_at: 2_000 },
      { key: 'ENG-3', done: 1, done_at: 6_000, first_done_at: 6_000 },
    ]);
    expect(db.prepare("SELECT s.key, sp.done_at, sp.ended_at FROM story_spells sp JOIN stories s ON s.id = sp.story_id WHERE sp.end_kind = 'reopened'").all()).toEqual([
      { key: 'ENG-1', done_at: 1_000, ended_at: 4_000 },
    ]);
  });
});
