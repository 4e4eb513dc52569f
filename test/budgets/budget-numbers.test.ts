// Months follow AISPEND_TIMEZONE: spend, increases and forecasts of "this month" are local.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { budgetStatus, requestContext } from '../../src/budgets/budget-numbers.js';
import { testConfig } from '../../src/config.js';
import { budgetRepo } from '../../src/db/repos/budget-repo.js';
import { orgRepo, type Team } from '../../src/db/repos/org-repo.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';
import { addSpend, addStory } from './budget-fixtures.js';

let tmp: TempDb;
let team: Team;
const config = testConfig({ AISPEND_TIMEZONE: 'America/Los_Angeles' });
beforeEach(() => {
  tmp = openTempDb();
  const org = orgRepo(tmp.db);
  team = org.createTeam('platform', 'C1', 1);
  org.setBudget(team.id, 3000);
  team = org.teamById(team.id)!;
});
afterEach(() => tmp.cleanup());

describe('budgetStatus', () => {
  it('is still November in Los Angeles at 05:00 UTC on December 1st', () => {
    const now = Date.parse('2026-12-01T05:00:00Z'); // Nov 30, 21:00 PST
    addSpend(tmp.db, team.id, '2026-11-01', 1000);
    addSpend(tmp.db, team.id, '2026-11-30', 500);
    addSpend(tmp.db, team.id, '2026-12-01', 700);
    budgetRepo(tmp.db).addIncrease({ teamId: team.id, month: '2026-11', amountUsd: 250, requestId: null, now });
    budgetRepo(tmp.db).addIncrease({ teamId: team.id, month: '2026-12', amountUsd: 999, requestId: null, now });
    const s = budgetStatus({ db: tmp.db, config }, team, now);
    expect(s.month).toBe('2026-11');
    expect(s.period).toMatchObject({ from: '2026-11-01', to: '2026-12-01', startMs: Date.parse('2026-11-01T07:00:00Z'), endMs: Date.parse('2026-12-01T08:00:00Z') });
    expect(s.spentUsd).toBe(1500);
    expect(s.budgetUsd).toBe(3250);
    expect(s.increasesUsd).toBe(250);
    expect(s.used).toBeCloseTo(1500 / 3250, 10);
    // 3 hours before the (721-hour, DST) month ends. The pace is the trailing window: Nov 23 00:00 PST
    // (08:00Z) to now, 7 days 21 hours = 189 h, in which $500 was spent (Nov 30)
    expect(s.forecastUsd).toBeCloseTo(1500 + (500 / 189) * 3, 6);
  });

  it('gives approvers cost per story by local month, with the change against last month', () => {
    const now = Date.parse('2026-11-16T20:00:00Z');
    addSpend(tmp.db, team.id, '2026-11-02', 900);
    for (let i = 0; i < 3; i++) addStory(tmp.db, team.id, Date.parse('2026-11-05T20:00:00Z'));
    addSpend(tmp.db, team.id, '2026-10-10', 1000);
    for (let i = 0; i < 4; i++) addStory(tmp.db, team.id, Date.parse('2026-10-10T20:00:00Z'));
    // Oct 31, 23:30 in Los Angeles is November in UTC: it belongs to October here
    addStory(tmp.db, team.id, Date.parse('2026-11-01T06:30:00Z'));
    const c = requestContext({ db: tmp.db, config }, team, now);
    expect(c.stories).toBe(3);
    expect(c.costPerStory).toBe(300);
    expect(c.trend).toEqual([
      { month: '2026-08', spentUsd: 0, stories: 0, costPerStory: null },
      { month: '2026-09', spentUsd: 0, stories: 0, costPerStory: null },
      { month: '2026-10', spentUsd: 1000, stories: 5, costPerStory: 200 },
    ]);
    expect(c.costPerStoryChange).toBe(0.5);
    expect(c.hasDelivery).toBe(true);
  });

  it('forecasts the 1st, 2nd and 3rd of a month from the last week’s pace (Los Angeles, west of UTC)', () => {
    for (let d = 24; d <= 30; d++) addSpend(tmp.db, team.id, `2026-11-${d}`, 70);
    addSpend(tmp.db, team.id, '2026-12-01', 10);
    const at = (iso: string) => budgetStatus({ db: tmp.db, config }, team, Date.parse(iso));
    // Dec 1, 06:00 PST: window Nov 24 00:00 → now = 174 h with $500; 738 h of December left
    const first = at('2026-12-01T14:00:00Z');
    expect(first.spentUsd).toBe(10);
    expect(first.forecastUsd).toBeCloseTo(10 + (500 / 174) * 738, 6); // $2,130.69, not the old $10 × 124 = $1,240
    // Dec 2, 12:00 PST, $40 more today: window Nov 25 → now = 180 h with $470; 708 h left
    addSpend(tmp.db, team.id, '2026-12-02', 40);
    expect(at('2026-12-02T20:00:00Z').forecastUsd).toBeCloseTo(50 + (470 / 180) * 708, 6);
    // Dec 3, 00:30 PST: window Nov 26 → now = 168.5 h with $400; 695.5 h left
    expect(at('2026-12-03T08:30:00Z').forecastUsd).toBeCloseTo(50 + (400 / 168.5) * 695.5, 6);
  });

  it('a team whose first spend is today has no forecast until a day has passed (Kolkata, east of UTC)', () => {
    const kolkata = testConfig({ AISPEND_TIMEZONE: 'Asia/Kolkata' });
    addSpend(tmp.db, team.id, '2026-12-01', 30);
    // Dec 1, 10:00 IST: ten hours of history
    expect(budgetStatus({ db: tmp.db, config: kolkata }, team, Date.parse('2026-12-01T04:30:00Z')).forecastUsd).toBeNull();
    // Dec 2, 10:00 IST: 34 h of history with $30 + $6; 29 days 14 h = 710 h of December left
    addSpend(tmp.db, team.id, '2026-12-02', 6);
    expect(budgetStatus({ db: tmp.db, config: kolkata }, team, Date.parse('2026-12-02T04:30:00Z')).forecastUsd).toBeCloseTo(36 + (36 / 34) * 710, 6);
  });
});
