// Seeding for loop tests: a team with a channel and approver, its members, and agent sessions
// scripted through the session repository (the same calls the usage ingest makes).
import type { Db } from '../../src/db/open.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { emptyCounters, sessionRepo } from '../../src/db/repos/session-repo.js';

export const T0 = Date.parse('2026-11-23T10:00:00Z');
export const MIN = 60_000;
export const CHANNEL = 'C0PLATFORM';
export const ALICE = 'U0ALICE';
export const LEAD = 'U0LEAD';
export const MALLORY = 'U0MALLORY';

export function seedOrg(db: Db, opts: { channel?: string | null } = {}) {
  const org = orgRepo(db);
  const team = org.createTeam('platform', opts.channel === undefined ? CHANNEL : opts.channel, T0);
  org.setApprovers(team.id, [LEAD]);
  const alice = org.linkSlackToEmail(ALICE, 'alice@example.com', T0);
  org.setPersonTeam(alice.id, team.id);
  const mallory = org.linkSlackToEmail(MALLORY, 'mallory@example.com', T0);
  org.setPersonTeam(mallory.id, team.id);
  return { team, alice: org.personById(alice.id)!, mallory: org.personById(mallory.id)! };
}

/** A scripted session: `work` spends and moves its activity; `commit` resets its streak. */
export function session(
  db: Db,
  id: string,
  opts: { at?: number; personId?: number | null; teamId?: number | null; email?: string | null; repo?: string | null } = {},
) {
  const repo = sessionRepo(db);
  const start = opts.at ?? T0;
  repo.ensure({
    sessionId: id,
    source: 'claude_code',
    at: start,
    personId: opts.personId ?? null,
    teamId: opts.teamId ?? null,
    email: opts.email ?? null,
    repo: opts.repo === undefined ? 'acme/api' : opts.repo,
  });
  const s = {
    id,
    /** activity at `minute` after T0 costing `usd`, changing `lines` */
    work(minute: number, usd: number, lines = 0) {
      const at = T0 + minute * MIN;
      repo.addUsage(id, { cost: usd, input: 1000, output: 200, cacheRead: 0, cacheWrite: 0, requests: 1 });
      repo.applyCounters(id, { ...emptyCounters(at), linesAdded: lines });
      return s;
    },
    commit(minute: number) {
      repo.recordCommit(id, T0 + minute * MIN);
      return s;
    },
    toolResult(minute: number, toolName: string, success: boolean, errorSig: string | null = success ? null : 'e3b0c442') {
      const at = T0 + minute * MIN;
      repo.insertToolResult({ idemKey: `${id}:${at}:${toolName}:${Math.random()}`, sessionId: id, at, toolName, success, errorSig });
      repo.applyCounters(id, { ...emptyCounters(at), toolFailures: success ? 0 : 1 });
      return s;
    },
  };
  return s;
}

export function alertsOf(db: Db, sessionId: string) {
  return db.prepare('SELECT * FROM loop_alerts WHERE session_id = ? ORDER BY id').all(sessionId) as Array<{
    id: number;
    rule: string;
    status: string;
    level: number;
    cost_at_alert: number;
    next_alert_cost: number;
    snoozed_until: number | null;
    acted_by: string | null;
    acted_at: number | null;
  }>;
}

/** every text in a message's blocks, for structure-independent content checks */
export function blockText(blocks: unknown[] | undefined): string {
  return JSON.stringify(blocks ?? []);
}

export function actionElements(blocks: unknown[] | undefined): Array<{ action_id: string; value: string; text: { text: string } }> {
  const actions = (blocks ?? []).find((b) => (b as { type: string }).type === 'actions') as
    | { elements: Array<{ action_id: string; value: string; text: { text: string } }> }
    | undefined;
  return actions?.elements ?? [];
}
