// End to end: Claude Code telemetry through POST /v1/logs and /v1/metrics (OTLP/HTTP JSON, shapes from
// the Claude Code monitoring docs) → session totals → the background after-ingest check and the minute
// job, once the data has settled (LOOP_SETTLE_SECONDS, default 90) → one channel message and one DM
// in the fake Slack.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliveryFeature } from '../../src/ingest/delivery-feature.js';
import { usageFeature } from '../../src/ingest/usage-feature.js';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { afterIngestIdle } from '../../src/ingest/after-ingest.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, MIN, T0, alertsOf, blockText, seedOrg } from './seed.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, features: [usageFeature, deliveryFeature, loopFeature] });
  seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

const SID = '0b6c1f7e-5d0a-4c43-9d1e-2a7f0c2b9e11';
const DM = `D${ALICE}`;
const at = (minute: number) => T0 + minute * MIN;
const nanos = (ms: number) => `${ms}000000`;

type Value = { stringValue: string } | { intValue: number } | { doubleValue: number };
const kv = (key: string, value: Value) => ({ key, value });
const s = (v: string): Value => ({ stringValue: v });

const common = (sessionId: string) => [
  kv('session.id', s(sessionId)),
  kv('user.email', s('alice@example.com')),
  kv('organization.id', s('dc9f6c26-b22c-4831-8d01-0446bada88f1')),
  kv('terminal.type', s('vscode')),
];

function apiRequest(minute: number, costUsd: number, sessionId = SID) {
  return {
    timeUnixNano: nanos(at(minute)),
    observedTimeUnixNano: nanos(at(minute)),
    body: s('claude_code.api_request'),
    attributes: [
      kv('event.name', s('api_request')),
      kv('event.timestamp', s(new Date(at(minute)).toISOString())),
      ...common(sessionId),
      kv('model', s('claude-sonnet-4-5-20250929')),
      kv('cost_usd', { doubleValue: costUsd }),
      kv('duration_ms', { intValue: 1842 }),
      kv('input_tokens', { intValue: 1523 }),
      kv('output_tokens', { intValue: 412 }),
      kv('cache_read_tokens', { intValue: 20480 }),
      kv('cache_creation_tokens', s('3072')),
    ],
  };
}

function toolResult(minute: number, second: number, ok: boolean, sessionId = SID) {
  const ms = at(minute) + second * 1000;
  return {
    timeUnixNano: nanos(ms),
    body: s('claude_code.tool_result'),
    attributes: [
      kv('event.name', s('tool_result')),
      kv('event.timestamp', s(new Date(ms).toISOString())),
      ...common(sessionId),
      kv('tool_name', s('Bash')),
      kv('success', s(ok ? 'true' : 'false')),
      kv('duration_ms', { intValue: 311 }),
      ...(ok ? [] : [kv('error', s('Exit code 1: pnpm: command not found'))]),
    ],
  };
}

function logs(records: unknown[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [kv('service.name', s('claude-code')), kv('service.version', s('2.0.14'))] },
        scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events', version: '2.0.14' }, logRecords: records }],
      },
    ],
  };
}

function counter(name: string, minute: number, value: number, extra: Array<ReturnType<typeof kv>> = [], sessionId = SID) {
  return {
    name,
    unit: '',
    sum: {
      aggregationTemporality: 1,
      isMonotonic: true,
      dataPoints: [
        { attributes: [...common(sessionId), ...extra], startTimeUnixNano: nanos(at(minute) - MIN), timeUnixNano: nanos(at(minute)), asDouble: value },
      ],
    },
  };
}

function metrics(list: unknown[]) {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [kv('service.name', s('claude-code')), kv('service.version', s('2.0.14'))] },
        scopeMetrics: [{ scope: { name: 'com.anthropic.claude_code', version: '2.0.14' }, metrics: list }],
      },
    ],
  };
}

async function post(path: '/v1/logs' | '/v1/metrics', body: unknown) {
  const res = await t.ingest(path, body);
  expect(res.status).toBe(200);
  const answer: unknown = await res.json();
  await afterIngestIdle(t.app.deps);
  return answer;
}

/** the minute job at `ms`, and the messages it left to the outbox */
async function job(ms: number) {
  t.clock.set(ms);
  await runLoopJob(t.app.deps, ms);
  await drainOutbox(t.app.deps);
}
const SETTLE = 90_000;

describe('loop alert from Claude Code telemetry', () => {
  it('posts one channel message and one DM when a session burns without a commit, once', async () => {
    t.clock.set(at(10));
    await post('/v1/logs', logs([apiRequest(0, 1), apiRequest(10, 4)]));
    await post('/v1/metrics', metrics([counter('claude_code.lines_of_code.count', 10, 5, [kv('type', s('added'))])]));
    expect(alertsOf(t.db, SID)).toEqual([]);

    t.clock.set(at(31));
    const burst = logs([apiRequest(20, 4), toolResult(20, 5, true), apiRequest(31, 3)]);
    await post('/v1/logs', burst);
    // over the thresholds, but its commit metric could still be on its way
    expect(alertsOf(t.db, SID)).toEqual([]);
    await job(at(32));
    expect(alertsOf(t.db, SID)).toEqual([]);
    await job(at(31) + SETTLE + 30_000);
    await t.slack.waitFor(() => t.slack.messagesIn(CHANNEL).length === 1 && t.slack.messagesIn(DM).length === 1);
    const post1 = t.slack.messagesIn(CHANNEL)[0]!;
    expect(post1.text).toBe(`Possible agent loop: <@${ALICE}>'s session 0b6c1f7e… spent $12.00 since it started (No-commit burn).`);
    expect(blockText(post1.blocks)).toContain('*Running*\\n31 min');
    expect(blockText(post1.blocks)).toContain(`\`${SID}\``);
    expect(t.slack.messagesIn(DM)[0]!.text).toBe('Your agent session may be looping: 0b6c1f7e… spent $12.00 since it started (No-commit burn).');
    expect(alertsOf(t.db, SID)).toMatchObject([{ rule: 'no_commit_burn', status: 'open', level: 1, cost_at_alert: 12 }]);

    // the exporter retries the same batch, and more telemetry arrives under the step: nothing more is sent
    await post('/v1/logs', burst);
    t.clock.set(at(34));
    await post('/v1/logs', logs([apiRequest(34, 2)]));
    await job(at(36));
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(2);
    expect(t.slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
  });

  it('raises repeating failure from tool_result events', async () => {
    t.clock.set(at(3));
    await post('/v1/logs', logs([apiRequest(0, 0.4), toolResult(1, 0, false), toolResult(1, 20, false), toolResult(2, 0, false), toolResult(2, 30, false)]));
    expect(alertsOf(t.db, SID)).toEqual([]);
    await post('/v1/logs', logs([toolResult(3, 0, false)]));
    await job(at(3) + SETTLE);
    await t.slack.waitFor(() => t.slack.messagesIn(CHANNEL).length === 1);
    expect(blockText(t.slack.messagesIn(CHANNEL)[0]!.blocks)).toContain('Bash failed 5 times in a row (the same error).');
    expect(blockText(t.slack.messagesIn(CHANNEL)[0]!.blocks)).not.toContain('pnpm');
  });

  it('a claude_code.commit.count point resets the streak', async () => {
    t.clock.set(at(25));
    await post('/v1/logs', logs([apiRequest(0, 1), apiRequest(25, 8)]));
    await post('/v1/metrics', metrics([counter('claude_code.commit.count', 25, 1), counter('claude_code.lines_of_code.count', 25, 40, [kv('type', s('added'))])]));
    expect(t.db.prepare('SELECT commits, last_commit_at, cost_at_last_commit FROM agent_sessions WHERE session_id = ?').get(SID)).toEqual({
      commits: 1,
      last_commit_at: at(25),
      cost_at_last_commit: 9,
    });
    t.clock.set(at(40));
    await post('/v1/logs', logs([apiRequest(40, 4)]));
    await job(at(40) + SETTLE);
    // $13 over 40 minutes, but $4 over 15 minutes since the commit
    expect(alertsOf(t.db, SID)).toEqual([]);
    t.clock.set(at(56));
    await post('/v1/logs', logs([apiRequest(56, 6)]));
    await job(at(56) + SETTLE);
    expect(alertsOf(t.db, SID)).toMatchObject([{ rule: 'burn_without_change', cost_at_alert: 10 }]);
    await t.slack.waitFor(() => t.slack.messagesIn(CHANNEL).length === 1);
  });
});
