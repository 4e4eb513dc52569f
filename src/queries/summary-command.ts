// `/aispend summary [team] [week|month|sprint]`: spend vs delivered stories for a team (default the
// caller's own), compared with the previous period. Reads only rollups and indexed tables.
import { metricsRepo } from '../db/repos/metrics-repo.js';
import { UserFacingError } from '../errors.js';
import { monthPeriods, PERIOD_KINDS, sprintPeriods, weekPeriods, type PeriodPair } from '../domain/periods.js';
import { parseSummaryArgs } from './summary.js';
import { code, header, section } from '../slack/blocks.js';
import { connectDeliveryText, summaryBlocks } from './summary-blocks.js';
import { escapeMrkdwn } from '../slack/format.js';
import { resolveCaller } from '../slack/caller.js';
import type { SlackMessage, Subcommand } from '../slack/subcommand.js';
import { gatherSummary, scopeFor } from './query-service.js';

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
      // the whole org's quality has its own answer: its reads would take the org summary past 100 ms (npm run bench)
      const org = choice.scope === 'org';
      const g = gatherSummary(deps, choice.scope, pair, now, { quality: !org });
      return summaryBlocks({
        scopeName: choice.name,
        pair,
        figures: g.figures,
        timezone: tz,
        hasDelivery: g.hasDelivery,
        quality: g.quality,
        qualityCommand: org ? `/aispend quality org ${pair.kind === 'month' ? 'month' : 'week'}` : undefined,
      });
    },
  };
}
