// `/aispend quality [team] [week|month]`: how the period's work held up, AI-assisted beside the rest,
// for a team (default the caller's own; admins may name any team or `org`). Words in any order.
import { orgRepo } from '../db/repos/org-repo.js';
import { PERIOD_ALIASES, monthPeriods, weekPeriods } from '../domain/periods.js';
import { ForbiddenError, UserFacingError } from '../errors.js';
import { code } from '../slack/blocks.js';
import { resolveCaller, teamFor, type Caller } from '../slack/caller.js';
import { escapeMrkdwn } from '../slack/format.js';
import { didYouMean } from '../slack/parse.js';
import type { CommandContext, SlackMessage, Subcommand } from '../slack/subcommand.js';
import type { QualityScope } from './quality-service.js';
import { gatherQualityDetail } from './quality-service.js';
import { qualityBlocks } from './quality-blocks.js';
import { dayRange, periodTitle } from './quality-words.js';

export type QualityPeriodKind = 'week' | 'month';
const KINDS: readonly QualityPeriodKind[] = ['week', 'month'];
const ORG_WORDS = ['org', 'all'];
const EXAMPLE = '/aispend quality platform month';

export interface QualityArgs {
  team?: string;
  kind: QualityPeriodKind;
  extra: string[];
}

/** one team and one period, in any order; `team:<name>` for a team named like a period */
export function parseQualityArgs(words: readonly string[]): QualityArgs {
  let kind: QualityPeriodKind | undefined;
  const rest: string[] = [];
  const extra: string[] = [];
  for (const raw of words) {
    const w = raw.toLowerCase();
    const period = PERIOD_ALIASES[w] ?? w;
    if (period === 'sprint') {
      throw new UserFacingError(
        `Quality covers a week or a month: reverts and reopens need their 14 days. Try ${code('/aispend quality month')}.`,
      );
    }
    if ((KINDS as readonly string[]).includes(period)) {
      if (kind === undefined) kind = period as QualityPeriodKind;
      else extra.push(raw);
      continue;
    }
    const name = w.startsWith('team:') ? raw.slice(5) : raw;
    if (name) rest.push(name);
  }
  const [team, ...others] = rest;
  return { team, kind: kind ?? 'week', extra: [...others, ...extra] };
}

/** the team (or, for admins, the org) asked about */
function scopeFor(ctx: Pick<CommandContext, 'deps'>, caller: Caller, word: string | undefined): { scope: QualityScope; name: string } {
  if (word && !orgRepo(ctx.deps.db).teamByName(word)) {
    if (ORG_WORDS.includes(word.toLowerCase())) {
      if (!caller.isAdmin) throw new ForbiddenError('The whole-org view is for aispend admins. You can see your own team: leave the team out.');
      return { scope: 'org', name: 'Whole org' };
    }
    const guess = didYouMean(word.toLowerCase(), [...KINDS]);
    if (guess) {
      throw new UserFacingError(`\`${escapeMrkdwn(word.slice(0, 40))}\` is not a team or a period. Did you mean \`${guess}\`? Example: ${code(EXAMPLE)}`);
    }
  }
  if (!word && !caller.team && caller.isAdmin) return { scope: 'org', name: 'Whole org' };
  const team = teamFor(ctx, caller, word);
  return { scope: team.id, name: team.name };
}

export function qualityCommand(): Subcommand {
  return {
    name: 'quality',
    async run(ctx): Promise<SlackMessage> {
      const args = parseQualityArgs(ctx.args);
      if (args.extra.length > 0) {
        throw new UserFacingError(
          `I can take one team and one period, but got \`${escapeMrkdwn(ctx.args.join(' ').slice(0, 80))}\`. ` +
            `Example: ${code(EXAMPLE)} (words in any order; team defaults to yours, period to the last 7 days).`,
        );
      }
      const caller = await resolveCaller(ctx);
      const choice = scopeFor(ctx, caller, args.team);
      const now = ctx.deps.clock.now();
      const tz = ctx.deps.config.timezone;
      const pair = args.kind === 'month' ? monthPeriods(now, tz) : weekPeriods(now, tz);
      const detail = gatherQualityDetail(ctx.deps, choice.scope, pair.current, now);
      return qualityBlocks({
        scopeName: choice.name,
        periodTitle: periodTitle(args.kind, pair.current.from),
        range: dayRange(pair.current.from, pair.current.to),
        timezone: tz,
        detail,
      });
    },
  };
}
