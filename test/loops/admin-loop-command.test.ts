// `/aispend admin loop …` end to end: thresholds per team, and the thresholds report.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loopFeature } from '../../src/loops/loop-feature.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { parseMinutes } from '../../src/loops/admin-loop-command.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { ALICE, MIN, T0, seedOrg, session } from './seed.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: T0, features: [loopFeature] });
  seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

const team = () => orgRepo(t.db).teamByName('platform')!;
const admin = (text: string) => t.command(`admin loop ${text}`.trim(), { user: TEST_ADMIN });
const sections = (body: Record<string, unknown>) =>
  (body.blocks as Array<{ type: string; text?: { text: string } }>).filter((b) => b.type === 'section').map((b) => b.text!.text);

describe('/aispend admin loop <team> <cost_usd> <minutes>', () => {
  it("sets the team's thresholds, says what they were, and audits the change", async () => {
    const body = await admin('platform 25 45');
    expect(body.text).toBe('Loop alert thresholds for *platform* are now $25.00 and 45 min (were $10.00 (default) and 30 min (default)).');
    expect(team()).toMatchObject({ loop_min_cost_usd: 25, loop_min_minutes: 45 });
    expect(t.db.prepare('SELECT actor, action, team_id, details FROM audit_log').all()).toEqual([
      { actor: TEST_ADMIN, action: 'loop.thresholds', team_id: team().id, details: '{"cost_usd":25,"minutes":45}' },
    ]);
  });

  it('accepts amounts and durations as people write them', async () => {
    await admin('platform $1.5k 1.5h');
    expect(team()).toMatchObject({ loop_min_cost_usd: 1500, loop_min_minutes: 90 });
    await admin('PLATFORM $12.50 20min');
    expect(team()).toMatchObject({ loop_min_cost_usd: 12.5, loop_min_minutes: 20 });
    expect(parseMinutes('45m')).toBe(45);
    expect(parseMinutes('2h')).toBe(120);
    expect(parseMinutes('1e3')).toBeUndefined();
    expect(parseMinutes('soon')).toBeUndefined();
  });

  it('goes back to the defaults with `default`', async () => {
    await admin('platform 25 45');
    const body = await admin('platform default');
    expect(body.text).toBe('Loop alert thresholds for *platform* are now $10.00 (default) and 30 min (default) (were $25.00 and 45 min).');
    expect(team()).toMatchObject({ loop_min_cost_usd: null, loop_min_minutes: null });
  });

  it('refuses amounts and minutes that are not positive numbers, and unknown teams, changing nothing', async () => {
    const usage =
      'Usage: `/aispend admin loop <team> <cost_usd> <minutes>` (e.g. `/aispend admin loop platform 25 45`), ' +
      '`/aispend admin loop <team> default`, or `/aispend admin loop <team>` for the thresholds report.';
    expect((await admin('platform 0 30')).text).toBe(`"0" is not a positive amount of dollars. ${usage}`);
    expect((await admin('platform -5 30')).text).toBe(`"-5" is not a positive amount of dollars. ${usage}`);
    expect((await admin('platform ten 30')).text).toBe(`"ten" is not a positive amount of dollars. ${usage}`);
    expect((await admin('platform 10 0')).text).toBe(`"0" is not a positive number of minutes. ${usage}`);
    expect((await admin('platform 10 -30')).text).toBe(`"-30" is not a positive number of minutes. ${usage}`);
    expect((await admin('platform 10')).text).toBe(usage);
    expect((await admin('nope 10 30')).text).toBe('There is no team called "nope". Teams: platform.');
    expect((await admin('')).text).toBe(usage);
    expect(team()).toMatchObject({ loop_min_cost_usd: null, loop_min_minutes: null });
    expect(t.db.prepare('SELECT COUNT(*) AS n FROM audit_log').get()).toEqual({ n: 0 });
  });

  it('is for admins only', async () => {
    const body = await t.command('admin loop platform 25 45', { user: ALICE });
    expect(body.text).toBe('Only aispend admins can run admin commands (AISPEND_ADMINS). Nothing was changed.');
    expect(team()).toMatchObject({ loop_min_cost_usd: null });
  });
});

describe('/aispend admin loop <team> (thresholds report)', () => {
  function alert(sessionId: string, rule: string, status: string, firedAt: number) {
    t.db
      .prepare(
        `INSERT INTO loop_alerts (session_id, rule, status, team_id, fired_at, updated_at, level, cost_at_alert, next_alert_cost, reason)
         VALUES (?, ?, ?, ?, ?, ?, 1, 12, 24, 'r')`,
      )
      .run(sessionId, rule, status, team().id, firedAt, firedAt);
  }

  it('shows the thresholds, the alerts of 30 days by rule, the long tasks marked expected, and a suggestion', async () => {
    const id = team().id;
    const long: Array<[string, number, number]> = [
      ['long-a', 30, 90],
      ['long-b', 42, 130],
      ['long-c', 55, 150],
    ];
    for (const [sid, cost, minutes] of long) {
      session(t.db, sid, { teamId: id }).work(0, cost / 2).work(minutes, cost / 2, 10);
      alert(sid, 'no_commit_burn', 'expected', T0 + 30 * MIN);
    }
    session(t.db, 'loopy', { teamId: id }).work(0, 10).work(40, 10);
    alert('loopy', 'burn_without_change', 'open', T0 + 40 * MIN);
    alert('loopy', 'repeating_failure', 'acknowledged', T0 + 41 * MIN);
    session(t.db, 'old', { teamId: id }).work(0, 50);
    alert('old', 'no_commit_burn', 'expected', T0 - 31 * 24 * 60 * MIN);
    t.clock.set(T0 + 3 * 60 * MIN);

    const body = await admin('platform');
    expect(body.text).toBe('Loop alert thresholds for platform: $10.00 (default) and 30 min (default).');
    expect(sections(body)).toEqual([
      '*Loop alert thresholds: platform*\nAlert when the cost since the last commit reaches $10.00 (default) and 30 min (default).\n' +
        'Repeating failure: the same tool failing the same way 5 times in a row. ' +
        'Re-alert (in the thread) when the cost since the last commit reaches ×2 of the last alert.',
      '*Last 30 days:* 5 alerts on 4 sessions\nNo-commit burn: 3 · Repeating failure: 1 · Burn without change: 1',
      '*Marked expected (long task):* 3 of 4 sessions; typical cost $42.00, typical duration 2 h 10 min.',
      ':bulb: *Suggestion:* `/aispend admin loop platform 55 150`\n' +
        '3 of 4 alerted sessions were long tasks marked expected; these are the 75th percentile of their cost and duration, rounded up.',
    ]);
  });

  it('says so when there were no alerts, and suggests nothing', async () => {
    await admin('platform 25 45');
    const body = await admin('platform');
    expect(sections(body)).toEqual([
      '*Loop alert thresholds: platform*\nAlert when the cost since the last commit reaches $25.00 and 45 min.\n' +
        'Repeating failure: the same tool failing the same way 5 times in a row. ' +
        'Re-alert (in the thread) when the cost since the last commit reaches ×2 of the last alert.',
      '*Last 30 days:* no loop alerts.',
    ]);
  });
});
