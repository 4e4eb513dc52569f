// The quality figures of a scope and period (docs/quality.md), from the counts the read model gives:
// AI-assisted work beside the rest, a count next to every rate, and no rate below the floor.
// Pure: plain numbers in, plain numbers out.
import type { CommitCounts, PullRequestCounts, StoryCounts } from '../db/repos/quality-metrics-repo.js';
import { ratio } from '../domain/ratios.js';

/** a commit reverted, or a story reopened, this long after it landed still counts against it */
export const QUALITY_WINDOW_DAYS = 14;
export const QUALITY_WINDOW_MS = QUALITY_WINDOW_DAYS * 86_400_000;
/** below this many items in a group, a rate is "not enough data": one item would move it by more than 10 points */
export const RATE_FLOOR = 10;

export interface Rate {
  /** items with the outcome (reverted, reopened, passed, approved, touched tests) */
  count: number;
  /** items it is out of */
  of: number;
  /** count / of, or null below the floor (and when there is nothing) */
  rate: number | null;
  /** items still inside their 14 days, not (yet) reverted or reopened */
  pending: number;
}

export interface Split {
  ai: Rate;
  rest: Rate;
}

// a group (AI-assisted or the rest) is the repository's counts without the flag that split them
export type CommitGroup = Omit<CommitCounts, 'ai'>;
export type StoryGroup = Omit<StoryCounts, 'ai'>;
export type PrGroup = Omit<PullRequestCounts, 'ai'>;

export interface QualityInput {
  commits: { ai: CommitGroup; rest: CommitGroup };
  /** reverts of work aispend never saw (counted apart, never as AI-assisted) */
  unknownReverts: number;
  stories: { ai: StoryGroup; rest: StoryGroup };
  prs: { ai: PrGroup; rest: PrGroup };
  rework: { costUsd: number; sessions: number; stories: number };
  /** the scope's counted spend in the period (for rework's share) */
  spendUsd: number;
}

export interface QualityFigures {
  /** commits of the period reverted within 14 days */
  reverts: Split & { unknown: number };
  /** stories done in the period and reopened within 14 days of done */
  reopens: Split;
  /** merged PRs whose first CI verdict passed (of those with CI data) */
  ciFirstPass: Split & { withoutCi: { ai: number; rest: number } };
  /** merged PRs approved by someone other than their author (of merged PRs) */
  reviewed: Split;
  /** merged PRs that changed a test file (of those whose files are known) */
  testsTouched: Split;
  /** commits that changed a test file (of those whose files are known) */
  commitTestsTouched: Split;
  rework: { costUsd: number; share: number | null; sessions: number; stories: number };
  merged: { ai: number; rest: number };
  /** anything to show at all */
  hasData: boolean;
}

export function rateOf(count: number, of: number, pending = 0, floor = RATE_FLOOR): Rate {
  return { count, of, rate: of >= floor ? ratio(count, of) : null, pending };
}

export const EMPTY_COMMITS: CommitGroup = { commits: 0, reverted: 0, pending: 0, withFiles: 0, testsTouched: 0 };
export const EMPTY_STORIES: StoryGroup = { stories: 0, reopened: 0, pending: 0 };
export const EMPTY_PRS: PrGroup = { prs: 0, withCi: 0, firstPass: 0, reviewed: 0, withFiles: 0, testsTouched: 0 };

/** the read model's rows (one per group, ai 1 or 0, absent when empty) as the two groups */
export function byGroup<T extends { ai: number }, G>(rows: readonly T[], empty: G, pick: (r: T) => G): { ai: G; rest: G } {
  const ai = rows.find((r) => r.ai === 1);
  const rest = rows.find((r) => r.ai !== 1);
  return { ai: ai ? pick(ai) : empty, rest: rest ? pick(rest) : empty };
}

export function qualityFigures(input: QualityInput, floor = RATE_FLOOR): QualityFigures {
  const { commits: c, stories: s, prs: p } = input;
  const split = <G>(g: { ai: G; rest: G }, f: (x: G) => Rate): Split => ({ ai: f(g.ai), rest: f(g.rest) });
  const figures: QualityFigures = {
    reverts: { ...split(c, (x) => rateOf(x.reverted, x.commits, x.pending, floor)), unknown: input.unknownReverts },
    reopens: split(s, (x) => rateOf(x.reopened, x.stories, x.pending, floor)),
    ciFirstPass: {
      ...split(p, (x) => rateOf(x.firstPass, x.withCi, 0, floor)),
      withoutCi: { ai: p.ai.prs - p.ai.withCi, rest: p.rest.prs - p.rest.withCi },
    },
    reviewed: split(p, (x) => rateOf(x.reviewed, x.prs, 0, floor)),
    testsTouched: split(p, (x) => rateOf(x.testsTouched, x.withFiles, 0, floor)),
    commitTestsTouched: split(c, (x) => rateOf(x.testsTouched, x.withFiles, 0, floor)),
    rework: { ...input.rework, share: input.rework.costUsd > 0 ? ratio(input.rework.costUsd, input.spendUsd) : null },
    merged: { ai: p.ai.prs, rest: p.rest.prs },
    hasData: false,
  };
  figures.hasData =
    c.ai.commits + c.rest.commits + s.ai.stories + s.rest.stories + p.ai.prs + p.rest.prs + input.unknownReverts > 0 ||
    input.rework.costUsd > 0;
  return figures;
}
