import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryRepo } from '../../../src/db/repos/delivery-repo.js';
import { workWriter, type CommitInput } from '../../../src/ingest/delivery/work-writer.js';
import { openTempDb, type TempDb } from '../../helpers/temp-db.js';
import { seedPerson, seedSession, seedTeam, session } from './seed.js';

let tmp: TempDb;
beforeEach(() => {
  tmp = openTempDb();
});
afterEach(() => tmp.cleanup());

const H = 3_600_000;
const base: CommitInput = { source: 'github', repo: 'acme/api', sha: 'f'.repeat(40), ts: 10 * H, authorEmail: 'ada@acme.com', branch: 'main' };

function write(c: Partial<CommitInput>) {
  const w = workWriter({ db: tmp.db }, 0);
  tmp.db.transaction(() => w.commit({ ...base, ...c }))();
  return { row: deliveryRepo(tmp.db).commit(c.repo ?? base.repo, c.sha ?? base.sha)!, effects: w.effects() };
}

describe('commit → session links', () => {
  it('finds a session stored with the session_ prefix from the URL trailer', () => {
    seedSession(tmp.db, 'session_01XYZ', { personId: null, startedAt: 0, lastActivityAt: 1 });
    const { row, effects } = write({ message: 'Fix\n\nClaude-Session: https://claude.ai/code/session_01XYZ' });
    expect(row.session_id).toBe('session_01XYZ');
    expect(effects.sessionIds).toEqual(['session_01XYZ']);
    expect(session(tmp.db, 'session_01XYZ').commits).toBe(1);
  });

  it('keeps the id of a session not seen yet, and records nothing', () => {
    const { row, effects } = write({ message: 'Fix\n\nClaude-Session: https://claude.ai/code/session_01NEW' });
    expect(row).toMatchObject({ session_id: '01NEW', ai_markers: 'claude-session' });
    expect(effects.sessionIds).toEqual([]);
  });

  it('does not let a commit vouch for itself through the session it resets', () => {
    const ada = seedPerson(tmp.db, 'ada@acme.com');
    seedSession(tmp.db, 'w', { personId: ada, repo: 'acme/api', startedAt: 9 * H, lastActivityAt: 10 * H, commits: 0 });
    const first = write({});
    expect(first.row).toMatchObject({ session_id: 'w', ai_markers: 'session-window' });
    // the session now counts that commit, but it did not report it (claude_code.commit.count): a later
    // hand-made commit of ada's outside its window is not marked on the strength of the first one
    const second = write({ sha: 'e'.repeat(40), ts: 11 * H, repo: 'acme/api' });
    expect(second.row).toMatchObject({ session_id: null, ai_markers: null, ai_assisted: 0 });
    // once the session reports a commit itself, the telemetry rule applies
    tmp.db.prepare(`UPDATE agent_sessions SET telemetry_commits = 1 WHERE session_id = 'w'`).run();
    const third = write({ sha: '9'.repeat(40), ts: 11 * H, repo: 'acme/api' });
    expect(third.row).toMatchObject({ session_id: null, ai_markers: 'claude-code-telemetry' });
  });

  it('leaves a commit of someone without sessions unmarked, and takes the team of its repository mapping', () => {
    const team = seedTeam(tmp.db, 'Repos');
    tmp.db.prepare("INSERT INTO team_mappings (kind, external_id, team_id) VALUES ('project', 'Acme/API', ?)").run(team);
    const { row } = write({ authorEmail: 'bob@acme.com', repo: 'acme/api' });
    expect(row).toMatchObject({ ai_assisted: 0, ai_markers: null, session_id: null, team_id: null });
    const exact = write({ authorEmail: 'bob@acme.com', repo: 'Acme/API', sha: 'd'.repeat(40) });
    expect(exact.row.team_id).toBe(team);
  });

  it('names the session of a known commit when a generic event reports it', () => {
    seedSession(tmp.db, 's9', { personId: null, startedAt: 0, lastActivityAt: 1 });
    write({});
    const { row, effects } = write({ source: 'generic', sessionId: 's9' });
    expect(row.session_id).toBe('s9');
    expect(effects.sessionIds).toEqual(['s9']);
  });
});
