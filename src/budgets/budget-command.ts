// `/aispend budget [team]` and `/aispend budget history [team]`.
import { budgetStatus } from './budget-numbers.js';
import { approvalPermalink } from './requests.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { budgetHistoryMessage, budgetStatusMessage, type PendingLink } from './budget-blocks.js';
import { resolveCaller, teamFor } from '../slack/caller.js';
import type { Subcommand } from '../slack/subcommand.js';

const HISTORY_LIMIT = 25;
const PENDING_LINKS = 10;

export function budgetCommand(): Subcommand {
  return {
    name: 'budget',
    async run(ctx) {
      const { deps } = ctx;
      const args = [...ctx.args];
      const history = args[0]?.toLowerCase() === 'history';
      if (history) args.shift();
      const caller = await resolveCaller(ctx);
      const team = teamFor(ctx, caller, args.join(' ') || undefined);
      const tz = deps.config.timezone;
      if (history) {
        return budgetHistoryMessage(team.name, auditRepo(deps.db).forTeam(team.id, HISTORY_LIMIT), { tz, limit: HISTORY_LIMIT });
      }
      const status = budgetStatus(deps, team, deps.clock.now());
      const pending: PendingLink[] = [];
      for (const r of status.pending.slice(0, PENDING_LINKS)) {
        const url = r.channel_id ? await approvalPermalink(deps, r.channel_id, r.message_ts ?? undefined) : undefined;
        pending.push({ id: r.id, amountUsd: r.amount_usd, requester: r.requester_slack_id, url, channelId: r.channel_id });
      }
      return budgetStatusMessage(status, pending, { tz });
    },
  };
}
