// End to end with every feature loaded (as `npm start` runs it) and a Slack that hangs: every ingest
// route answers 200 within a second, and so do a slash command and a button (their ack); the loop
// alert and the budget threshold message arrive once Slack answers again, exactly once.
// "Within a second" is a behavioural bound with room for a loaded machine (answers take a few ms);
// speed itself is measured by `npm run bench` (the outage phase).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { afterIngestIdle } from '../../src/ingest/after-ingest.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { ActionIds } from '../../src/slack/ids.js';
import { drainOutbox, outboxIdle } from '../../src/slack/outbox.js';
import { sendBlockAction, sendCommand } from '../helpers/slack-requests.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, MALLORY, MIN, T0, seedOrg } from '../loops/seed.js';
import { metricsAt, spending } from '../loops/telemetry.js';
import { fixture, sendGithub, sendJira, sendLinear, WEBHOOK_ENV } from './delivery/webhook-client.js';

const SID = 'outage-session-0001';
const DM = `D${ALICE}`;
const t0 = T0 + 31 * MIN;
const WITHIN_MS = 1_000;

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, env: WEBHOOK_ENV });
  const { team } = seedOrg(t.db);
  orgRepo(t.db).setBudget(team.id, 100);
});
afterEach(async () => {
  t.slack.release();
  await t.close();
});

/** runs `send` and returns its answer with how long it took */
async function timed(send: () => Promise<Response>): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await send();
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}

const usage = (id: string, cost: number) => ({
  records: [{ id, provider: 'anthropic', model: 'claude-sonnet-4-5', timestamp: new Date(t0).toISOString(), team: 'platform', input_tokens: 1000, output_tokens: 200, cost_usd: cost }],
});

const loopAlerts = () => t.slack.messages.filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith(`loop`) && !m.thread_ts);
const thresholds = () => t.slack.messages.filter((m) => String(m.metadata?.event_payload?.key ?? '').startsWith('budget-threshold:'));

describe('with Slack hanging', () => {
  it('every ingest route answers 200 within a second; the alert and the threshold message arrive once Slack is back, once', async () => {
    t.slack.hang();
    t.clock.set(t0);
    const linear = { ...fixture<Record<string, unknown>>('linear/issue-completed.json'), webhookTimestamp: t0 };
    const answers: Record<string, { status: number; ms: number }> = {
      '/v1/logs': await timed(() => t.ingest('/v1/logs', spending(SID, 'alice@example.com', [{ at: T0, usd: 2 }, { at: t0, usd: 10 }]))),
      '/v1/metrics': await timed(() => t.ingest('/v1/metrics', metricsAt('another-session', 'alice@example.com', t0, { linesAdded: 3 }))),
      // $12 of telemetry and $80 here: 92% of the $100 budget, over the 80% threshold
      '/ingest/usage': await timed(() => t.ingest('/ingest/usage', usage('u-1', 80))),
      '/ingest/delivery': await timed(() => t.ingest('/ingest/delivery', fixture('generic-delivery/batch.json'))),
      '/webhooks/github': await timed(() => sendGithub(t.url, 'push', fixture('github/push-trailers.json'))),
      '/webhooks/jira': await timed(() => sendJira(t.url, fixture('jira/issue-done.json'))),
      '/webhooks/linear': await timed(() => sendLinear(t.url, linear)),
    };
    for (const [route, a] of Object.entries(answers)) {
      expect(a.status, route).toBe(200);
      expect(a.ms, route).toBeLessThan(WITHIN_MS);
    }
    await afterIngestIdle(t.app.deps);

    // the minute job once the loop's data has settled: the alert is recorded, its send waits on Slack
    t.clock.set(t0 + 2 * MIN);
    const job = await timed(async () => {
      await runLoopJob(t.app.deps, t0 + 2 * MIN);
      return new Response(null);
    });
    expect(job.ms).toBeLessThan(WITHIN_MS);

    // a slash command and a button are acknowledged at once too
    const command = await timed(() => sendCommand(t.url, { text: 'summary', user_id: ALICE, response_url: t.slack.responseUrl('summary') }));
    expect(command.status).toBe(200);
    expect(command.ms).toBeLessThan(WITHIN_MS);
    const alertId = (t.db.prepare('SELECT id FROM loop_alerts WHERE session_id = ?').get(SID) as { id: number }).id;
    const button = await timed(() =>
      sendBlockAction(t.url, { user_id: MALLORY, action_id: ActionIds.loopAcknowledge, value: String(alertId), channel_id: CHANNEL, message_ts: '1.1', response_url: t.slack.responseUrl('button') }),
    );
    expect(button.status).toBe(200);
    expect(button.ms).toBeLessThan(WITHIN_MS);

    // nothing has reached Slack; everything is recorded
    expect(t.slack.messages).toHaveLength(0);
    expect(t.slack.responses).toHaveLength(0);
    expect(t.slack.held).toBeGreaterThan(0);
    const recorded = t.db.prepare(`SELECT dedupe_key FROM outbox WHERE status <> 'sent' ORDER BY id`).all() as Array<{ dedupe_key: string }>;
    expect(recorded.map((r) => r.dedupe_key)).toEqual(expect.arrayContaining([expect.stringMatching(/^budget-threshold:/), `loop:${SID}:burn_without_change`, `loop-dm:${SID}:burn_without_change`]));

    // Slack is back
    t.slack.release();
    await t.slack.waitFor(() => loopAlerts().length === 2 && thresholds().length === 1);
    await t.slack.waitFor(() => t.slack.responses.some((r) => r.id === 'summary') && t.slack.responses.some((r) => r.id === 'button'));
    await outboxIdle(t.app.deps);
    // whatever runs again sends nothing twice
    await runLoopJob(t.app.deps, t0 + 3 * MIN);
    await t.app.jobs.find((j) => j.name === 'budgets')!.run(t0 + 3 * MIN);
    await drainOutbox(t.app.deps);
    expect(loopAlerts().map((m) => m.channel).sort()).toEqual([CHANNEL, DM].sort());
    expect(thresholds()).toHaveLength(1);
    expect(thresholds()[0]!.text).toBe('platform has used 92% of its November 2026 budget ($92.00 of $100)');
    expect(t.db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE status <> 'sent'`).get()).toEqual({ n: 0 });
  });
});
