// `/aispend sessions [looping] [me|team]` end to end: signed command, real app, fake Slack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, MALLORY, MIN, T0, seedOrg, session } from './seed.js';

let t: TestApp;
const NOW = T0 + 60 * MIN;

beforeAll(async () => {
  t = await startTestApp({ now: T0, features: [loopFeature] });
  const { team, alice, mallory } = seedOrg(t.db);
  // Mallory: a closed session last week-ish, with commits
  const old = session(t.db, 'mallory-done-0001', { at: T0 - 3 * 24 * 60 * MIN, personId: mallory.id, teamId: team.id, repo: 'acme/web' });
  old.work(-3 * 24 * 60 + 10, 3.5, 40).commit(-3 * 24 * 60 + 12).commit(-3 * 24 * 60 + 15);
  t.db.prepare(`UPDATE agent_sessions SET status = 'closed', closed_at = ? WHERE session_id = ?`).run(T0 - 2 * 24 * 60 * MIN, old.id);
  // Alice: a looping session, and a quiet one that committed
  session(t.db, 'alice-loop-0001', { personId: alice.id, teamId: team.id }).work(0, 2).work(20, 6, 2).work(35, 6);
  session(t.db, 'alice-ok-0002', { at: T0 + 10 * MIN, personId: alice.id, teamId: team.id, repo: null })
    .work(10, 1, 10)
    .work(40, 1.25, 5)
    .commit(40);
  // an old session, outside the 7-day window
  session(t.db, 'alice-ancient', { at: T0 - 30 * 24 * 60 * MIN, personId: alice.id, teamId: team.id }).work(-30 * 24 * 60 + 5, 9);
  // someone with no team, and someone on another team
  const org = orgRepo(t.db);
  const loner = org.linkSlackToEmail('U0LONER', 'loner@example.com', T0);
  session(t.db, 'loner-0001', { personId: loner.id }).work(5, 0.75, 1);
  org.createTeam('data', 'C0DATA', T0);
  // the minute job sees Alice's loop, and alerts once its data has settled (LOOP_SETTLE_SECONDS)
  await runLoopJob(t.app.deps, T0 + 36 * MIN);
  await runLoopJob(t.app.deps, T0 + 38 * MIN);
  t.clock.set(NOW);
});
afterAll(async () => {
  await t.close();
});

const sections = (body: Record<string, unknown>) =>
  (body.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>)
    .filter((b) => b.type === 'section')
    .map((b) => b.text!.text);
const context = (body: Record<string, unknown>) =>
  (body.blocks as Array<{ type: string; elements?: Array<{ text: string }> }>).find((b) => b.type === 'context')?.elements?.[0]?.text;

describe('/aispend sessions', () => {
  it("lists the caller's team's recent sessions, latest first, privately, with owner, duration, cost, commits, status and badge", async () => {
    const body = await t.command('sessions', { user: MALLORY });
    expect(body.response_type).toBe('ephemeral');
    expect(sections(body)).toEqual([
      '*Recent agent sessions for team platform* (last 7 days, latest first)',
      `<@${ALICE}> · \`alice-ok…\`\n30 min · $2.25 · 1 commit · active`,
      `<@${ALICE}> · \`alice-lo…\` · acme/api\n35 min · $14.00 · 0 commits · active · :rotating_light: No-commit burn`,
      `<@${MALLORY}> · \`mallory-…\` · acme/web\n10 min · $3.50 · 2 commits · closed`,
    ]);
    expect(context(body)).toBe('Only those with open loop alerts: `/aispend sessions looping`. Costs are estimates from telemetry.');
  });

  it('`looping` shows only sessions with an open loop alert', async () => {
    const body = await t.command('sessions looping', { user: MALLORY });
    expect(sections(body)).toEqual([
      '*Looping agent sessions for team platform* (latest first)',
      `<@${ALICE}> · \`alice-lo…\` · acme/api\n35 min · $14.00 · 0 commits · active · :rotating_light: No-commit burn`,
    ]);
  });

  it('`me` shows the caller\'s own sessions', async () => {
    const body = await t.command('sessions me', { user: MALLORY });
    expect(sections(body)).toEqual([
      '*Recent agent sessions for you* (last 7 days, latest first)',
      `<@${MALLORY}> · \`mallory-…\` · acme/web\n10 min · $3.50 · 2 commits · closed`,
    ]);
  });

  it('gives a caller with no team their own sessions and a hint to ask an admin', async () => {
    const body = await t.command('sessions', { user: 'U0LONER' });
    expect(sections(body)[1]).toBe('<@U0LONER> · `loner-0001` · acme/api\n5 min · $0.75 · 0 commits · active');
    expect(context(body)).toContain("You're not on a team yet, so these are your own sessions. Ask an admin to add you: `/aispend admin team add <team> <@you>`.");
  });

  it('says what to connect when a team has no sessions yet', async () => {
    orgRepo(t.db).setApprovers(orgRepo(t.db).teamByName('data')!.id, [MALLORY]);
    const body = await t.command('sessions data', { user: MALLORY });
    expect(body.text).toBe('No agent sessions yet for team data.');
    const text = sections(body)[0]!;
    expect(text).toContain('CLAUDE_CODE_ENABLE_TELEMETRY=1');
    expect(text).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=http/json');
    expect(text).toContain('docs/usage-sources.md, Claude Code telemetry');
    const looping = await t.command('sessions looping data', { user: MALLORY });
    expect(looping.text).toBe(':white_check_mark: No looping agent sessions for team data right now.');
  });

  it("refuses another team's sessions to a member who is not its approver", async () => {
    const body = await t.command('sessions data', { user: ALICE });
    expect(body.text).toBe("You can see your own team's figures; data's details need admin or approver rights for data.");
  });

  it('tells an unknown caller how to get linked', async () => {
    const body = await t.command('sessions', { user: 'U0STRANGER' });
    expect(body.text).toBe('No agent sessions yet for you.');
    expect(sections(body)[0]).toContain('Ask an admin to link you: `/aispend admin link <@you> <email>`.');
  });

  it('rejects words it does not understand with the usage', async () => {
    const body = await t.command('sessions platform extra', { user: ALICE });
    expect(body.text).toBe('I don\'t understand "extra". Usage: `/aispend sessions [looping] [me|team]`, e.g. `/aispend sessions looping`.');
  });
});
