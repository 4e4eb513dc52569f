// What the quality answers show, gathered from the quality read model and the spend rollups: the
// figures of a team (or the org, or one person for `me`) over a period, the reopened stories and
// reverted commits behind them, and which signals have ever arrived (to say what to connect).
import type { Deps } from '../deps.js';
import { metricsRepo } from '../db/repos/metrics-repo.js';
import {
  qualityMetricsRepo,
  type QualityScope,
  type ReopenedStory,
  type RevertedCommit,
} from '../db/repos/quality-metrics-repo.js';
import type { Period } from '../domain/time.js';
import {
  EMPTY_COMMITS,
  EMPTY_PRS,
  EMPTY_STORIES,
  QUALITY_WINDOW_MS,
  byGroup,
  qualityFigures,
  type QualityFigures,
} from './quality-figures.js';

export type { QualityScope };

/** The quality figures of a scope over a period (local days [from, to) in AISPEND_TIMEZONE). */
export function gatherQuality(deps: Pick<Deps, 'db'>, scope: QualityScope, period: Period, now: number): QualityFigures {
  const c = qualityMetricsRepo(deps.db).counts(scope, period, now, QUALITY_WINDOW_MS);
  const m = metricsRepo(deps.db);
  const spendUsd =
    typeof scope === 'object' ? m.personSpend(scope.personId, period.from, period.to).costUsd : m.spend(scope, period.from, period.to).costUsd;
  return qualityFigures({
    commits: byGroup(c.commits, EMPTY_COMMITS, (r) => ({
      commits: r.commits,
      reverted: r.reverted,
      pending: r.pending,
      withFiles: r.withFiles,
      testsTouched: r.testsTouched,
    })),
    unknownReverts: c.unknownReverts,
    stories: byGroup(c.stories, EMPTY_STORIES, (r) => ({ stories: r.stories, reopened: r.reopened, pending: r.pending })),
    prs: byGroup(c.pullRequests, EMPTY_PRS, (r) => ({
      prs: r.prs,
      withCi: r.withCi,
      firstPass: r.firstPass,
      reviewed: r.reviewed,
      withFiles: r.withFiles,
      testsTouched: r.testsTouched,
    })),
    rework: c.rework,
    spendUsd,
  });
}

export interface QualityDetail {
  figures: QualityFigures;
  reopened: ReopenedStory[];
  reverted: RevertedCommit[];
  seen: { ci: boolean; reviews: boolean };
}

/** the figures with the stories and commits behind them, for `/aispend quality` */
export function gatherQualityDetail(deps: Pick<Deps, 'db'>, scope: QualityScope, period: Period, now: number): QualityDetail {
  const repo = qualityMetricsRepo(deps.db);
  return {
    figures: gatherQuality(deps, scope, period, now),
    reopened: repo.reopenedStories(scope, period, QUALITY_WINDOW_MS),
    reverted: repo.revertedCommits(scope, period, QUALITY_WINDOW_MS),
    seen: repo.signalsSeen(),
  };
}
