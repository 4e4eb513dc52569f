// `/aispend models [team]`: the model mix of the last 30 days and the savings cheaper routing would
// have brought, from the team rollups (fit columns) only.
import { metricsRepo } from '../db/repos/metrics-repo.js';
import { fitAlternative } from '../domain/pricing.js';
import { modelMix } from './summary.js';
import { ratio } from '../domain/ratios.js';
import { addDays, localDay, periodOfDays } from '../domain/time.js';
import { UserFacingError } from '../errors.js';
import { escapeMrkdwn } from '../slack/format.js';
import { modelsBlocks } from './models-blocks.js';
import { code } from '../slack/blocks.js';
import { resolveCaller } from '../slack/caller.js';
import { scopeFor } from './query-service.js';
import type { SlackMessage, Subcommand } from '../slack/subcommand.js';

export const MODELS_DAYS = 30;

/** the last 30 local days (today included) and the 30 before */
export function modelsPeriods(now: number, tz: string) {
  const tomorrow = addDays(localDay(now, tz), 1);
  return {
    current: periodOfDays(addDays(tomorrow, -MODELS_DAYS), tomorrow, tz),
    previous: periodOfDays(addDays(tomorrow, -2 * MODELS_DAYS), addDays(tomorrow, -MODELS_DAYS), tz),
  };
}

export function modelsCommand(): Subcommand {
  return {
    name: 'models',
    async run(ctx): Promise<SlackMessage> {
      if (ctx.args.length > 1) {
        throw new UserFacingError(
          `\`models\` takes at most one team, but got \`${escapeMrkdwn(ctx.args.join(' ').slice(0, 80))}\`. Example: ${code('/aispend models platform')}`,
        );
      }
      const caller = await resolveCaller(ctx);
      const choice = scopeFor(ctx, caller, ctx.args[0], '/aispend models platform');
      const { deps } = ctx;
      const now = deps.clock.now();
      const pair = modelsPeriods(now, deps.config.timezone);
      const m = metricsRepo(deps.db);
      const mix = modelMix(m.spendByModel(choice.scope, pair.current.from, pair.current.to), (model) => fitAlternative(model)?.model);
      const previousTotalUsd = m.spend(choice.scope, pair.previous.from, pair.previous.to).costUsd;
      const stories = m.storiesDone(choice.scope, pair.current.startMs, pair.current.endMs).stories;
      return modelsBlocks({
        scopeName: choice.name,
        current: pair.current,
        previous: pair.previous,
        mix,
        previousTotalUsd,
        stories,
        costPerStory: ratio(mix.totalUsd, stories),
        timezone: deps.config.timezone,
      });
    },
  };
}
