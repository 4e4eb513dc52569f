// The weekly digest end to end: real app, signed Slack side, fake Slack Web API, real SQLite file, injected clock.
import { afterEach, describe, expect, it } from 'vitest';
import { pngSize } from '../../src/charts/render.js';
import { testConfig } from '../../src/config.js';
import { orgRepo, type Team } from '../../src/db/repos/org-repo.js';
import { outboxRepo } from '../../src/db/repos/outbox-repo.js';
import { computeDigest } from '../../src/digest/digest.js';
import { digestDueAt, gatherDigestInput, runDigests } from '../../src/digest/digest-job.js';
import { backoffMs, drainOutbox } from '../../src/slack/outbox.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { PostedMessage } from '../helpers/fake-slack.js';
import { seedSession, seedSpend, seedStory } from './digest-seed.js';

const MONDAY_10 = Date.parse('2026-11-23T10:00:00Z');
const WEEK = '2026-11-16';

const apps: TestApp[] = [];
const dbs: TempDb[] = [];
afterEach(async () => {
  // restarted apps share the first one's fake Slack and folder: close them first
  for (const a of apps.splice(0).reverse()) await a.close();
  for (const d of dbs.splice(0)) d.cleanup();
});

async function start(opts: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const t = await startTestApp(opts);
  apps.push(t);
  return t;
}

function digestJobOf(t: TestApp) {
  const job = t.app.jobs.find((j) => j.name === 'digest');
  if (!job) throw new Error('digest job not registered');
  return job;
}

const h = (iso: string) => Date.parse(iso);

/** Platform: a week with known numbers; the week before for the change */
function seedPlatform(t: TestApp): Team {
  const org = orgRepo(t.db);
  const team = org.createTeam('Platform', 'C0PLAT', MONDAY_10);
  org.setBudget(team.id, 4000);
  seedSpend(t.db, { day: '2026-11-17', teamId: team.id, model: 'claude-opus-4-1', costUsd: 600, fit: [50, 10, 200] });
  seedSpend(t.db, { day: '2026-11-20', teamId: team.id, costUsd: 400 });
  seedSpend(t.db, { day: '2026-11-10', teamId: team.id, costUsd: 800 });
  for (const at of ['2026-11-16T08:00:00Z', '2026-11-18T12:00:00Z', '2026-11-20T16:00:00Z', '2026-11-22T23:59:00Z']) {
    seedStory(t.db, { teamId: team.id, doneAt: h(at), points: 5, ai: at.startsWith('2026-11-18') || at.startsWith('2026-11-20') });
  }
  seedStory(t.db, { teamId: team.id, doneAt: h('2026-11-23T00:00:00Z'), points: 5 }); // next week
  seedSession(t.db, { id: 'sess-dead', teamId: team.id, start: h('2026-11-19T09:00:00Z'), end: h('2026-11-19T11:00:00Z'), costUsd: 60, commits: 0, closed: true });
  seedSession(t.db, { id: 'sess-loop', teamId: team.id, start: h('2026-11-21T09:00:00Z'), end: h('2026-11-21T13:00:00Z'), costUsd: 90, commits: 1, closed: false, loop: true });
  return team;
}

function topLevel(t: TestApp, channel: string): PostedMessage[] {
  return t.slack.messagesIn(channel).filter((m) => !m.thread_ts);
}

function headerOf(m: PostedMessage): string {
  return ((m.blocks?.[0] as { text?: { text?: string } })?.text?.text) ?? '';
}

function uploadsTo(t: TestApp, channel: string) {
  return [...t.slack.uploads.values()].filter((u) => u.completed?.channel_id === channel);
}

describe('weekly digest job', () => {
  it('posts each team its digest with the key figures, and the chart into its thread', async () => {
    const t = await start();
    const team = seedPlatform(t);
    orgRepo(t.db).createTeam('Quiet', 'C0QUIET', MONDAY_10);
    orgRepo(t.db).createTeam('Nowhere', null, MONDAY_10);
    expect(digestJobOf(t)).toMatchObject({ cron: '0 9 * * 1', runOnStart: true });

    await digestJobOf(t).run(t.clock.now());

    const [msg, ...more] = topLevel(t, 'C0PLAT');
    expect(more).toHaveLength(0);
    expect(headerOf(msg!)).toBe('Platform · AI spend, week of 16–22 Nov 2026');
    expect(msg!.metadata?.event_payload?.key).toBe(`digest:${team.id}:${WEEK}`);
    expect((msg!.blocks![1] as { fields: Array<{ text: string }> }).fields.map((f) => f.text)).toEqual([
      '*Spend*\n$1,000 (▲ 25%)',
      '*Stories delivered*\n4 (20 points)',
      '*Cost per story*\n$250',
      '*Cost per point*\n$50.00',
    ]);
    const body = JSON.stringify(msg!.blocks);
    expect(body).toContain('$150 wasted (15% of the week\'s spend): $60.00 in 1 session that ended with no commit; $90.00 in 1 session that raised loop alerts');
    expect(body).toContain('routing these 200 small-output calls ($50.00) to claude-sonnet-4-0 would have saved $40.00');
    expect(body).toContain('2 of 4 stories (50%) were AI-assisted');
    expect(body).toContain('$4,000 budget');
    expect(msg!.text).toContain('AI spend digest for Platform, week of 16–22 Nov 2026');

    const [chart, ...moreCharts] = uploadsTo(t, 'C0PLAT');
    expect(moreCharts).toHaveLength(0);
    expect(chart!.completed!.thread_ts).toBe(msg!.ts);
    expect(pngSize(chart!.bytes)).toEqual({ width: 1600, height: 1000 });
    expect(chart!.filename).toBe(`aispend-platform-${WEEK}.png`);
    expect(chart!.alt_text).toMatch(/^Chart for Platform, 8 weeks \(28 Sep – 22 Nov 2026\)\. Spend per week: .*\$800, \$1,000\./);

    // nothing to report: a short message, no chart
    const quiet = topLevel(t, 'C0QUIET');
    expect(quiet).toHaveLength(1);
    expect(JSON.stringify(quiet[0]!.blocks)).toContain('No AI spend or delivered work recorded for Quiet in the week of 16–22 Nov 2026');
    expect(uploadsTo(t, 'C0QUIET')).toHaveLength(0);
    expect(t.slack.messages.filter((m) => m.channel !== 'C0PLAT' && m.channel !== 'C0QUIET')).toHaveLength(0);
    expect(outboxRepo(t.db).byKey(`digest-chart:${team.id}:${WEEK}`)?.status).toBe('sent');
  });

  it('waits for the schedule: nothing before Monday 09:00, then the digest once', async () => {
    const t = await start({ now: h('2026-11-23T08:30:00Z') });
    seedPlatform(t);
    const first = await runDigests(t.app.deps, t.clock.now());
    expect(first).toMatchObject({ week: WEEK, due: false, enqueued: [] });
    expect(outboxRepo(t.db).pendingCount()).toBe(0);
    expect(t.slack.messages).toHaveLength(0);

    t.clock.set(h('2026-11-23T09:00:00Z'));
    await digestJobOf(t).run(t.clock.now());
    await digestJobOf(t).run(t.clock.now());
    expect(topLevel(t, 'C0PLAT')).toHaveLength(1);
    expect(uploadsTo(t, 'C0PLAT')).toHaveLength(1);
  });

  it('the schedule in AISPEND_TIMEZONE decides when the week is due', async () => {
    // 09:00 in Tokyo on Monday is 00:00 UTC
    const t = await start({ now: h('2026-11-23T00:30:00Z'), env: { AISPEND_TIMEZONE: 'Asia/Tokyo' } });
    seedPlatform(t);
    const r = await runDigests(t.app.deps, t.clock.now());
    expect(r.due).toBe(true);
    expect(r.week).toBe(WEEK);
    expect(topLevel(t, 'C0PLAT')).toHaveLength(1);
  });

  it('exactly once across a restart, and a missed schedule is made up once at start', async () => {
    // the bot was down on Monday morning: it starts on Wednesday
    const t = await start({ now: h('2026-11-25T15:00:00Z') });
    seedPlatform(t);
    await digestJobOf(t).run(t.clock.now()); // what runOnStart does
    expect(topLevel(t, 'C0PLAT')).toHaveLength(1);
    expect(headerOf(topLevel(t, 'C0PLAT')[0]!)).toContain('week of 16–22 Nov 2026');

    await t.stopApp();
    const t2 = await start({ dbPath: t.dbPath, slack: t.slack, now: h('2026-11-25T15:05:00Z') });
    await digestJobOf(t2).run(t2.clock.now());
    await drainOutbox(t2.app.deps);
    expect(topLevel(t2, 'C0PLAT')).toHaveLength(1);
    expect(uploadsTo(t2, 'C0PLAT')).toHaveLength(1);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('exactly once when a restart comes between recording and sending', async () => {
    const t = await start();
    const team = seedPlatform(t);
    // record without sending (as if the process died right after the transaction)
    const deps = { ...t.app.deps, slack: undefined };
    await runDigests(deps, t.clock.now());
    expect(outboxRepo(t.db).byKey(`digest:${team.id}:${WEEK}`)?.status).toBe('pending');
    expect(t.slack.messages).toHaveLength(0);
    await t.stopApp();

    const t2 = await start({ dbPath: t.dbPath, slack: t.slack });
    await digestJobOf(t2).run(t2.clock.now());
    await digestJobOf(t2).run(t2.clock.now());
    expect(topLevel(t2, 'C0PLAT')).toHaveLength(1);
    expect(uploadsTo(t2, 'C0PLAT')).toHaveLength(1);
  });

  it('Slack failing three times: retried with backoff, posted once, chart after it', async () => {
    const t = await start();
    const team = seedPlatform(t);
    t.slack.failNext('chat.postMessage', { count: 3, status: 500 });
    await digestJobOf(t).run(t.clock.now());
    expect(t.slack.messages).toHaveLength(0);
    // one request per attempt: the outbox's client does not retry on its own
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);
    const row = outboxRepo(t.db).byKey(`digest:${team.id}:${WEEK}`)!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1, uncertain: 1 });
    expect(row.next_attempt_at).toBe(t.clock.now() + 5_000);
    // the chart waits for its parent
    expect(t.slack.callsOf('files.getUploadURLExternal')).toHaveLength(0);

    // not yet due: nothing is sent again
    t.clock.advance(4_000);
    await drainOutbox(t.app.deps);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);

    t.clock.advance(1_000);
    for (let attempt = 2; attempt <= 4; attempt++) {
      await drainOutbox(t.app.deps);
      t.clock.advance(backoffMs(attempt));
    }
    await digestJobOf(t).run(t.clock.now());
    await drainOutbox(t.app.deps);
    const posted = topLevel(t, 'C0PLAT');
    expect(posted).toHaveLength(1);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(4);
    const [chart] = uploadsTo(t, 'C0PLAT');
    expect(chart!.completed!.thread_ts).toBe(posted[0]!.ts);
    expect(uploadsTo(t, 'C0PLAT')).toHaveLength(1);
  });

  it('a 429 is retried after Retry-After, once', async () => {
    const t = await start();
    seedPlatform(t);
    t.slack.failNext('chat.postMessage', { retryAfter: 30 });
    await digestJobOf(t).run(t.clock.now());
    expect(t.slack.messages).toHaveLength(0);
    t.clock.advance(20_000);
    await drainOutbox(t.app.deps);
    expect(t.slack.messages).toHaveLength(0);
    t.clock.advance(11_000);
    await drainOutbox(t.app.deps);
    await digestJobOf(t).run(t.clock.now());
    expect(topLevel(t, 'C0PLAT')).toHaveLength(1);
    expect(uploadsTo(t, 'C0PLAT')).toHaveLength(1);
  });

  it('the org digest goes to the org channel and shows unattributed spend plainly', async () => {
    const t = await start({ env: { AISPEND_ORG_CHANNEL: 'C0ORG' } });
    seedPlatform(t);
    seedSpend(t.db, { day: '2026-11-18', teamId: 0, costUsd: 250 });
    seedStory(t.db, { teamId: null, doneAt: h('2026-11-19T10:00:00Z') });
    await digestJobOf(t).run(t.clock.now());
    const [org, ...more] = topLevel(t, 'C0ORG');
    expect(more).toHaveLength(0);
    expect(headerOf(org!)).toBe('Whole org (all teams) · AI spend, week of 16–22 Nov 2026');
    expect(org!.metadata?.event_payload?.key).toBe(`digest:org:${WEEK}`);
    const body = JSON.stringify(org!.blocks);
    expect(body).toContain('*Spend*\\n$1,250 (▲ 56%)');
    expect(body).toContain('*Stories delivered*\\n5 (23 points)');
    expect(body).toContain('• Platform: $1,000 · 4 · $250 per story');
    expect(body).toContain('*Unattributed*: $250 (20%) is not attributed to any team');
    expect(body).not.toContain('digest_request_increase');
    expect(uploadsTo(t, 'C0ORG')).toHaveLength(1);
  });
});

describe('week boundaries in a non-UTC zone across a daylight-saving change', () => {
  it('Europe/Berlin, the week of 19–25 Oct 2026 (169 hours): stories by done_at, spend by local day', () => {
    const tmp = openTempDb();
    dbs.push(tmp);
    const config = testConfig({ AISPEND_TIMEZONE: 'Europe/Berlin' });
    const team = orgRepo(tmp.db).createTeam('Platform', 'C1', 0);
    seedStory(tmp.db, { teamId: team.id, doneAt: h('2026-10-18T21:59:59Z') }); // Sun 23:59:59 CEST: week before
    seedStory(tmp.db, { teamId: team.id, doneAt: h('2026-10-18T22:00:00Z') }); // Mon 00:00 CEST: in
    seedStory(tmp.db, { teamId: team.id, doneAt: h('2026-10-25T22:30:00Z') }); // Sun 23:30 CET (after the change): in
    seedStory(tmp.db, { teamId: team.id, doneAt: h('2026-10-25T23:00:00Z') }); // Mon 00:00 CET: next week
    seedSpend(tmp.db, { day: '2026-10-18', teamId: team.id, costUsd: 7 });
    seedSpend(tmp.db, { day: '2026-10-19', teamId: team.id, costUsd: 100 });
    seedSpend(tmp.db, { day: '2026-10-25', teamId: team.id, costUsd: 60 });
    seedSpend(tmp.db, { day: '2026-10-26', teamId: team.id, costUsd: 9 });

    const now = h('2026-10-26T09:00:00Z');
    const input = gatherDigestInput({ db: tmp.db, config }, { kind: 'team', team }, now);
    expect(input.week).toEqual({ from: '2026-10-19', to: '2026-10-26', startMs: h('2026-10-18T22:00:00Z'), endMs: h('2026-10-25T23:00:00Z') });
    expect(input.stories.stories).toBe(2);
    expect(input.spend.costUsd).toBe(160);
    expect(input.weeks[6]).toEqual({ from: '2026-10-12', to: '2026-10-19', spendUsd: 7, stories: 1, points: 3 });
    const f = computeDigest(input);
    expect(f.week.hours).toBe(169);
    expect(f.delivery.costPerStory).toBe(80);
    expect(f.spend.change).toBeCloseTo((160 - 7) / 7, 12);
  });
});

describe('when the digest is due', () => {
  it('the schedule’s first run after the week ended, in AISPEND_TIMEZONE, across a clock change', () => {
    const berlin = testConfig({ AISPEND_TIMEZONE: 'Europe/Berlin' });
    // week of 19–25 Oct 2026 ends at Mon 00:00 CET; Monday 09:00 CET is 08:00 UTC
    expect(digestDueAt({ config: berlin }, h('2026-10-27T12:00:00Z'))).toEqual({ weekFrom: '2026-10-19', dueAt: h('2026-10-26T08:00:00Z') });
    // the week before ended in summer time: Monday 09:00 CEST is 07:00 UTC
    expect(digestDueAt({ config: berlin }, h('2026-10-20T12:00:00Z'))).toEqual({ weekFrom: '2026-10-12', dueAt: h('2026-10-19T07:00:00Z') });
    const friday = testConfig({ DIGEST_CRON: '30 16 * * 5' });
    expect(digestDueAt({ config: friday }, h('2026-11-27T17:00:00Z'))).toEqual({ weekFrom: '2026-11-16', dueAt: h('2026-11-27T16:30:00Z') });
  });
});
