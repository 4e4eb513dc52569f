import { describe, expect, it } from 'vitest';
import {
  EMPTY_COMMITS,
  EMPTY_PRS,
  EMPTY_STORIES,
  RATE_FLOOR,
  byGroup,
  qualityFigures,
  rateOf,
  type QualityInput,
} from '../../src/quality/quality-figures.js';
import { pendingSentence, qualityLine, rateText } from '../../src/quality/quality-text.js';

const input = (over: Partial<QualityInput> = {}): QualityInput => ({
  commits: { ai: EMPTY_COMMITS, rest: EMPTY_COMMITS },
  unknownReverts: 0,
  stories: { ai: EMPTY_STORIES, rest: EMPTY_STORIES },
  prs: { ai: EMPTY_PRS, rest: EMPTY_PRS },
  rework: { costUsd: 0, sessions: 0, stories: 0 },
  spendUsd: 0,
  ...over,
});

describe('rates', () => {
  it(`gives a rate from ${RATE_FLOOR} items up, "not enough data" below, and counts always`, () => {
    expect(rateOf(1, 12)).toEqual({ count: 1, of: 12, rate: 1 / 12, pending: 0 });
    expect(rateOf(1, 9)).toEqual({ count: 1, of: 9, rate: null, pending: 0 });
    expect(rateOf(0, 0)).toEqual({ count: 0, of: 0, rate: null, pending: 0 });
    expect(rateText(rateOf(1, 12), 'commits')).toBe('8% (1 of 12 commits)');
    expect(rateText(rateOf(9, 11))).toBe('82% (9 of 11)');
    expect(rateText(rateOf(4, 6), 'PRs')).toBe('4 of 6 PRs (not enough data)');
    expect(rateText(rateOf(0, 0))).toBe('none');
  });

  it('splits the read model rows into AI-assisted and the rest, an absent group as empty', () => {
    expect(byGroup([{ ai: 1, n: 3 }], 0, (r) => r.n)).toEqual({ ai: 3, rest: 0 });
    expect(byGroup([{ ai: 0, n: 2 }, { ai: 1, n: 5 }], 0, (r) => r.n)).toEqual({ ai: 5, rest: 2 });
    expect(byGroup([], 0, (r: { ai: number }) => r.ai)).toEqual({ ai: 0, rest: 0 });
  });
});

describe('qualityFigures and its line', () => {
  // 24 AI-assisted commits, 3 reverted in 14 days (12.5%); 40 others, 1 reverted (2.5%)
  // 12 AI-assisted stories, 2 reopened (16.7%); 8 others, none (below the floor)
  // 20 AI-assisted PRs: 15 with CI, 12 passed first (80%); 18 approved (90%); 16 with files, 10 with tests (62.5%)
  // 10 other PRs: 10 with CI, 9 passed (90%); 10 approved (100%); 10 with files, 7 with tests (70%)
  // rework $37.50 of $1,500 spend (2.5%)
  const full = input({
    commits: {
      ai: { commits: 24, reverted: 3, pending: 5, withFiles: 24, testsTouched: 12 },
      rest: { commits: 40, reverted: 1, pending: 9, withFiles: 40, testsTouched: 10 },
    },
    unknownReverts: 2,
    stories: { ai: { stories: 12, reopened: 2, pending: 3 }, rest: { stories: 8, reopened: 0, pending: 1 } },
    prs: {
      ai: { prs: 20, withCi: 15, firstPass: 12, reviewed: 18, withFiles: 16, testsTouched: 10 },
      rest: { prs: 10, withCi: 10, firstPass: 9, reviewed: 10, withFiles: 10, testsTouched: 7 },
    },
    rework: { costUsd: 37.5, sessions: 3, stories: 2 },
    spendUsd: 1500,
  });

  it('computes each figure beside the rest, with its counts', () => {
    const f = qualityFigures(full);
    expect(f.reverts).toEqual({ ai: { count: 3, of: 24, rate: 0.125, pending: 5 }, rest: { count: 1, of: 40, rate: 0.025, pending: 9 }, unknown: 2 });
    expect(f.reopens.ai).toEqual({ count: 2, of: 12, rate: 2 / 12, pending: 3 });
    expect(f.reopens.rest).toEqual({ count: 0, of: 8, rate: null, pending: 1 });
    expect(f.ciFirstPass).toMatchObject({ ai: { count: 12, of: 15, rate: 0.8 }, rest: { count: 9, of: 10, rate: 0.9 }, withoutCi: { ai: 5, rest: 0 } });
    expect(f.reviewed).toMatchObject({ ai: { count: 18, of: 20, rate: 0.9 }, rest: { count: 10, of: 10, rate: 1 } });
    expect(f.testsTouched).toMatchObject({ ai: { count: 10, of: 16, rate: 0.625 }, rest: { count: 7, of: 10, rate: 0.7 } });
    expect(f.rework).toEqual({ costUsd: 37.5, share: 0.025, sessions: 3, stories: 2 });
    expect(f.merged).toEqual({ ai: 20, rest: 10 });
    expect(f.hasData).toBe(true);
  });

  it('says it in one line, rates with counts, no % below the floor', () => {
    expect(qualityLine(qualityFigures(full))).toBe(
      'AI-assisted vs the rest: reverted in 14 d 13% (3/24) vs 3% (1/40) (+2 of unseen work) · reopened in 14 d 17% (2/12) vs 0/8 · ' +
        'CI first pass 80% (12/15) vs 90% (9/10) · reviewed 90% (18/20) vs 100% (10/10) · tests touched 63% (10/16) vs 70% (7/10) · ' +
        'rework $37.50 (3% of spend). No % under 10: not enough data.',
    );
  });

  it('leaves out what has no data, and says nothing when nothing was recorded', () => {
    const f = qualityFigures(input({ commits: { ai: { ...EMPTY_COMMITS, commits: 10, reverted: 0 }, rest: { ...EMPTY_COMMITS, commits: 12, reverted: 1 } } }));
    expect(qualityLine(f)).toBe('AI-assisted vs the rest: reverted in 14 d 0% (0/10) vs 8% (1/12).');
    expect(qualityLine(qualityFigures(input()))).toBeNull();
    expect(qualityFigures(input()).hasData).toBe(false);
    // only reverts of unseen work, or only rework, still says so
    expect(qualityLine(qualityFigures(input({ unknownReverts: 1 })))).toBe('AI-assisted vs the rest: 1 revert of unseen work.');
    expect(qualityLine(qualityFigures(input({ rework: { costUsd: 2, sessions: 1, stories: 1 }, spendUsd: 0 })))).toBe('AI-assisted vs the rest: rework $2.00.');
  });

  it('says what is still inside its 14 days', () => {
    expect(pendingSentence(qualityFigures(full))).toBe('14 commits and 4 stories are under 14 days old and may still be reverted or reopened.');
    expect(pendingSentence(qualityFigures(input({ stories: { ai: { stories: 1, reopened: 0, pending: 1 }, rest: EMPTY_STORIES } })))).toBe(
      '1 story is under 14 days old and may still be reopened.',
    );
    expect(pendingSentence(qualityFigures(input()))).toBeNull();
  });
});
