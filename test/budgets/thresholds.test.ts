// Threshold alerts at 50/80/100% of the month's budget: once each per team per month, also across
// restarts; the highest only when a batch jumps several; again next month.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterIngestIdle, runAfterIngest } from '../../src/ingest/after-ingest.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { budgetRepo } from '../../src/db/repos/budget-repo.js';
import { ActionIds } from '../../src/slack/ids.js';
import type { TestApp } from '../helpers/test-app.js';
import { DATA_CHANNEL, NOW, TEAM_CHANNEL, addSpend, auditActions, seedOrg, startBudgetApp, type Org } from './budget-fixtures.js';

let t: TestApp;
let org: Org;
beforeEach(async () => {
  t = await startBudgetApp();
  org = seedOrg(t.db, { budget: 1000 });
});
afterEach(async () => {
  await t.close();
});

/** what the usage ingest does after a batch commits, and the background work it sets off */
async function ingested(app: TestApp, teamIds: Array<number | null>) {
  await runAfterIngest(app.app.deps, { teamIds, sessionIds: [] });
  await afterIngestIdle(app.app.deps);
  await drainOutbox(app.app.deps);
}

/** one run of the job, then what it left to the outbox */
async function runJob(app: TestApp) {
  await app.app.jobs.find((j) => j.name === 'budgets')!.run(app.clock.now());
  await drainOutbox(app.app.deps);
}

const alertsIn = (app: TestApp, channel: string) =>
  app.slack.messagesIn(channel).filter((m) => m.metadata?.event_payload?.key?.toString().startsWith('budget-threshold:'));

describe('threshold alerts', () => {
  it('fire at 50, 80 and 100% once each, to the team channel, the last with a Request increase button', async () => {
    const id = org.platform.id;
    addSpend(t.db, id, '2026-11-02', 450);
    await ingested(t, [id]);
    expect(alertsIn(t, TEAM_CHANNEL)).toHaveLength(0);

    addSpend(t.db, id, '2026-11-10', 50);
    await ingested(t, [id, null]);
    expect(alertsIn(t, TEAM_CHANNEL).map((m) => m.text)).toEqual(['platform has used 50% of its November 2026 budget ($500 of $1,000)']);
    await ingested(t, [id]);
    await runJob(t);
    expect(alertsIn(t, TEAM_CHANNEL)).toHaveLength(1);

    addSpend(t.db, id, '2026-11-20', 300);
    await ingested(t, [id]);
    const eighty = alertsIn(t, TEAM_CHANNEL)[1]!;
    expect(eighty.text).toBe('platform has used 80% of its November 2026 budget ($800 of $1,000)');
    expect(JSON.stringify(eighty.blocks)).toContain(':warning:');
    expect(JSON.stringify(eighty.blocks)).not.toContain(ActionIds.budgetRequestIncrease);

    addSpend(t.db, id, '2026-11-23', 210);
    await ingested(t, [id]);
    const full = alertsIn(t, TEAM_CHANNEL)[2]!;
    expect(full.text).toBe('platform has used 101% of its November 2026 budget ($1,010 of $1,000)');
    const text = JSON.stringify(full.blocks);
    expect(text).toContain('has used its whole November 2026 budget: *$1,010* of $1,000 (101%)');
    // $1,010 so far + the pace since Nov 16 00:00 ($300 + $210 in 178 h) for the 182 h left = $1,531.46
    expect(text).toContain('At this pace the month ends at $1,531, $531 over budget.');
    const button = (full.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.type === 'actions',
    )!.elements![0]!;
    expect(button).toMatchObject({ action_id: ActionIds.budgetRequestIncrease, value: String(id) });

    addSpend(t.db, id, '2026-11-23', 500);
    await ingested(t, [id]);
    await runJob(t);
    expect(alertsIn(t, TEAM_CHANNEL)).toHaveLength(3);
    expect(auditActions(t.db)).toEqual(['budget.threshold', 'budget.threshold', 'budget.threshold']);

    // across a restart: nothing is sent again
    await t.stopApp();
    const again = await startBudgetApp({ dbPath: t.dbPath, slack: t.slack });
    try {
      await runJob(again);
      await ingested(again, [id]);
      expect(alertsIn(again, TEAM_CHANNEL)).toHaveLength(3);

      // next month: the levels start over
      again.clock.set(Date.parse('2026-12-02T09:00:00Z'));
      addSpend(again.db, id, '2026-12-01', 520);
      await runJob(again);
      const december = alertsIn(again, TEAM_CHANNEL).slice(3);
      expect(december.map((m) => m.text)).toEqual(['platform has used 52% of its December 2026 budget ($520 of $1,000)']);
      addSpend(again.db, id, '2026-12-02', 300);
      await ingested(again, [id]);
      expect(alertsIn(again, TEAM_CHANNEL).slice(3).map((m) => m.metadata?.event_payload?.key)).toEqual([
        `budget-threshold:${id}:2026-12:50`,
        `budget-threshold:${id}:2026-12:80`,
      ]);
    } finally {
      await again.close();
    }
  });

  it('sends only the highest level when one batch crosses several, and the lower ones never follow', async () => {
    const id = org.data.id;
    orgRepo(t.db).setBudget(id, 1000);
    addSpend(t.db, id, '2026-11-03', 400);
    await ingested(t, [id]);
    expect(alertsIn(t, DATA_CHANNEL)).toHaveLength(0);
    addSpend(t.db, id, '2026-11-04', 700);
    await ingested(t, [id]);
    expect(alertsIn(t, DATA_CHANNEL).map((m) => m.metadata?.event_payload?.key)).toEqual([`budget-threshold:${id}:2026-11:100`]);
    // an approved increase brings the share down to 55%: 50% and 80% stay done this month
    budgetRepo(t.db).addIncrease({ teamId: id, month: '2026-11', amountUsd: 1000, requestId: null, now: NOW });
    await ingested(t, [id]);
    addSpend(t.db, id, '2026-11-05', 600);
    await ingested(t, [id]);
    await runJob(t);
    expect(alertsIn(t, DATA_CHANNEL)).toHaveLength(1);
    // the other team was never touched
    expect(alertsIn(t, TEAM_CHANNEL)).toHaveLength(0);
  });

  it('stays quiet for teams without a budget, and the job catches spend the hook did not see', async () => {
    const id = org.data.id;
    addSpend(t.db, id, '2026-11-03', 5000);
    await ingested(t, [id]);
    await runJob(t);
    expect(alertsIn(t, DATA_CHANNEL)).toHaveLength(0);

    addSpend(t.db, org.platform.id, '2026-11-03', 850);
    await runJob(t);
    expect(alertsIn(t, TEAM_CHANNEL).map((m) => m.metadata?.event_payload?.key)).toEqual([
      `budget-threshold:${org.platform.id}:2026-11:80`,
    ]);
  });

  it('the 100% alert’s button opens the request modal with the team chosen', async () => {
    const res = await t.action({
      user_id: 'U0REQ',
      action_id: ActionIds.budgetRequestIncrease,
      value: String(org.platform.id),
      channel_id: TEAM_CHANNEL,
      trigger_id: '99.88.77',
    });
    expect(res.status).toBe(200);
    const open = await t.slack.waitFor(() => t.slack.callsOf('views.open')[0]);
    expect(open.args.trigger_id).toBe('99.88.77');
    const view = open.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ block_id: string; element: { initial_option?: { value: string } } }> };
    expect(view.callback_id).toBe('budget_request_modal');
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: TEAM_CHANNEL });
    expect(view.blocks.map((b) => b.block_id)).toEqual(['team', 'amount', 'reason']);
    expect(view.blocks[0]!.element.initial_option?.value).toBe(String(org.platform.id));
  });
});
