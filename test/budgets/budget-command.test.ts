// `/aispend budget [team]`, `/aispend budget history [team]` and `/aispend admin budget set`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetFeature } from '../../src/budgets/budget-feature.js';
import { features } from '../../src/features.js';
import { ActionIds } from '../../src/slack/ids.js';
import { TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import {
  APPROVALS_CHANNEL,
  APPROVER_1,
  OUTSIDER,
  REQUESTER,
  TEAM_CHANNEL,
  addSpend,
  allText,
  auditActions,
  requestThroughCommand,
  seedOrg,
  startBudgetApp,
  type Org,
} from './budget-fixtures.js';

let t: TestApp;
let org: Org;
beforeEach(async () => {
  t = await startBudgetApp();
  org = seedOrg(t.db, { budget: 4000 });
  addSpend(t.db, org.platform.id, '2026-11-05', 1000);
  addSpend(t.db, org.platform.id, '2026-11-22', 400);
  // last month's spend is not this month's
  addSpend(t.db, org.platform.id, '2026-10-31', 9999);
});
afterEach(async () => {
  await t.close();
});

const text = (body: Record<string, unknown>) => allText(body as { text?: string; blocks?: unknown[] });

describe('/aispend budget', () => {
  it('is part of the app: the feature is listed in src/features.ts', () => {
    expect(features).toContain(budgetFeature);
  });

  it('shows the month’s budget, spend, forecast and pending requests with links', async () => {
    const { parent } = await requestThroughCommand(t, '600 more tests');
    const body = await t.command('budget', { user: REQUESTER });
    expect(body.response_type).toBe('ephemeral');
    // forecast: $1,400 so far + the pace since Nov 16 00:00 ($400 in 178 h) for the 182 h left = $1,808.99
    expect(body.text).toBe('platform, November 2026: spent $1,400 of $4,000 (35%), forecast $1,809, 1 pending request');
    const all = text(body);
    expect(all).toContain('platform: budget for November 2026');
    expect(all).toContain('*Budget*\\n*$4,000*');
    expect(all).toContain('*Spent so far*\\n$1,400 (35%)');
    expect(all).toContain('*Forecast to month end*\\n$1,809: within budget');
    expect(all).toContain('*Left this month*\\n$2,600');
    expect(all).toContain(
      `<https://fake.slack.com/archives/${APPROVALS_CHANNEL}/p${parent!.ts.replace('.', '')}|request #1>: +$600 asked by <@${REQUESTER}>`,
    );
  });

  it('says when no budget is set and how to set one; other teams need approver or admin rights', async () => {
    const data = await t.command('budget', { user: OUTSIDER });
    expect(data.text).toBe('data, November 2026: spent $0.00, no budget set, 0 pending requests');
    expect(text(data)).toContain('No monthly budget is set.');
    expect(text(data)).toContain('An admin sets one with `/aispend admin budget set data &lt;amount&gt;`.');

    const refused = await t.command('budget platform', { user: OUTSIDER });
    expect(refused.text).toBe("You can see your own team's figures; platform's details need admin or approver rights for platform.");
    const asAdmin = await t.command('budget platform', { user: TEST_ADMIN });
    expect(asAdmin.text).toContain('platform, November 2026: spent $1,400 of $4,000 (35%)');
  });

  it('budget history lists who did what and when, newest first', async () => {
    await t.command('admin budget set platform 5k', { user: TEST_ADMIN });
    const { request, parent } = await requestThroughCommand(t, '750 the search migration');
    await t.action({ user_id: APPROVER_1, action_id: ActionIds.approvalApprove, value: String(request!.id), channel_id: APPROVALS_CHANNEL, message_ts: parent!.ts });
    await t.slack.waitFor(() => auditActions(t.db).includes('budget.approve'));
    await requestThroughCommand(t, '100 second thoughts');
    await t.command('request cancel 2', { user: REQUESTER });

    const body = await t.command('budget history', { user: REQUESTER });
    expect(body.text).toBe('platform: budget history, 5 entries');
    const sections = (body.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section');
    const lines = sections.flatMap((s) => s.text!.text.split('\n')).map((l) => l.replace(/^<!date\^\d+\^[^|]+\|([^>]+)> · /, '$1 · '));
    expect(lines).toEqual([
      `Nov 23, 2026, 10:00 UTC · <@${REQUESTER}> cancelled request #2`,
      `Nov 23, 2026, 10:00 UTC · <@${REQUESTER}> asked for +$100 for November 2026 (request #2): “second thoughts”`,
      `Nov 23, 2026, 10:00 UTC · <@${APPROVER_1}> approved request #1: +$750 for November 2026`,
      `Nov 23, 2026, 10:00 UTC · <@${REQUESTER}> asked for +$750 for November 2026 (request #1): “the search migration”`,
      `Nov 23, 2026, 10:00 UTC · <@${TEST_ADMIN}> set the monthly budget to $5,000 (was $4,000)`,
    ]);
    const other = await t.command('budget history platform', { user: OUTSIDER });
    expect(other.text).toContain("platform's details need admin or approver rights");
  });
});

describe('/aispend admin budget set', () => {
  it('sets, audits and reports the monthly budget; a lower budget already crossed alerts at once', async () => {
    const set = await t.command('admin budget set platform $2,500', { user: TEST_ADMIN });
    expect(set.text).toBe("platform's monthly budget is now $2,500 (was $4,000). November 2026 so far: $1,400 of $2,500 (56%).");
    expect(t.db.prepare('SELECT monthly_budget_usd AS b FROM teams WHERE id = ?').get(org.platform.id)).toEqual({ b: 2500 });
    expect(
      t.db.prepare("SELECT actor, action, team_id, details FROM audit_log WHERE action = 'budget.set'").all(),
    ).toEqual([{ actor: TEST_ADMIN, action: 'budget.set', team_id: org.platform.id, details: '{"fromUsd":4000,"toUsd":2500}' }]);
    const alert = t.slack.messagesIn(TEAM_CHANNEL);
    expect(alert.map((m) => m.text)).toEqual(['platform has used 56% of its November 2026 budget ($1,400 of $2,500)']);

    const cleared = await t.command('admin budget set platform none', { user: TEST_ADMIN });
    expect(cleared.text).toBe("Removed platform's monthly budget (was $2,500). November 2026 so far: $1,400.");
    expect(auditActions(t.db).filter((a) => a === 'budget.set')).toHaveLength(2);
  });

  it('refuses non-admins, unknown teams and bad amounts, changing nothing', async () => {
    const notAdmin = await t.command('admin budget set platform 1', { user: APPROVER_1 });
    expect(notAdmin.text).toBe('Only aispend admins can run admin commands (AISPEND_ADMINS). Nothing was changed.');
    const unknown = await t.command('admin budget set nope 5000', { user: TEST_ADMIN });
    expect(unknown.text).toBe('There is no team called "nope". Teams: data, platform.');
    const bad = await t.command('admin budget set platform -5', { user: TEST_ADMIN });
    expect(bad.text).toContain('"-5" is not a monthly budget');
    const usage = await t.command('admin budget platform', { user: TEST_ADMIN });
    expect(usage.text).toContain('Usage: `/aispend admin budget set <team> <amount>`');
    expect(t.db.prepare('SELECT monthly_budget_usd AS b FROM teams WHERE id = ?').get(org.platform.id)).toEqual({ b: 4000 });
    expect(auditActions(t.db)).toEqual([]);
  });
});
