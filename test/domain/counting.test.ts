import { describe, expect, it } from 'vitest';
import { allocateGap, bucketAnchor, bucketRangeForDay, cumulativeIncrease, DAY_MS, gapAmount, HOUR_MS, metricRowCounted } from '../../src/domain/counting.js';

const m = (entries: Array<[number, number]>) => new Map(entries);

describe('allocateGap (bill vs observed, per team)', () => {
  it('tops each team up to its bill when telemetry saw less', () => {
    expect(allocateGap(m([[1, 100], [2, 50]]), m([[1, 70], [2, 50]]))).toEqual(m([[1, 30]]));
  });

  it('adds nothing when telemetry saw as much as or more than the bill', () => {
    expect(allocateGap(m([[1, 100]]), m([[1, 100]]))).toEqual(new Map());
    expect(allocateGap(m([[1, 100]]), m([[1, 120]]))).toEqual(new Map());
  });

  it('scales shortfalls down when one team’s telemetry covers calls billed under another key, so the total is max(B, O)', () => {
    // bill: unattributed 100 (workspace not mapped), team 1: 0; telemetry: team 1 saw 80
    const gaps = allocateGap(m([[0, 100], [1, 0]]), m([[1, 80]]));
    expect(gaps).toEqual(m([[0, 20]]));
    // bill 60 to team 1 and 60 to team 2; telemetry 90 for team 1, 10 for team 2 → G = 20, e = {2: 50}
    expect(allocateGap(m([[1, 60], [2, 60]]), m([[1, 90], [2, 10]]))).toEqual(m([[2, 20]]));
    // two shortfalls share G in proportion: B = {1: 50, 2: 50, 3: 0}, O = {1: 20, 2: 40, 3: 30} → G = 10, e = {1: 30, 2: 10}
    const g = allocateGap(m([[1, 50], [2, 50], [3, 0]]), m([[1, 20], [2, 40], [3, 30]]));
    expect(g.get(1)).toBeCloseTo(7.5, 12);
    expect(g.get(2)).toBeCloseTo(2.5, 12);
    expect(g.size).toBe(2);
  });

  it('gapAmount never goes below zero', () => {
    expect(gapAmount(5, 7)).toBe(0);
    expect(gapAmount(7, 5)).toBe(2);
  });
});

describe('cumulativeIncrease', () => {
  const p = (start: number, time: number, value: number) => ({ startNs: BigInt(start), timeNs: BigInt(time), value });
  it('first point counts whole; later points their increase; replays and older exports nothing', () => {
    const a = cumulativeIncrease(undefined, p(1, 10, 5));
    expect(a.increase).toBe(5);
    const b = cumulativeIncrease(a.next, p(1, 20, 8));
    expect(b.increase).toBe(3);
    expect(cumulativeIncrease(b.next, p(1, 20, 8))).toEqual({ increase: 0 });
    expect(cumulativeIncrease(b.next, p(1, 15, 6))).toEqual({ increase: 0 });
  });

  it('a new start time or a drop in value is a reset: count from zero again', () => {
    const s = { startNs: 1n, lastTimeNs: 20n, lastValue: 8 };
    expect(cumulativeIncrease(s, p(30, 40, 2)).increase).toBe(2);
    expect(cumulativeIncrease(s, p(1, 30, 3)).increase).toBe(3);
    expect(cumulativeIncrease(s, p(0, 30, 99))).toEqual({ increase: 0 });
  });
});

describe('rule a and bucket days', () => {
  it('metric rows count only while the session has no api_request event', () => {
    expect(metricRowCounted(false)).toBe(true);
    expect(metricRowCounted(true)).toBe(false);
  });

  it('a daily UTC bucket belongs to the local day holding most of it', () => {
    const start = Date.parse('2026-11-20T00:00:00Z');
    expect(bucketAnchor(start, DAY_MS)).toBe(Date.parse('2026-11-20T12:00:00Z'));
    expect(bucketAnchor(start, HOUR_MS)).toBe(start);
    // New York local day 2026-11-20 runs 05:00Z → 05:00Z next day: it takes the UTC day starting 20T00:00Z
    const r = bucketRangeForDay(Date.parse('2026-11-20T05:00:00Z'), Date.parse('2026-11-21T05:00:00Z'), DAY_MS);
    expect(start >= r.from && start < r.to).toBe(true);
    expect(start + DAY_MS >= r.to).toBe(true);
  });
});
