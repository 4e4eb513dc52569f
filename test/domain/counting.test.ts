import { describe, expect, it } from 'vitest';
import { cumulativeIncrease, metricRowCounted } from '../../src/domain/counting.js';

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

describe('rule a', () => {
  it('metric rows count only while the session has no api_request event', () => {
    expect(metricRowCounted(false)).toBe(true);
    expect(metricRowCounted(true)).toBe(false);
  });
});
