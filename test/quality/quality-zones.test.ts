// Rework spend (money) in local days west of UTC across a DST change, at a half-hour offset and far
// east, through the generic routes. Expected dollars are worked out by hand from the instants below.
//
// ENG-7 is done Tue 24 Nov 06:00Z; session SX commits to it at 07:00Z (after done: rework from 06:00Z).
// ENG-8 is done Sat 31 Oct 20:00Z; session SZ commits to it on 1 Nov 06:00Z (the commit arrives before
// the story: the rework is found when the story's done arrives). SY is an unrelated session.
//   SX  u1 24 Nov 05:00Z $1 (before done: never rework)   u2 24 Nov 07:30Z $2    u3 24 Nov 10:45Z $4
//       u4 24 Nov 11:15Z $8    u5 24 Nov 19:00Z $16    u6 30 Nov 18:45Z $32
//   SZ  v1 1 Nov 06:30Z $100    v2 1 Nov 07:30Z $200
//   SY  27 Nov 12:00Z $20
// Now: Mon 30 Nov 20:00Z.
//
// America/Los_Angeles (PST, UTC−8; PDT −7 until 1 Nov 09:00Z):
//   last 7 days = 24–30 Nov = [24 Nov 08:00Z, 1 Dec 08:00Z): rework u3+u4+u5+u6 = $60, spend $60 + $20 = $80 → 75%
//   November = [1 Nov 07:00Z (PDT), 1 Dec 08:00Z): v1 is 31 Oct 23:30 PDT, out; v2 is in.
//     rework u2..u6 + v2 = 2+4+8+16+32+200 = $262; spend u1..u6 + SY + v2 = 63+20+200 = $283 → 92.6% → 93%
// Asia/Kolkata (UTC+5:30): today is 1 Dec (01:30), last 7 days = 25 Nov–1 Dec = [24 Nov 18:30Z, 1 Dec 18:30Z):
//   rework u5+u6 = $48, spend $48 + $20 = $68 → 70.6% → 71%
// Pacific/Auckland (NZDT, UTC+13): today is 1 Dec (09:00), last 7 days = 25 Nov–1 Dec = [24 Nov 11:00Z, 1 Dec 11:00Z):
//   rework u4+u5+u6 = $56, spend $56 + $20 = $76 → 73.7% → 74%
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { seedPerson, seedTeam } from '../ingest/delivery/seed.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';

const NOW = Date.parse('2026-11-30T20:00:00Z');
const use = (id: string, session: string, timestamp: string, cost_usd: number) => ({
  id,
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  timestamp,
  user: 'ada@acme.com',
  session_id: session,
  input_tokens: 100,
  output_tokens: 10,
  cost_usd,
});
const event = (e: Record<string, unknown>) => ({ user: 'ada@acme.com', ...e });

describe.each([
  { tz: 'America/Los_Angeles', week: '$60.00 (75% of spend) in 1 session on 1 story', month: '$262 (93% of spend) in 2 sessions on 2 stories' },
  { tz: 'Asia/Kolkata', week: '$48.00 (71% of spend) in 1 session on 1 story' },
  { tz: 'Pacific/Auckland', week: '$56.00 (74% of spend) in 1 session on 1 story' },
])('rework spend in $tz', ({ tz, week, month }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ now: NOW, env: { AISPEND_TIMEZONE: tz } });
    const team = seedTeam(t.db, 'Platform');
    seedPerson(t.db, 'ada@acme.com', team);
    orgRepo(t.db).linkSlackToEmail('U0ADA', 'ada@acme.com', 0);
    const usage = await t.ingest('/ingest/usage', {
      records: [
        use('u1', 'SX', '2026-11-24T05:00:00Z', 1),
        use('u2', 'SX', '2026-11-24T07:30:00Z', 2),
        use('u3', 'SX', '2026-11-24T10:45:00Z', 4),
        use('u4', 'SX', '2026-11-24T11:15:00Z', 8),
        use('u5', 'SX', '2026-11-24T19:00:00Z', 16),
        use('u6', 'SX', '2026-11-30T18:45:00Z', 32),
        use('v1', 'SZ', '2026-11-01T06:30:00Z', 100),
        use('v2', 'SZ', '2026-11-01T07:30:00Z', 200),
        use('y1', 'SY', '2026-11-27T12:00:00Z', 20),
      ],
    });
    expect(usage.status).toBe(200);
    const delivery = await t.ingest('/ingest/delivery', {
      events: [
        event({ id: 'c-z', type: 'commit', timestamp: '2026-11-01T06:00:00Z', repo: 'acme/api', sha: 'abcdef0123456789', session_id: 'SZ', story_key: 'ENG-8', title: 'ENG-8 fix the export' }),
        event({ id: 'd-8', type: 'story_done', timestamp: '2026-10-31T20:00:00Z', story_key: 'ENG-8', team: 'Platform' }),
        event({ id: 'd-7', type: 'story_done', timestamp: '2026-11-24T06:00:00Z', story_key: 'ENG-7', team: 'Platform' }),
        event({ id: 'c-x', type: 'commit', timestamp: '2026-11-24T07:00:00Z', repo: 'acme/api', sha: '0123456789abcdef', session_id: 'SX', story_key: 'ENG-7', title: 'ENG-7 handle the edge case' }),
      ],
    });
    expect(await delivery.json()).toEqual({ accepted: 4, duplicates: 0 });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts the spend of sessions that committed to a story after it was done, in local days (and a month begun in daylight time)', async () => {
    const text = blockText(await t.command('quality', { user: 'U0ADA' }));
    expect(text).toContain(`*Rework spend*\n${week} already done`);
    if (month) expect(blockText(await t.command('quality month', { user: 'U0ADA' }))).toContain(`*Rework spend*\n${month} already done`);
  });
});
