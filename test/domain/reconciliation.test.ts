import { describe, expect, it } from 'vitest';
import { localDayShares, reconcileGroups, spreadOverHours, utcDayOf, utcDayStart } from '../../src/domain/reconciliation.js';

const obs = (entries: Array<[number, number]>) => new Map(entries);
const hours = (entries: Record<number, number>) => Array.from({ length: 24 }, (_, h) => entries[h] ?? 0);

describe('reconcileGroups (rule b, one UTC day)', () => {
  it('each mapped team counts max(its bill, its telemetry); unmapped lines take the telemetry of teams the bill does not name', () => {
    const groups = reconcileGroups(
      [
        { team: 1, scope: 'workspace wrk_a', costUsd: 90 },
        { team: 0, scope: 'default', costUsd: 90 },
      ],
      // team 2 (no bill line names it) saw 90 of Anthropic API calls: those are the default workspace's
      obs([[2, 90]]),
    );
    expect(groups).toEqual([
      { team: 0, scopes: ['default'], billedUsd: 90, observedUsd: 90, countedUsd: 90, gapUsd: 0, rule: 'telemetry', observedTeams: [2], explainedByUnmatchedUsd: 0 },
      { team: 1, scopes: ['workspace wrk_a'], billedUsd: 90, observedUsd: 0, countedUsd: 90, gapUsd: 90, rule: 'bill', observedTeams: [], explainedByUnmatchedUsd: 0 },
    ]);
  });

  it('telemetry above the bill is counted as seen, never cut down; below it, the gap fills to the bill', () => {
    const [g] = reconcileGroups([{ team: 3, scope: 'workspace w', costUsd: 10 }], obs([[3, 12.5]]));
    expect(g).toMatchObject({ countedUsd: 12.5, gapUsd: 0, rule: 'telemetry' });
    const [h] = reconcileGroups([{ team: 3, scope: 'workspace w', costUsd: 10 }], obs([[3, 7.25]]));
    expect(h).toMatchObject({ countedUsd: 10, gapUsd: 2.75, rule: 'bill' });
  });

  it('several lines of one team form one group; unattributed telemetry goes with the unmapped lines', () => {
    const groups = reconcileGroups(
      [
        { team: 4, scope: 'workspace w1', costUsd: 5 },
        { team: 4, scope: 'key k1', costUsd: 7 },
        { team: 0, scope: 'workspace w9', costUsd: 3 },
      ],
      obs([
        [4, 10],
        [0, 1],
      ]),
    );
    expect(groups.map((g) => [g.team, g.scopes, g.billedUsd, g.observedUsd, g.gapUsd])).toEqual([
      [0, ['workspace w9'], 3, 1, 2],
      [4, ['key k1', 'workspace w1'], 12, 10, 2],
    ]);
  });
});

describe('telemetry no bill line names', () => {
  it('explains a mapped team’s shortfall instead of being counted on top of the bill', () => {
    // every line is mapped: team 1 billed $100 and saw $60; $30 of telemetry has no team (someone not
    // on a team, billed under team 1's workspace). The day counts $100, not $130.
    const groups = reconcileGroups([{ team: 1, scope: 'workspace w1', costUsd: 100 }], obs([
      [1, 60],
      [0, 30],
    ]));
    expect(groups).toEqual([
      { team: 0, scopes: [], billedUsd: 0, observedUsd: 30, countedUsd: 30, gapUsd: 0, rule: 'telemetry', observedTeams: [0], explainedByUnmatchedUsd: 0 },
      { team: 1, scopes: ['workspace w1'], billedUsd: 100, observedUsd: 60, countedUsd: 70, gapUsd: 10, rule: 'bill', observedTeams: [1], explainedByUnmatchedUsd: 30 },
    ]);
    expect(groups.reduce((s, g) => s + g.countedUsd, 0)).toBe(100);
  });

  it('shares what it explains among the shortfalls in proportion, and never goes past them', () => {
    // shortfalls of 30 (team 1) and 10 (team 2); a team the bill does not name saw 60: it explains all
    // 40 (30 and 10), and the $20 beyond is counted as telemetry
    const groups = reconcileGroups(
      [
        { team: 1, scope: 'workspace w1', costUsd: 50 },
        { team: 2, scope: 'workspace w2', costUsd: 30 },
      ],
      obs([
        [1, 20],
        [2, 20],
        [3, 60],
      ]),
    );
    expect(groups.map((g) => [g.team, g.gapUsd, g.explainedByUnmatchedUsd, g.countedUsd])).toEqual([
      [0, 0, 0, 60],
      [1, 0, 30, 20],
      [2, 0, 10, 20],
    ]);
    // bill 80, telemetry 100: the day counts max(80, 100)
    expect(groups.reduce((s, g) => s + g.countedUsd, 0)).toBe(100);
  });

  it('fills the unmapped lines first: what they bill is its own calls', () => {
    const groups = reconcileGroups(
      [
        { team: 0, scope: 'default', costUsd: 25 },
        { team: 1, scope: 'workspace w1', costUsd: 40 },
      ],
      obs([
        [0, 30],
        [1, 30],
      ]),
    );
    // unmapped: bill 25, telemetry 30 → $5 left over explains $5 of team 1's $10 shortfall
    expect(groups.map((g) => [g.team, g.countedUsd, g.gapUsd, g.explainedByUnmatchedUsd])).toEqual([
      [0, 30, 0, 0],
      [1, 35, 5, 5],
    ]);
  });
});

describe('spreadOverHours', () => {
  it('puts the gap on the hours the bill exceeds telemetry, in proportion', () => {
    // bill $10 in hours 1 and 2 each; telemetry saw hour 1 fully: the $10 gap belongs to hour 2
    expect(spreadOverHours(10, hours({ 1: 10, 2: 10 }), hours({ 1: 10 }))).toEqual(hours({ 2: 10 }));
    // shortfalls of 6 (hour 3) and 2 (hour 5), gap 4 (telemetry elsewhere covered 4): 3 and 1
    expect(spreadOverHours(4, hours({ 3: 6, 5: 2 }), hours({}))).toEqual(hours({ 3: 3, 5: 1 }));
  });

  it('with no shortfall by hour, follows the bill; with no hours at all, spreads evenly', () => {
    expect(spreadOverHours(6, hours({ 4: 1, 8: 2 }), hours({ 4: 5, 8: 5 }))).toEqual(hours({ 4: 2, 8: 4 }));
    expect(spreadOverHours(24, [], [])).toEqual(hours(Object.fromEntries(Array.from({ length: 24 }, (_, h) => [h, 1]))));
  });
});

describe('localDayShares: the hours of a UTC day on local days', () => {
  const even = (total: number) => Array.from({ length: 24 }, () => total / 24);

  it('Los Angeles (UTC−8 in November): 8 hours on the day before, 16 on the day itself', () => {
    expect(localDayShares('2026-11-20', even(24), 'America/Los_Angeles')).toEqual([
      { day: '2026-11-19', amount: 8, ts: Date.parse('2026-11-20T00:00:00Z') },
      { day: '2026-11-20', amount: 16, ts: Date.parse('2026-11-20T08:00:00Z') },
    ]);
  });

  it('Tokyo (UTC+9): a call at 20:00 UTC falls on the next local day', () => {
    const at20 = hours({ 20: 90 });
    expect(localDayShares('2026-11-20', at20, 'Asia/Tokyo')).toEqual([{ day: '2026-11-21', amount: 90, ts: Date.parse('2026-11-20T20:00:00Z') }]);
  });

  it('Kolkata (+5:30) and Kathmandu (+5:45) split the hour that straddles local midnight by its minutes', () => {
    // local midnight of Nov 21 in Kolkata is 18:30 UTC: hour 18 is half Nov 20, half Nov 21
    expect(localDayShares('2026-11-20', hours({ 18: 10 }), 'Asia/Kolkata')).toEqual([
      { day: '2026-11-20', amount: 5, ts: Date.parse('2026-11-20T18:00:00Z') },
      { day: '2026-11-21', amount: 5, ts: Date.parse('2026-11-20T18:30:00Z') },
    ]);
    // Kathmandu: midnight at 18:15 UTC, so a quarter before and three quarters after
    expect(localDayShares('2026-11-20', hours({ 18: 8 }), 'Asia/Kathmandu')).toEqual([
      { day: '2026-11-20', amount: 2, ts: Date.parse('2026-11-20T18:00:00Z') },
      { day: '2026-11-21', amount: 6, ts: Date.parse('2026-11-20T18:15:00Z') },
    ]);
  });

  it('Auckland in summer (+13) and Honolulu (−10)', () => {
    // 11:00 UTC is midnight in Auckland: hours 0–10 are Nov 20, 11–23 are Nov 21
    const a = localDayShares('2026-11-20', even(24), 'Pacific/Auckland');
    expect(a.map((s) => [s.day, s.amount])).toEqual([
      ['2026-11-20', 11],
      ['2026-11-21', 13],
    ]);
    const h = localDayShares('2026-11-20', even(24), 'Pacific/Honolulu');
    expect(h.map((s) => [s.day, s.amount])).toEqual([
      ['2026-11-19', 10],
      ['2026-11-20', 14],
    ]);
  });

  it('across a daylight-saving change (Berlin, 25 Oct 2026: 01:00 UTC clocks go back)', () => {
    // before 01:00 UTC Berlin is +2, after it +1: local Oct 25 begins at 22:00 UTC on Oct 24
    const s = localDayShares('2026-10-25', even(24), 'Europe/Berlin');
    expect(s.map((x) => [x.day, x.amount])).toEqual([
      ['2026-10-25', 23],
      ['2026-10-26', 1],
    ]);
  });

  it('utc days', () => {
    expect(utcDayOf(Date.parse('2026-11-20T23:59:59.999Z'))).toBe('2026-11-20');
    expect(utcDayStart('2026-11-20')).toBe(Date.parse('2026-11-20T00:00:00Z'));
  });
});
