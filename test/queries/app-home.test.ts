import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { ActionIds } from '../../src/slack/ids.js';
import { blockText, NOW, rollup, seedOrg, type SeededOrg } from './summary-seed.js';

let t: TestApp;
let org: SeededOrg;

interface View {
  type: string;
  blocks: Array<Record<string, unknown>>;
}

function texts(view: View): string {
  return blockText({ blocks: view.blocks });
}

/** opens the Home tab as `user` and returns the view published for them */
async function openHome(user: string, tab = 'home'): Promise<View> {
  const before = t.slack.callsOf('views.publish').length;
  const res = await t.event({ type: 'app_home_opened', user, tab, channel: `D${user}` });
  expect(res.status).toBe(200);
  const call = await t.slack.waitFor(() => t.slack.callsOf('views.publish').slice(before).find((c) => c.args.user_id === user));
  return call.args.view as View;
}

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  org = seedOrg(t.db);
  orgRepo(t.db).setBudget(org.platform, 2000);
  t.db
    .prepare(`INSERT INTO budget_increases (team_id, month, amount_usd, created_at) VALUES (?, '2026-11', 500, ?)`)
    .run(org.platform, NOW - 86_400_000);
  t.db
    .prepare(
      `INSERT INTO budget_requests (team_id, requester_slack_id, amount_usd, reason, month, status, created_at, channel_id, message_ts)
       VALUES (?, 'U0BO', 500, 'load tests for the <launch>', '2026-11', 'pending', ?, 'C0PLATFORM', '1.1')`,
    )
    .run(org.platform, NOW - 3 * 3_600_000);
});
afterAll(async () => {
  await t.close();
});

describe('App Home', () => {
  it("publishes the member's week, the team's numbers and budget, and open loop alerts on app_home_opened", async () => {
    const view = await openHome('U0ANA');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = texts(view);
    expect(text).toContain(
      '*You* · *$120* spent (▲ 100%)\n3 agent sessions ($95.00, 3 commits)\n2 stories delivered (8 points) · *$60.00 per story*\n' +
        '$75.00 in sessions that produced nothing',
    );
    expect(text).toContain(
      '*Team platform* · *$450* spent (▲ 25% vs the 7 days before)\n' +
        '3 stories delivered (8 points) · *$150 per story* (▼ 17%) · 67% AI-assisted\n' +
        'Waste: $75.00 (17% of spend)\n' +
        'Cheaper routing of 20 small calls would have saved $32.00\n' +
        'Cost per story, 8 weeks: `▂····▁█▆`',
    );
    // $890 so far + the pace since Nov 16 00:00 ($300 + $100 + $50 in 178 h) for the 182 h left = $1,350.11
    expect(text).toContain('*Budget* · $890 of $2,500 in November (36%) · forecast $1,350 · 1 pending request');
    expect(text).toContain(':rotating_light: *Open loop alerts on your sessions*\n• session `s-loop` — No commit for 2 h while spending $40.00');
    expect(text).toContain(':rotating_light: *Open loop alerts in platform*\n• <@U0ANA> · session `s-loop`');
    // a member is no approver: no decisions waiting
    expect(text).not.toContain('waiting for your decision');
    const refresh = view.blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string }> };
    expect(refresh.elements[0]!.action_id).toBe(ActionIds.homeRefresh);
  });

  it('shows an approver the requests waiting for their decision', async () => {
    const view = await openHome('U0LEAD');
    const text = texts(view);
    expect(text).toContain(
      ':inbox_tray: *1 budget request waiting for your decision*\n' +
        '• *$500* for *platform* from <@U0BO> — “load tests for the &lt;launch&gt;” · asked 3 h 00 min ago · decide in <#C0PLATFORM>',
    );
    // Slack shares no email for this approver: they are told how to get linked
    expect(text).toContain("*Get linked.* I can't match your Slack account");
  });

  it('shows admins the whole org as well', async () => {
    const view = await openHome(TEST_ADMIN);
    expect(texts(view)).toContain('*Whole org* (admin view) · *$1,449* spent (▲ 303%) · 3 stories · $483 per story · waste $75.00');
  });

  it('welcomes someone unknown and explains how to get linked', async () => {
    const view = await openHome('U0GHOST');
    const text = texts(view);
    expect(text).toContain('*Welcome to aispend.*');
    expect(text).toContain('`/aispend admin link @you &lt;your work email&gt;`');
    expect(text).toContain('your member ID is U0GHOST');
    expect(text).not.toContain('$');
  });

  it('publishes nothing for the Messages tab', async () => {
    const before = t.slack.callsOf('views.publish').length;
    await t.event({ type: 'app_home_opened', user: 'U0ANA', tab: 'messages', channel: 'DU0ANA' });
    // the Home tab event that follows proves the first one was handled and published nothing
    await openHome('U0BO');
    expect(t.slack.callsOf('views.publish').slice(before).map((c) => c.args.user_id)).toEqual(['U0BO']);
  });

  it('is refreshed on every open and by the Refresh button', async () => {
    rollup(t.db, { day: '2026-11-23', teamId: org.platform, personId: org.ana, model: 'claude-opus-4-1', cost: 30, requests: 3 });
    const view = await openHome('U0ANA');
    expect(texts(view)).toContain('*You* · *$150* spent (▲ 150%)');
    rollup(t.db, { day: '2026-11-23', teamId: org.platform, personId: org.ana, model: 'claude-opus-4-1', cost: 30, requests: 3 });
    const before = t.slack.callsOf('views.publish').length;
    const res = await t.action({ user_id: 'U0ANA', action_id: ActionIds.homeRefresh, value: 'refresh' });
    expect(res.status).toBe(200);
    const call = await t.slack.waitFor(() => t.slack.callsOf('views.publish').slice(before).find((c) => c.args.user_id === 'U0ANA'));
    expect(texts(call.args.view as View)).toContain('*You* · *$180* spent (▲ 200%)');
  });
});
