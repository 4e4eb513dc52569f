// `/aispend summary [team] [week|month|sprint]`: spend vs delivered stories for a team (default the
// caller's own), compared with the previous period. Reads only rollups and indexed tables.
import type { Deps } from '../deps.js';
import { metricsRepo, type Scope } from '../db/repos/metrics-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { ForbiddenError, UserFacingError } from '../errors.js';
import { monthPeriods, PERIOD_KINDS, sprintPeriods, trendWindows, weekPeriods, type PeriodPair } from '../domain/periods.js';
import { parseSummaryArgs, storiesIn, summaryFigures, type SummaryFigures } from './summary.js';
import type { Period } from '../domain/time.js';
import { code, header, section } from '../slack/blocks.js';
import { connectDeliveryText, summaryBlocks } from './summary-blocks.js';
import { escapeMrkdwn } from '../slack/format.js';
import { resolveCaller, teamFor, type Caller } from '../slack/caller.js';
import { didYouMean } from '../slack/parse.js';
import type { CommandContext, SlackMessage, Subcommand } from '../slack/subcommand.js';

/** words that name the whole organisation (admins only) */
export const ORG_WORDS = ['org', 'all'];

export interface ScopeChoice {
  scope: Scope;
  name: string;
}

/**
 * The team (or, for admins, the whole org) a query is about. Unknown words that look like a typo of
 * `expected` words get a "did you mean".
 */
export function scopeFor(ctx: Pick<CommandContext, 'deps'>, caller: Caller, word: string | undefined, example: string, expected: readonly string[] = []): ScopeChoice {
  if (word) {
    const org = orgRepo(ctx.deps.db);
    const lower = word.toLowerCase();
    if (!org.teamByName(word)) {
      if (ORG_WORDS.includes(lower)) {
        if (!caller.isAdmin) throw new ForbiddenError('The whole-org view is for aispend admins. You can see your own team: leave the team out.');
        return { scope: 'org', name: 'Whole org' };
      }
      const guess = didYouMean(lower, [...expected]);
      if (guess) {
        throw new UserFacingError(
          `\`${escapeMrkdwn(word.slice(0, 40))}\` is not a team or a period. Did you mean \`${guess}\`? Example: ${code(example)}`,
        );
      }
    }
  }
  // an admin on no team is most likely asking about everything
  if (!word && !caller.team && caller.isAdmin) return { scope: 'org', name: 'Whole org' };
  const team = teamFor(ctx, caller, word);
  return { scope: team.id, name: team.name };
}

export interface PeriodGather {
  pair: PeriodPair;
  figures: SummaryFigures;
  hasDelivery: boolean;
}

/** Everything the summary shows for one scope and period pair, from rollups and indexed reads. */
export function gatherSummary(deps: Pick<Deps, 'db' | 'config'>, scope: Scope, pair: PeriodPair, now: number): PeriodGather {
  const m = metricsRepo(deps.db);
  const weeks = trendWindows(now, deps.config.timezone);
  const first = weeks[0]!;
  const last = weeks[weeks.length - 1]!;
  // one read of the stories of every period involved, and one of spend by day for the trend
  const storyRows = m.storiesDoneRows(
    scope,
    Math.min(pair.previous.startMs, pair.current.startMs, first.startMs),
    Math.max(pair.current.endMs, last.endMs),
  );
  const byDay = m.spendByDay(scope, first.from, last.to);
  const trend = weeks.map((w) => ({
    period: w,
    costUsd: byDay.filter((d) => d.day >= w.from && d.day < w.to).reduce((a, d) => a + d.costUsd, 0),
    stories: storiesIn(storyRows, w.startMs, w.endMs).stories,
  }));
  const numbers = (p: Period) => ({ spend: m.spend(scope, p.from, p.to), stories: storiesIn(storyRows, p.startMs, p.endMs) });
  const figures = summaryFigures({
    current: { ...numbers(pair.current), waste: m.waste(scope, pair.current.startMs, pair.current.endMs) },
    previous: numbers(pair.previous),
    models: m.spendByModel(scope, pair.current.from, pair.current.to),
    sources: m.spendBySource(scope, pair.current.from, pair.current.to),
    trend,
  });
  return { pair, figures, hasDelivery: m.hasDelivery(scope) };
}

export function summaryCommand(): Subcommand {
  return {
    name: 'summary',
    async run(ctx): Promise<SlackMessage> {
      const { deps } = ctx;
      const args = parseSummaryArgs(ctx.args);
      if (args.extra.length > 0) {
        throw new UserFacingError(
          `I can take one team and one period, but got \`${escapeMrkdwn(ctx.args.join(' ').slice(0, 80))}\`. ` +
            `Example: ${code('/aispend summary platform month')} (words in any order; team defaults to yours, period to the last 7 days).`,
        );
      }
      const caller = await resolveCaller(ctx);
      const choice = scopeFor(ctx, caller, args.team, '/aispend summary platform month', PERIOD_KINDS);
      const now = deps.clock.now();
      const tz = deps.config.timezone;
      let pair: PeriodPair | undefined;
      if (args.kind === 'week') pair = weekPeriods(now, tz);
      else if (args.kind === 'month') pair = monthPeriods(now, tz);
      else {
        if (choice.scope === 'org') {
          throw new UserFacingError(`Sprints belong to teams: name one, e.g. ${code('/aispend summary platform sprint')}.`);
        }
        const [current, previous] = metricsRepo(deps.db).sprintsStarted(choice.scope, now, 2);
        pair = sprintPeriods(current, previous, now, tz);
        if (!pair) {
          const text = `No sprint or cycle of ${choice.name} has started yet, so there is no sprint to sum up.`;
          return {
            text,
            blocks: [
              header(`${choice.name} · sprint`),
              section(
                `${escapeMrkdwn(text)} Sprints come from Jira sprints or Linear cycles whose project is mapped to the team ` +
                  `(${code('/aispend admin map project <key> ' + choice.name)}). ${connectDeliveryText()}\n` +
                  `Meanwhile: ${code(`/aispend summary ${choice.name} week`)} or ${code(`/aispend summary ${choice.name} month`)}.`,
              ),
            ],
          };
        }
      }
      const g = gatherSummary(deps, choice.scope, pair, now);
      return summaryBlocks({ scopeName: choice.name, pair, figures: g.figures, timezone: tz, hasDelivery: g.hasDelivery });
    },
  };
}
