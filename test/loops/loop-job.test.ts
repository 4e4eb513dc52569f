// Loop alerts end to end through the real app: sessions scripted with the session repository and an
// injected clock, the minute job (or the after-ingest hook) evaluating them, the fake Slack receiving.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac, randomUUID } from 'node:crypto';
import { deliveryFeature } from '../../src/ingest/delivery-feature.js';
import { usageFeature } from '../../src/ingest/usage-feature.js';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { afterIngestIdle } from '../../src/ingest/after-ingest.js';
import { backoffMs, drainOutbox } from '../../src/slack/outbox.js';
import { ActionIds } from '../../src/slack/ids.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, MIN, T0, actionElements, alertsOf, blockText, seedOrg, session } from './seed.js';

const GITHUB_SECRET = 'github-webhook-secret-for-tests';
const features = [usageFeature, deliveryFeature, loopFeature];
let t: TestApp;

// settling (LOOP_SETTLE_SECONDS) has its own tests (loop-settle.test.ts): here sessions are judged at once
const env = { GITHUB_WEBHOOK_SECRET: GITHUB_SECRET, LOOP_SETTLE_SECONDS: '0' };
beforeEach(async () => {
  t = await startTestApp({ now: T0, features, env });
});
afterEach(async () => {
  await t.close();
});

const DM = `D${ALICE}`;
const at = (minute: number) => T0 + minute * MIN;
/** the minute job at `minute`, then what it and the after-ingest work left to the outbox */
async function tick(minute: number) {
  t.clock.set(at(minute));
  await afterIngestIdle(t.app.deps);
  await runLoopJob(t.app.deps, t.clock.now());
  await drainOutbox(t.app.deps);
}
const top = (channel: string) => t.slack.messagesIn(channel).filter((m) => !m.thread_ts);
const replies = (channel: string) => t.slack.messagesIn(channel).filter((m) => m.thread_ts);

/** A team session of Alice's burning $12 over 31 minutes with 5 lines changed: a no-commit burn. */
function burning(id = 'sess-burn-1') {
  const { team, alice } = seedOrg(t.db);
  const s = session(t.db, id, { personId: alice.id, teamId: team.id, email: 'alice@example.com' });
  s.work(0, 1).work(10, 4, 5).work(20, 4).work(31, 3);
  return { team, alice, s };
}

describe('raising an alert', () => {
  it('posts one message to the team channel and one DM to the owner, and never twice', async () => {
    const { s } = burning();
    await tick(31);
    expect(top(CHANNEL)).toHaveLength(1);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
    const post = top(CHANNEL)[0]!;
    expect(post.text).toBe(`Possible agent loop: <@${ALICE}>'s session sess-burn-1 spent $12.00 since it started (No-commit burn).`);
    const text = blockText(post.blocks);
    expect(text).toContain('*Since last commit*\\n$12.00');
    expect(text).toContain('*Running*\\n31 min');
    expect(text).toContain('*No-commit burn*: $12.00 spent over 31 min since the session started with no commit (thresholds $10.00 and 30 min).');
    expect(text).toContain('*acme/api*');
    expect(text).toContain('/aispend sessions looping');
    const [alert] = alertsOf(t.db, s.id);
    expect(alert).toMatchObject({ rule: 'no_commit_burn', status: 'open', level: 1, cost_at_alert: 12, next_alert_cost: 24 });
    expect(actionElements(post.blocks).map((e) => [e.action_id, e.value])).toEqual([
      [ActionIds.loopAcknowledge, String(alert!.id)],
      [ActionIds.loopSnooze, String(alert!.id)],
      [ActionIds.loopExpected, String(alert!.id)],
    ]);
    expect(t.slack.messagesIn(DM)[0]!.text).toBe('Your agent session may be looping: sess-burn-1 spent $12.00 since it started (No-commit burn).');

    await tick(32);
    await tick(33);
    expect(t.slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
    expect(alertsOf(t.db, s.id)).toHaveLength(1);
  });

  it('does not fire one cent under the cost threshold, nor a minute under the time threshold', async () => {
    const { team, alice } = seedOrg(t.db);
    session(t.db, 'cheap', { personId: alice.id, teamId: team.id }).work(0, 5).work(45, 4.99, 3);
    session(t.db, 'quick', { personId: alice.id, teamId: team.id }).work(0, 30).work(29, 30, 3);
    await tick(45);
    expect(t.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    expect(alertsOf(t.db, 'cheap')).toEqual([]);
    expect(alertsOf(t.db, 'quick')).toEqual([]);
  });

  it("uses the team's own thresholds when set", async () => {
    const { team, s } = burning();
    t.db.prepare('UPDATE teams SET loop_min_cost_usd = 20 WHERE id = ?').run(team.id);
    await tick(31);
    expect(alertsOf(t.db, s.id)).toEqual([]);
    s.work(40, 8);
    await tick(40);
    expect(alertsOf(t.db, s.id)).toMatchObject([{ rule: 'no_commit_burn', cost_at_alert: 20, next_alert_cost: 40 }]);
  });

  it('raises burn without change (zero lines) as the one burn alert', async () => {
    const { team, alice } = seedOrg(t.db);
    session(t.db, 'idle-edit', { personId: alice.id, teamId: team.id }).work(0, 2).work(30, 10);
    await tick(30);
    expect(alertsOf(t.db, 'idle-edit').map((a) => a.rule)).toEqual(['burn_without_change']);
    expect(blockText(top(CHANNEL)[0]!.blocks)).toContain('without changing a single line of code');
    expect(top(CHANNEL)).toHaveLength(1);
  });

  it('raises repeating failure: the same tool failing the same way 5 times in a row', async () => {
    const { team, alice } = seedOrg(t.db);
    const s = session(t.db, 'fails', { personId: alice.id, teamId: team.id }).work(0, 0.5, 2);
    for (let i = 1; i <= 4; i++) s.toolResult(i, 'Bash', false);
    await tick(4);
    expect(alertsOf(t.db, 'fails')).toEqual([]);
    s.toolResult(5, 'Bash', false);
    await tick(5);
    expect(alertsOf(t.db, 'fails').map((a) => a.rule)).toEqual(['repeating_failure']);
    expect(blockText(top(CHANNEL)[0]!.blocks)).toContain('Bash failed 5 times in a row (the same error).');
  });

  it('tells only the owner when the team has no channel, and logs it', async () => {
    const { team, alice } = seedOrg(t.db, { channel: null });
    session(t.db, 'no-channel', { personId: alice.id, teamId: team.id }).work(0, 6, 1).work(31, 6);
    await tick(31);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(t.logs.some((l) => l.includes('loop alert: team has no channel, DM only'))).toBe(true);
  });

  it("finds an owner known only by email through Slack's users.lookupByEmail, and DMs them", async () => {
    const { team } = seedOrg(t.db);
    t.slack.addUser({ id: 'U0BOB', email: 'bob@example.com', name: 'Bob' });
    session(t.db, 'bobs', { teamId: team.id, email: 'bob@example.com' }).work(0, 6, 1).work(31, 6);
    await tick(31);
    expect(t.slack.messagesIn('DU0BOB')).toHaveLength(1);
    expect(top(CHANNEL)[0]!.text).toContain("<@U0BOB>'s session");
    expect(t.db.prepare('SELECT slack_user_id FROM people WHERE email = ?').get('bob@example.com')).toEqual({ slack_user_id: 'U0BOB' });
  });

  it('does not hold an alert back while Slack hangs on the owner lookup: the DM finds the owner when Slack is back', async () => {
    const { team } = seedOrg(t.db);
    t.slack.addUser({ id: 'U0BOB', email: 'bob@example.com', name: 'Bob' });
    session(t.db, 'bobs-hang', { teamId: team.id, email: 'bob@example.com' }).work(0, 6, 1).work(31, 6);
    t.slack.hang();
    t.clock.set(at(31));
    const started = Date.now();
    await runLoopJob(t.app.deps, at(31));
    // the evaluation waited for users.lookupByEmail a bounded time (2 s), then recorded the alert
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(alertsOf(t.db, 'bobs-hang')).toHaveLength(1);
    expect(JSON.parse((t.db.prepare('SELECT payload FROM outbox WHERE dedupe_key = ?').get('loop-dm:bobs-hang:no_commit_burn') as { payload: string }).payload)).toMatchObject({
      op: 'dm',
      email: 'bob@example.com',
    });
    t.slack.release();
    await drainOutbox(t.app.deps);
    expect(t.slack.messagesIn('DU0BOB')).toHaveLength(1);
    expect(top(CHANNEL)).toHaveLength(1);
  });

  it('names the owner by email when Slack does not know them, and DMs nobody', async () => {
    const { team } = seedOrg(t.db);
    session(t.db, 'carols', { teamId: team.id, email: 'carol@example.com' }).work(0, 6, 1).work(31, 6);
    await tick(31);
    expect(top(CHANNEL)[0]!.text).toContain("carol@example.com's session");
    expect(t.slack.callsOf('conversations.open')).toHaveLength(0);
    await tick(32);
    expect(t.slack.callsOf('users.lookupByEmail')).toHaveLength(1);
  });
});

describe('escalation', () => {
  it('re-alerts in the thread only when the cost since the last commit has doubled, and updates the alert', async () => {
    const { s } = burning();
    await tick(31);
    const parent = top(CHANNEL)[0]!;
    s.work(40, 11.99);
    await tick(40);
    expect(replies(CHANNEL)).toHaveLength(0);
    expect(t.slack.callsOf('chat.update')).toHaveLength(0);

    s.work(45, 0.01);
    await tick(45);
    expect(top(CHANNEL)).toHaveLength(1);
    expect(replies(CHANNEL)).toHaveLength(1);
    const reply = replies(CHANNEL)[0]!;
    expect(reply.thread_ts).toBe(parent.ts);
    expect(reply.text).toBe('sess-burn-1: $24.00 since the last commit (level 2).');
    expect(blockText(reply.blocks)).toContain('*Getting worse:* $24.00 since the last commit now, up from $12.00 at the last alert.');
    // the alert itself shows the new figures, in the channel and in the DM (no second DM)
    expect(blockText(parent.blocks)).toContain('*Since last commit*\\n$24.00');
    expect(blockText(parent.blocks)).toContain('(level 2)');
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
    expect(blockText(t.slack.messagesIn(DM)[0]!.blocks)).toContain('*Since last commit*\\n$24.00');
    expect(alertsOf(t.db, s.id)).toMatchObject([{ level: 2, cost_at_alert: 24, next_alert_cost: 48 }]);

    await tick(50);
    expect(replies(CHANNEL)).toHaveLength(1);
    s.work(60, 24);
    await tick(60);
    expect(replies(CHANNEL).map((r) => r.text)).toEqual([
      'sess-burn-1: $24.00 since the last commit (level 2).',
      'sess-burn-1: $48.00 since the last commit (level 3).',
    ]);
  });

  it('stays quiet after an acknowledgement, however much worse it gets', async () => {
    const { s } = burning();
    await tick(31);
    const alert = alertsOf(t.db, s.id)[0]!;
    await t.action({ user_id: ALICE, action_id: ActionIds.loopAcknowledge, value: String(alert.id), channel_id: CHANNEL, message_ts: top(CHANNEL)[0]!.ts });
    await t.slack.waitFor(() => alertsOf(t.db, s.id)[0]!.status === 'acknowledged');
    s.work(90, 200);
    await tick(90);
    expect(replies(CHANNEL)).toHaveLength(0);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(2);
  });

  it('stays quiet while snoozed, then reminds once in the thread when the hour is over', async () => {
    const { s } = burning();
    await tick(31);
    const alert = alertsOf(t.db, s.id)[0]!;
    await t.action({ user_id: ALICE, action_id: ActionIds.loopSnooze, value: String(alert.id), channel_id: CHANNEL, message_ts: top(CHANNEL)[0]!.ts });
    await t.slack.waitFor(() => alertsOf(t.db, s.id)[0]!.status === 'snoozed');
    expect(alertsOf(t.db, s.id)[0]!.snoozed_until).toBe(at(31) + 60 * MIN);
    s.work(60, 40);
    await tick(60);
    await tick(90);
    expect(replies(CHANNEL)).toHaveLength(0);
    s.work(91, 1);
    await tick(91);
    expect(replies(CHANNEL)).toHaveLength(1);
    expect(blockText(replies(CHANNEL)[0]!.blocks)).toContain('*Snooze over, still going:* $53.00 since the last commit ($12.00 at the last alert).');
    expect(alertsOf(t.db, s.id)[0]).toMatchObject({ status: 'open', level: 2, snoozed_until: null, next_alert_cost: 106 });
    await tick(92);
    expect(replies(CHANNEL)).toHaveLength(1);
  });
});

describe('a commit from any linked source resets the streak', () => {
  function signedPush(sessionId: string, minute: number) {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      repository: { full_name: 'acme/api' },
      commits: [
        {
          id: randomUUID().replace(/-/g, '').slice(0, 40).padEnd(40, 'a'),
          message: `Add retry\n\nClaude-Session: https://claude.ai/code/session_${sessionId}`,
          timestamp: new Date(at(minute)).toISOString(),
          distinct: true,
          author: { name: 'Alice', email: 'alice@example.com', username: 'alice' },
        },
      ],
    });
    return fetch(`${t.url}/webhooks/github`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': 'sha256=' + createHmac('sha256', GITHUB_SECRET).update(body).digest('hex'),
      },
    });
  }

  function genericCommit(sessionId: string, minute: number) {
    return t.ingest('/ingest/delivery', {
      events: [
        {
          id: `evt-${randomUUID()}`,
          type: 'commit',
          timestamp: new Date(at(minute)).toISOString(),
          user: 'alice@example.com',
          repo: 'acme/api',
          sha: 'abcdef1234567',
          session_id: sessionId,
        },
      ],
    });
  }

  function telemetryCommit(sessionId: string, minute: number) {
    const nanos = (ms: number) => `${ms}000000`;
    return t.ingest('/v1/metrics', {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeMetrics: [
            {
              scope: { name: 'com.anthropic.claude_code', version: '2.0.14' },
              metrics: [
                {
                  name: 'claude_code.commit.count',
                  unit: '',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: [
                      {
                        attributes: [{ key: 'session.id', value: { stringValue: sessionId } }],
                        startTimeUnixNano: nanos(at(minute) - MIN),
                        timeUnixNano: nanos(at(minute)),
                        asDouble: 1,
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
  }

  const sources: Array<[string, (id: string, minute: number) => Promise<unknown>]> = [
    ['a Claude Code claude_code.commit.count point on /v1/metrics', async (id, minute) => {
      const res = await telemetryCommit(id, minute);
      expect(res.status).toBe(200);
    }],
    ['a pushed GitHub commit with a Claude-Session trailer', async (id, minute) => {
      const res = await signedPush(id, minute);
      expect(res.status).toBe(200);
    }],
    ['a generic commit event with session_id', async (id, minute) => {
      const res = await genericCommit(id, minute);
      expect(res.status).toBe(200);
    }],
  ];

  for (const [name, commit] of sources) {
    it(`before an alert: ${name}`, async () => {
      const { team, alice } = seedOrg(t.db);
      const s = session(t.db, 'sess-reset', { personId: alice.id, teamId: team.id }).work(0, 1).work(25, 8, 4);
      t.clock.set(at(25));
      await commit(s.id, 25);
      s.work(40, 4, 2);
      await tick(40);
      // $13 in 40 minutes, but only $4 over 15 minutes since the commit
      expect(alertsOf(t.db, s.id)).toEqual([]);
      expect(t.db.prepare('SELECT last_commit_at, cost_at_last_commit FROM agent_sessions WHERE session_id = ?').get(s.id)).toEqual({
        last_commit_at: at(25),
        cost_at_last_commit: 9,
      });
      s.work(56, 6, 1);
      await tick(56);
      expect(alertsOf(t.db, s.id)).toMatchObject([{ rule: 'no_commit_burn', cost_at_alert: 10 }]);
    });
  }

  it('after an alert, a pushed commit refreshes the alert to say the streak reset; the next burn must double to re-alert', async () => {
    const { s } = burning();
    await tick(31);
    t.clock.set(at(35));
    expect((await signedPush(s.id, 35)).status).toBe(200);
    await t.slack.waitFor(() => t.slack.callsOf('chat.update').length >= 2);
    const parent = top(CHANNEL)[0]!;
    expect(blockText(parent.blocks)).toContain('A commit landed');
    expect(blockText(t.slack.messagesIn(DM)[0]!.blocks)).toContain('A commit landed');
    expect(actionElements(parent.blocks)).toHaveLength(3);
    await tick(36);
    expect(t.slack.callsOf('chat.update')).toHaveLength(2);

    s.work(70, 23.9, 2);
    await tick(70);
    expect(replies(CHANNEL)).toHaveLength(0);
    s.work(75, 0.1);
    await tick(75);
    expect(replies(CHANNEL)).toHaveLength(1);
    expect(blockText(parent.blocks)).not.toContain('A commit landed');
  });
});

describe('idle sessions', () => {
  it('are closed after SESSION_IDLE_MINUTES and not alerted on again', async () => {
    const { s } = burning();
    await tick(31);
    await tick(31 + 61);
    expect(t.db.prepare('SELECT status, closed_at FROM agent_sessions WHERE session_id = ?').get(s.id)).toEqual({
      status: 'closed',
      closed_at: at(92),
    });
    t.db.prepare('UPDATE agent_sessions SET cost_usd = 500 WHERE session_id = ?').run(s.id);
    await tick(100);
    expect(replies(CHANNEL)).toHaveLength(0);
    expect(alertsOf(t.db, s.id)[0]!.level).toBe(1);
  });
});

describe('exactly once', () => {
  it('sends no duplicate after a restart, even when a send was cut short after Slack took it', async () => {
    const { s } = burning();
    await tick(31);
    expect(top(CHANNEL)).toHaveLength(1);
    // a crash between Slack's answer and the outbox recording it: the row is still "sending"
    t.db.prepare(`UPDATE outbox SET status = 'sending', result = NULL WHERE dedupe_key = ?`).run(`loop:${s.id}:no_commit_burn`);
    const { dbPath, slack } = t;
    await t.stopApp();

    const t2 = await startTestApp({ dbPath, slack, now: at(33), features, env });
    try {
      await runLoopJob(t2.app.deps, at(33));
      await drainOutbox(t2.app.deps);
      expect(slack.messagesIn(CHANNEL)).toHaveLength(1);
      expect(slack.messagesIn(DM)).toHaveLength(1);
      expect(t2.db.prepare('SELECT COUNT(*) AS n FROM loop_alerts').get()).toEqual({ n: 1 });
      expect(t2.db.prepare(`SELECT status FROM outbox WHERE dedupe_key = ?`).get(`loop:${s.id}:no_commit_burn`)).toEqual({ status: 'sent' });
    } finally {
      await t2.stopApp();
    }
  });

  it('records the alert before sending and sends it once while Slack fails', async () => {
    const { s } = burning();
    t.slack.failNext('chat.postMessage', { count: 2, status: 500 });
    await tick(31);
    // both first sends failed; the alert is recorded and its messages wait for their retry
    expect(alertsOf(t.db, s.id)).toHaveLength(1);
    expect(top(CHANNEL)).toHaveLength(0);
    t.clock.set(at(31) + backoffMs(1));
    await drainOutbox(t.app.deps);
    expect(top(CHANNEL)).toHaveLength(1);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);

    // a longer outage: the first attempts give up, the alert stays recorded, and the retry sends it once
    s.work(45, 12);
    t.slack.failNext('chat.postMessage', { count: 5, status: 500 });
    await tick(45);
    expect(alertsOf(t.db, s.id)).toMatchObject([{ level: 2 }]);
    expect(replies(CHANNEL)).toHaveLength(0);
    for (let attempt = 1; attempt <= 5 && replies(CHANNEL).length === 0; attempt++) {
      t.clock.advance(backoffMs(attempt));
      await drainOutbox(t.app.deps);
    }
    await tick(48);
    expect(replies(CHANNEL)).toHaveLength(1);
    expect(top(CHANNEL)).toHaveLength(1);
  });

});
