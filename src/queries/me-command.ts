// `/aispend me`: the caller's own last 7 days (spend, sessions, delivered stories, cost per story,
// open loop alerts). Someone aispend cannot match to a person is told how to get linked.
import { UserFacingError } from '../errors.js';
import { meBlocks, unknownCallerBlocks } from './me-blocks.js';
import { code } from '../slack/blocks.js';
import { resolveCaller } from '../slack/caller.js';
import type { SlackMessage, Subcommand } from '../slack/subcommand.js';
import { gatherMe } from './query-service.js';

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
        quality: g.quality,
      });
    },
  };
}
