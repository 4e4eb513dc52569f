// `/aispend me`: the caller's own last 7 days (spend, sessions, delivered stories, cost per story,
// open loop alerts). Someone aispend cannot match to a person is told how to get linked.
import type { Deps } from '../deps.js';
import { metricsRepo, type OpenLoopAlert } from '../db/repos/metrics-repo.js';
import type { Person } from '../db/repos/org-repo.js';
import { weekPeriods, type PeriodPair } from '../domain/periods.js';
import { meFigures, type MeFigures } from './summary.js';
import { UserFacingError } from '../errors.js';
import { meBlocks, unknownCallerBlocks } from './me-blocks.js';
import { code } from '../slack/blocks.js';
import { resolveCaller } from '../slack/caller.js';
import type { SlackMessage, Subcommand } from '../slack/subcommand.js';

export interface MeGather {
  pair: PeriodPair;
  figures: MeFigures;
  alerts: OpenLoopAlert[];
}

const ALERTS_READ = 20;

export function gatherMe(deps: Pick<Deps, 'db' | 'config'>, person: Person, now: number): MeGather {
  const m = metricsRepo(deps.db);
  const pair = weekPeriods(now, deps.config.timezone);
  const { current: c, previous: p } = pair;
  const alerts = m.personOpenAlerts(person.id, ALERTS_READ);
  const figures = meFigures({
    spend: m.personSpend(person.id, c.from, c.to),
    previousSpend: m.personSpend(person.id, p.from, p.to),
    stories: m.personStoriesDone(person.id, c.startMs, c.endMs),
    previousStories: m.personStoriesDone(person.id, p.startMs, p.endMs),
    sessions: m.personSessions(person.id, c.startMs, c.endMs),
    waste: m.personWaste(person.id, c.startMs, c.endMs),
    models: m.personSpendByModel(person.id, c.from, c.to),
    openAlerts: alerts.length,
  });
  return { pair, figures, alerts };
}

export function meCommand(): Subcommand {
  return {
    name: 'me',
    async run(ctx): Promise<SlackMessage> {
      if (ctx.args.length > 0) {
        throw new UserFacingError(
          `\`me\` takes no arguments: it always shows your own last 7 days. For a team, try ${code('/aispend summary <team>')}.`,
        );
      }
      const caller = await resolveCaller(ctx);
      if (!caller.person) return unknownCallerBlocks(ctx.userId);
      const now = ctx.deps.clock.now();
      const g = gatherMe(ctx.deps, caller.person, now);
      return meBlocks({
        figures: g.figures,
        pair: g.pair,
        timezone: ctx.deps.config.timezone,
        email: caller.person.email,
        teamName: caller.team?.name ?? null,
        alerts: g.alerts,
        now,
      });
    },
  };
}
