// `/aispend request <amount> <reason…> [team:<name>]` and `/aispend request cancel <id>`.
import { cancel } from './decisions.js';
import { planRequest, submitWithConfirmation } from './requests.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { UserFacingError } from '../errors.js';
import { drainOutbox } from '../slack/outbox.js';
import { resolveCaller } from '../slack/caller.js';
import { parseAmount } from '../slack/parse.js';
import type { CommandContext, Subcommand } from '../slack/subcommand.js';

const USAGE =
  'Ask like this: `/aispend request <amount> <reason…>`, for example `/aispend request 500 finish the search migration this sprint`. ' +
  'Add `team:<name>` to ask for another team you are on; `/aispend request cancel <id>` withdraws a pending request.';

/** Slack sends &, < and > as entities in command text */
function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

async function cancelRequest(ctx: CommandContext, idWord: string | undefined) {
  const id = Number((idWord ?? '').replace(/^#/, ''));
  if (!Number.isInteger(id) || id <= 0) throw new UserFacingError('Say which request to cancel: `/aispend request cancel <id>` (the id is in the request message, e.g. #12).');
  const result = cancel(ctx.deps, { requestId: id, actor: ctx.userId });
  if (!result.ok) throw new UserFacingError(result.message);
  await drainOutbox(ctx.deps);
  return { text: `Request #${id} is cancelled. The approvers' message shows it.` };
}

export function requestCommand(): Subcommand {
  return {
    name: 'request',
    async run(ctx) {
      const { deps } = ctx;
      if (ctx.args[0]?.toLowerCase() === 'cancel') return cancelRequest(ctx, ctx.args[1]);
      let teamName: string | undefined;
      const words: string[] = [];
      for (const w of ctx.args) {
        const m = /^team:(.+)$/i.exec(w);
        if (m) teamName = m[1];
        else words.push(w);
      }
      if (words.length === 0) throw new UserFacingError(USAGE);
      const amount = parseAmount(words[0]!);
      if (amount === undefined) throw new UserFacingError(`I couldn't read "${words[0]!.slice(0, 20)}" as an amount. ${USAGE}`);
      const reason = unescapeSlack(words.slice(1).join(' '));

      const caller = await resolveCaller(ctx);
      let team: Team | undefined;
      if (teamName) {
        team = orgRepo(deps.db).teamByName(teamName);
        if (!team) {
          const known = orgRepo(deps.db).teams().map((t) => t.name);
          throw new UserFacingError(`There is no team called "${teamName.slice(0, 60)}".${known.length ? ` Teams: ${known.slice(0, 20).join(', ')}.` : ''}`);
        }
      } else {
        team = caller.team;
        if (!team) {
          throw new UserFacingError(
            "You're not on a team yet, so I don't know whose budget to raise. Add `team:<name>`, or ask an admin to add you: `/aispend admin team add <team> <@you>`.",
          );
        }
      }
      const plan = planRequest(deps, { teamId: team.id, requester: ctx.userId, isAdmin: ctx.isAdmin, amountUsd: amount, reason });
      return (await submitWithConfirmation(deps, plan)).message;
    },
  };
}
