// Loop alerts judged on settled data (LOOP_SETTLE_SECONDS, default 90), as a scripted timeline with an
// injected clock, through the real ingest routes: Claude Code's events arrive at once, its commit and
// lines metrics up to a metric export interval later.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/feature.js';
import { afterIngestIdle } from '../../src/ingest/after-ingest.js';
import { deliveryFeature } from '../../src/ingest/delivery-feature.js';
import { usageFeature } from '../../src/ingest/usage-feature.js';
import { runLoopJob } from '../../src/loops/loop-job.js';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { drainOutbox } from '../../src/slack/outbox.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, CHANNEL, MIN, T0, alertsOf, blockText, seedOrg } from './seed.js';
import { metricsAt, spending } from './telemetry.js';

const features = [usageFeature, deliveryFeature, loopFeature];
const SID = 'settle-0001-session';
const EMAIL = 'alice@example.com';
const DM = `D${ALICE}`;
const SETTLE = 90_000;
/** the moment the session crosses its thresholds: $12 over 31 minutes, no commit, no lines */
const t0 = T0 + 31 * MIN;

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, features });
  seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

/** posts telemetry as it arrives at `arriveAt`, and lets the background after-ingest work run */
async function arrive(arriveAt: number, path: '/v1/logs' | '/v1/metrics', body: unknown) {
  t.clock.set(arriveAt);
  const res = await t.ingest(path, body);
  expect(res.status).toBe(200);
  await afterIngestIdle(t.app.deps);
}

/** the minute job at `ms`, and what it left to the outbox */
async function job(ms: number) {
  t.clock.set(ms);
  await runLoopJob(t.app.deps, ms);
  await drainOutbox(t.app.deps);
}

/** the session's spending, arriving at t0: $2 at its start, $10 at t0 */
const burn = () => arrive(t0, '/v1/logs', spending(SID, EMAIL, [{ at: T0, usd: 2 }, { at: t0, usd: 10 }]));
const posted = () => t.slack.callsOf('chat.postMessage').length;
const watches = () => t.db.prepare('SELECT what FROM loop_watch WHERE session_id = ?').all(SID);

describe('a session is judged once its data has settled', () => {
  it('events at t, commit metric at t+20 s: no alert, ever', async () => {
    await burn();
    expect(watches()).toEqual([{ what: 'raise:burn' }]);
    await arrive(t0 + 20_000, '/v1/metrics', metricsAt(SID, EMAIL, t0 + 20_000, { commits: 1, linesAdded: 40 }));
    // the commit reset the streak the judgement rested on: nothing waits any more
    expect(watches()).toEqual([]);
    for (const at of [t0 + 60_000, t0 + 120_000, t0 + 180_000, t0 + 10 * MIN]) await job(at);
    expect(alertsOf(t.db, SID)).toEqual([]);
    expect(posted()).toBe(0);
  });

  it('no commit: one alert after the settle time (within settle time plus a minute), and only one', async () => {
    await burn();
    expect(alertsOf(t.db, SID)).toEqual([]);
    await job(t0 + 60_000);
    expect(alertsOf(t.db, SID)).toEqual([]);
    expect(posted()).toBe(0);
    await job(t0 + 120_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ rule: 'burn_without_change', fired_at: t0 + 120_000, cost_at_alert: 12 }]);
    expect(t.slack.messagesIn(CHANNEL)).toHaveLength(1);
    expect(t.slack.messagesIn(DM)).toHaveLength(1);
    for (const at of [t0 + 180_000, t0 + 240_000]) await job(at);
    expect(posted()).toBe(2);
    expect(watches()).toEqual([]);
  });

  it('a loop that keeps spending is not kept waiting by its own new events', async () => {
    await burn();
    for (let s = 10; s <= 110; s += 10) {
      await arrive(t0 + s * 1000, '/v1/logs', spending(SID, EMAIL, [{ at: t0 + s * 1000, usd: 0.1 }]));
      if (s === 60) await job(t0 + 60_000);
      // judged by the background check of the batch that arrives once the first judgement has settled
      expect(alertsOf(t.db, SID)).toHaveLength(s < 90 ? 0 : 1);
    }
    await job(t0 + 120_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ fired_at: t0 + SETTLE }]);
    expect(posted()).toBe(2);
  });

  it('a commit timed before the judgement that arrives just before it (t+85 s) still prevents it', async () => {
    await burn();
    await job(t0 + 60_000);
    await arrive(t0 + 85_000, '/v1/metrics', metricsAt(SID, EMAIL, t0 + 80_000, { commits: 1 }));
    await job(t0 + 120_000);
    await job(t0 + 180_000);
    expect(alertsOf(t.db, SID)).toEqual([]);
    expect(posted()).toBe(0);
  });

  it('a commit arriving after the judgement cannot unsay the alert: the message says the streak reset', async () => {
    await burn();
    await job(t0 + 120_000);
    expect(posted()).toBe(2);
    await arrive(t0 + 150_000, '/v1/metrics', metricsAt(SID, EMAIL, t0 + 150_000, { commits: 1 }));
    await drainOutbox(t.app.deps);
    expect(blockText(t.slack.messagesIn(CHANNEL)[0]!.blocks)).toContain('A commit landed');
    expect(posted()).toBe(2);
  });

  it('lines that arrive late make it a no-commit burn, judged at the same time (the wait is not restarted)', async () => {
    await burn();
    await arrive(t0 + 20_000, '/v1/metrics', metricsAt(SID, EMAIL, t0 + 20_000, { linesAdded: 25 }));
    await job(t0 + 60_000);
    expect(alertsOf(t.db, SID)).toEqual([]);
    await job(t0 + 120_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ rule: 'no_commit_burn', fired_at: t0 + 120_000 }]);
  });

  it('an escalation waits for settled data too: spend doubled, then its commit 20 s later, no re-alert', async () => {
    await burn();
    await job(t0 + 120_000);
    const t1 = t0 + 10 * MIN;
    await arrive(t1, '/v1/logs', spending(SID, EMAIL, [{ at: t1, usd: 12 }]));
    expect(watches()).toEqual([{ what: `escalate:${alertsOf(t.db, SID)[0]!.id}` }]);
    await arrive(t1 + 20_000, '/v1/metrics', metricsAt(SID, EMAIL, t1 + 20_000, { commits: 1, linesAdded: 10 }));
    await job(t1 + 60_000);
    await job(t1 + 120_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ level: 1 }]);
    expect(t.slack.messagesIn(CHANNEL).filter((m) => m.thread_ts)).toHaveLength(0);
  });

  it('without the commit, the escalation goes out once settled', async () => {
    await burn();
    await job(t0 + 120_000);
    const t1 = t0 + 10 * MIN;
    await arrive(t1, '/v1/logs', spending(SID, EMAIL, [{ at: t1, usd: 12 }]));
    await job(t1 + 60_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ level: 1 }]);
    await job(t1 + 120_000);
    expect(alertsOf(t.db, SID)).toMatchObject([{ level: 2, cost_at_alert: 24 }]);
    expect(t.slack.messagesIn(CHANNEL).filter((m) => m.thread_ts)).toHaveLength(1);
  });

  it('telemetry that arrives late (a backlog) settles from its arrival, not from its old timestamps', async () => {
    const late = t0 + 60 * MIN;
    await arrive(late, '/v1/logs', spending(SID, EMAIL, [{ at: T0, usd: 2 }, { at: t0, usd: 10 }]));
    await job(late + 30_000);
    expect(alertsOf(t.db, SID)).toEqual([]);
    await arrive(late + 40_000, '/v1/metrics', metricsAt(SID, EMAIL, t0 + 10_000, { commits: 1 }));
    await job(late + 120_000);
    expect(alertsOf(t.db, SID)).toEqual([]);
  });
});

describe('a crash between the ingest answer and the background run', () => {
  it('loses no check: the work recorded with the ingest runs at the next start', async () => {
    // the first process never gets to run its after-ingest hooks
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stuck: Feature = { name: 'stuck', init: (deps) => void deps.afterIngest.unshift(() => held) };
    const first = await startTestApp({ now: T0, features: [stuck, ...features], slack: t.slack });
    seedOrg(first.db);
    first.clock.set(t0);
    const res = await first.ingest('/v1/logs', spending(SID, EMAIL, [{ at: T0, usd: 2 }, { at: t0, usd: 10 }]));
    expect(res.status).toBe(200);
    expect(first.db.prepare('SELECT kind, ref FROM after_ingest_queue ORDER BY kind').all()).toEqual([
      { kind: 'session', ref: SID },
      { kind: 'team', ref: '1' },
    ]);
    // the crash: the process is gone, the database keeps what was committed
    await first.app.http.close();
    first.db.close();
    release();

    const second = await startTestApp({ now: t0 + 30_000, features, slack: t.slack, dbPath: first.dbPath });
    try {
      await afterIngestIdle(second.app.deps);
      expect(second.db.prepare('SELECT COUNT(*) AS n FROM after_ingest_queue').get()).toEqual({ n: 0 });
      expect(second.db.prepare('SELECT what FROM loop_watch').all()).toEqual([{ what: 'raise:burn' }]);
      await runLoopJob(second.app.deps, t0 + 120_000);
      await drainOutbox(second.app.deps);
      expect(alertsOf(second.db, SID)).toHaveLength(1);
      expect(t.slack.messagesIn(CHANNEL)).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
    }
  });
});
