// `/aispend digest [team]` (private preview), `/aispend digest post [team] [again]` (admins), and the
// digest's buttons, through signed requests against the real app and a fake Slack.
import { afterEach, describe, expect, it } from 'vitest';
import { orgRepo, type Team } from '../../src/db/repos/org-repo.js';
import { outboxRepo } from '../../src/db/repos/outbox-repo.js';
import { ActionIds, CallbackIds } from '../../src/slack/ids.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { seedSession, seedSpend, seedStory } from './digest-seed.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const WEEK = '2026-11-16';

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

async function setup(env: Record<string, string> = {}): Promise<{ team: Team; other: Team }> {
  t = await startTestApp({ env });
  const org = orgRepo(t.db);
  const team = org.createTeam('Platform', 'C0PLAT', NOW);
  const other = org.createTeam('Mobile', 'C0MOB', NOW);
  const me = org.ensurePersonBySlack('U0USER', NOW, 'user@example.com', 'User');
  org.setPersonTeam(me.id, team.id);
  seedSpend(t.db, { day: '2026-11-18', teamId: team.id, costUsd: 300 });
  seedStory(t.db, { teamId: team.id, doneAt: Date.parse('2026-11-19T10:00:00Z'), points: 2 });
  seedStory(t.db, { teamId: team.id, doneAt: Date.parse('2026-11-20T10:00:00Z'), points: 4 });
  seedSession(t.db, {
    id: 'c0ffee00-1111-2222-3333-444455556666',
    teamId: team.id,
    personId: me.id,
    start: Date.parse('2026-11-20T09:00:00Z'),
    end: Date.parse('2026-11-20T10:30:00Z'),
    costUsd: 42,
    commits: 2,
    closed: true,
  });
  return { team, other };
}

const outboxCount = () => (t.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
const textOf = (body: Record<string, unknown>) => JSON.stringify(body.blocks ?? []) + String(body.text ?? '');
const posted = (channel: string) => t.slack.messagesIn(channel).filter((m) => !m.thread_ts);

describe('/aispend digest (preview)', () => {
  it('shows the caller their team’s digest privately, with the chart described, and sends nothing', async () => {
    await setup();
    const body = await t.command('digest');
    expect(body.response_type).toBe('ephemeral');
    const blocks = body.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
    expect(blocks[0]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: ':eyes: Preview, only you can see this. It posts to <#C0PLAT> on the digest schedule.' }],
    });
    expect(blocks[1]!.text!.text).toBe('Platform · AI spend, week of 16–22 Nov 2026');
    const all = textOf(body);
    expect(all).toContain('*Cost per story*\\n$150');
    expect(all).toContain("Chart (posted in the digest's thread; not shown in previews): Chart for Platform, 8 weeks");
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(t.slack.messages).toHaveLength(0);
    expect(t.slack.uploads.size).toBe(0);
    expect(outboxCount()).toBe(0);
  });

  it('another team’s digest needs admin or approver rights; the org digest is for admins', async () => {
    await setup();
    expect(textOf(await t.command('digest Mobile'))).toContain("You can see your own team's figures; Mobile's details need admin or approver rights");
    expect(textOf(await t.command('digest org'))).toContain('The org-wide digest is for aispend admins.');
    expect(textOf(await t.command('digest Mobile', { user: TEST_ADMIN }))).toContain('Mobile · AI spend, week of 16–22 Nov 2026');
    expect(textOf(await t.command('digest org', { user: TEST_ADMIN }))).toContain('Whole org (all teams) · AI spend');
    expect(textOf(await t.command('digest nosuchteam'))).toContain('There is no team called "nosuchteam". Teams: Mobile, Platform.');
    expect(outboxCount()).toBe(0);
  });
});

describe('/aispend digest post', () => {
  it('is refused to non-admins, and nothing changes', async () => {
    await setup();
    const body = await t.command('digest post Platform');
    expect(textOf(body)).toContain('Only aispend admins can post digests (AISPEND_ADMINS). Nothing was posted.');
    expect(t.slack.messages).toHaveLength(0);
    expect(outboxCount()).toBe(0);
  });

  it('posts now through the outbox; a second post links the first; `again` posts one more copy', async () => {
    const { team } = await setup();
    const first = await t.command('digest post Platform', { user: TEST_ADMIN });
    const [msg] = posted('C0PLAT');
    expect(msg).toBeDefined();
    const link = `https://fake.slack.com/archives/C0PLAT/p${msg!.ts.replace('.', '')}`;
    expect(first.text).toBe(`Posted the digest for Platform, week of 16–22 Nov 2026 <${link}|in <#C0PLAT>>.`);
    expect(msg!.metadata?.event_payload?.key).toBe(`digest:${team.id}:${WEEK}`);
    expect([...t.slack.uploads.values()].map((u) => u.completed?.thread_ts)).toEqual([msg!.ts]);

    const second = await t.command('digest post Platform', { user: TEST_ADMIN });
    expect(second.text).toBe(
      `The digest for Platform, week of 16–22 Nov 2026 was already posted <${link}|in <#C0PLAT>>. ` +
        'To post another copy: `/aispend digest post Platform again`.',
    );
    expect(posted('C0PLAT')).toHaveLength(1);

    // the schedule finds it recorded and does not post it again
    await t.app.jobs.find((j) => j.name === 'digest')!.run(t.clock.now());
    expect(posted('C0PLAT')).toHaveLength(1);

    const again = await t.command('digest post Platform again', { user: TEST_ADMIN });
    expect(String(again.text)).toMatch(/^Posted the digest for Platform/);
    expect(posted('C0PLAT')).toHaveLength(2);
    expect(posted('C0PLAT')[1]!.metadata?.event_payload?.key).toBe(`digest:${team.id}:${WEEK}:manual:1`);
    expect(outboxRepo(t.db).byKey(`digest-chart:${team.id}:${WEEK}:manual:1`)?.status).toBe('sent');
    expect(t.slack.uploads.size).toBe(2);

    const preview = await t.command('digest');
    expect(textOf(preview)).toContain(`This week's digest was posted <${link}|in <#C0PLAT>>.`);
  });

  it('the org digest needs an org channel', async () => {
    await setup();
    expect(textOf(await t.command('digest post org', { user: TEST_ADMIN }))).toContain('There is no org channel: set AISPEND_ORG_CHANNEL');
    expect(outboxCount()).toBe(0);
  });
});

describe('digest buttons', () => {
  it('See sessions answers privately with the team’s recent sessions', async () => {
    const { team } = await setup();
    const res = await t.action({ user_id: 'U0USER', action_id: ActionIds.digestSeeSessions, value: String(team.id), channel_id: 'C0PLAT', response_url: t.slack.responseUrl('see1') });
    expect(res.status).toBe(200);
    const r = await t.slack.waitFor(() => t.slack.responses.find((x) => x.id === 'see1'));
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.replace_original).toBe(false);
    const all = textOf(r.body);
    expect(all).toContain('Recent agent sessions for team Platform');
    expect(all).toContain('$42.00 · 2 commits · closed');
  });

  it('See sessions is refused to someone outside the team', async () => {
    const { team } = await setup();
    t.slack.addUser({ id: 'U0OUT', email: 'out@example.com', name: 'Out' });
    await t.action({ user_id: 'U0OUT', action_id: ActionIds.digestSeeSessions, value: String(team.id), response_url: t.slack.responseUrl('see2') });
    const r = await t.slack.waitFor(() => t.slack.responses.find((x) => x.id === 'see2'));
    expect(r.body.text).toBe("Platform's sessions are visible to its members, its approvers and admins. Your own: `/aispend sessions me`.");
  });

  it('Request budget increase opens the request modal for that team', async () => {
    const { team } = await setup();
    await t.action({ user_id: 'U0USER', action_id: ActionIds.digestRequestIncrease, value: String(team.id), trigger_id: 'trig-42', channel_id: 'C0PLAT' });
    const call = await t.slack.waitFor(() => t.slack.callsOf('views.open')[0]);
    expect(call.args.trigger_id).toBe('trig-42');
    const view = call.args.view as { callback_id: string; blocks: Array<{ element?: { initial_option?: { value: string } } }> };
    expect(view.callback_id).toBe(CallbackIds.budgetRequestModal);
    expect(view.blocks[0]!.element!.initial_option!.value).toBe(String(team.id));
  });
});
