// `/aispend admin budget set <team> <amount|none>`: a team's monthly budget (audited). Translates the
// words into setMonthlyBudget (budget-settings.ts) and its outcome into an answer.
import { budgetStatus } from './budget-numbers.js';
import { setMonthlyBudget } from './budget-settings.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { UserFacingError } from '../errors.js';
import { monthLabel } from './budget-blocks.js';
import { percent, usd } from '../slack/format.js';
import { parseAmount } from '../slack/parse.js';
import type { AdminHandler } from '../slack/admin/admin-handler.js';

const USAGE = 'Usage: `/aispend admin budget set <team> <amount>` (for example `set platform 5k`), or `<amount>` = `none` to remove it.';
const MAX_BUDGET_USD = 1_000_000_000;

export function adminBudgetHandler(): AdminHandler {
  return {
    word: 'budget',
    async run(ctx, args) {
      const { deps } = ctx;
      if (args[0]?.toLowerCase() !== 'set' || args.length < 3) throw new UserFacingError(USAGE);
      const amountWord = args[args.length - 1]!;
      const name = args.slice(1, -1).join(' ');
      const org = orgRepo(deps.db);
      const team = org.teamByName(name);
      if (!team) {
        const known = org.teams().map((t) => t.name);
        throw new UserFacingError(
          `There is no team called "${name.slice(0, 60)}".` +
            (known.length ? ` Teams: ${known.slice(0, 20).join(', ')}.` : ' Create it first: `/aispend admin team create <name> <#channel>`.'),
        );
      }
      let amount: number | null;
      if (/^(none|off|clear|remove)$/i.test(amountWord)) amount = null;
      else {
        const parsed = parseAmount(amountWord);
        if (parsed === undefined || parsed <= 0 || parsed > MAX_BUDGET_USD) {
          throw new UserFacingError(`"${amountWord.slice(0, 20)}" is not a monthly budget: give a positive amount such as 5000, $5,000 or 5k. ${USAGE}`);
        }
        amount = parsed;
      }
      const before = await setMonthlyBudget(deps, ctx.userId, team, amount);
      const status = budgetStatus(deps, org.teamById(team.id)!, deps.clock.now());
      const was = before === null ? 'none' : usd(before);
      const line =
        amount === null
          ? `Removed ${team.name}'s monthly budget (was ${was}).`
          : `${team.name}'s monthly budget is now ${usd(amount)} (was ${was}).`;
      const month =
        status.budgetUsd === null
          ? `${monthLabel(status.month)} so far: ${usd(status.spentUsd)}.`
          : `${monthLabel(status.month)} so far: ${usd(status.spentUsd)} of ${usd(status.budgetUsd)} (${percent(status.used)})` +
            (status.increasesUsd > 0 ? `, including ${usd(status.increasesUsd)} of approved increases.` : '.');
      return { text: `${line} ${month}` };
    },
  };
}
