import { describe, expect, it } from 'vitest';
import { classifyChange, foldStoryHistory, type StateObservation } from '../../../src/ingest/delivery/story-history.js';

const done = (eventAt: number, since = eventAt): StateObservation => ({ eventAt, state: 'done', since });
const open = (eventAt: number, since = eventAt): StateObservation => ({ eventAt, state: 'open', since });
const gone = (eventAt: number): StateObservation => ({ eventAt, state: 'withdrawn', since: eventAt });

/** every order of a list (small lists only) */
function orders<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => orders([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

describe('foldStoryHistory', () => {
  it('counts a story that goes done, reopens and goes done again at its latest done, with the reopen on record', () => {
    const h = foldStoryHistory([done(100), open(200, 190), done(300)]);
    expect(h).toEqual({
      done: 1,
      doneAt: 300,
      firstDoneAt: 100,
      updatedAt: 300,
      spells: [
        { doneAt: 100, endedAt: 190, endKind: 'reopened' },
        { doneAt: 300, endedAt: null, endKind: null },
      ],
    });
  });

  it('gives the same history whatever order the events arrive in', () => {
    const events = [open(50), done(100), open(200, 190), done(300), done(350, 300)];
    const expected = foldStoryHistory(events);
    for (const order of orders(events)) expect(foldStoryHistory(order)).toEqual(expected);
    expect(expected.spells).toHaveLength(2);
  });

  it('keeps the first done time while a done story is edited, and a story opened before it was done is no reopen', () => {
    const h = foldStoryHistory([open(10), open(20), done(100), done(150, 100), done(160, 100)]);
    expect(h.spells).toEqual([{ doneAt: 100, endedAt: null, endKind: null }]);
    expect(h.done).toBe(1);
  });

  it('records a deletion or a cancel as withdrawn, not reopened; work picked up again after a cancel is a reopen', () => {
    expect(foldStoryHistory([done(100), gone(200)]).spells).toEqual([{ doneAt: 100, endedAt: 200, endKind: 'withdrawn' }]);
    const h = foldStoryHistory([done(100), gone(200), open(300)]);
    expect(h.spells).toEqual([{ doneAt: 100, endedAt: 200, endKind: 'reopened' }]);
    expect(h.done).toBe(0);
    expect(h.doneAt).toBe(100);
  });

  it('never lets spells overlap when a tracker time lags the event before it', () => {
    const h = foldStoryHistory([done(100), open(200), done(300, 150)]);
    expect(h.spells.map((s) => s.doneAt)).toEqual([100, 200]);
  });
});

describe('classifyChange', () => {
  const fold = foldStoryHistory;
  it('names what one more event did', () => {
    expect(classifyChange(undefined, fold([done(100)]), done(100))).toBe('new');
    expect(classifyChange(fold([open(50)]), fold([open(50), done(100)]), done(100))).toBe('done');
    expect(classifyChange(fold([done(100)]), fold([done(100), open(200)]), open(200))).toBe('reopened');
    expect(classifyChange(fold([done(100)]), fold([done(100), gone(200)]), gone(200))).toBe('withdrawn');
    expect(classifyChange(fold([done(100)]), fold([done(100), done(150)]), done(150))).toBe('same');
  });

  it('tells an old event that fills in a reopen from one that changes nothing', () => {
    // the reopen arrived first; the done it followed arrives late
    const before = fold([open(200)]);
    const after = fold([open(200), done(100)]);
    expect(classifyChange(before, after, done(100))).toBe('history');
    expect(after.spells).toEqual([{ doneAt: 100, endedAt: 200, endKind: 'reopened' }]);
    expect(after.done).toBe(0);
    const known = fold([done(100), open(200)]);
    expect(classifyChange(known, fold([done(100), open(200), done(90, 90)]), done(90, 90))).not.toBe('stale');
    // a late edit of the story while it was done changes nothing; a late earlier reopen moves the reopen
    expect(classifyChange(known, fold([done(100), open(200), done(120, 100)]), done(120, 100))).toBe('stale');
    expect(classifyChange(known, fold([done(100), open(200), open(150)]), open(150))).toBe('history');
  });
});
