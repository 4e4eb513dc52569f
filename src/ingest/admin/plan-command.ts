// `/aispend admin plan <@user|email>… subscription|api|auto`: says whether people use Claude Code
// under a subscription plan (not billed per token) or the API. The Claude Code Analytics API tells
// aispend this by itself for the people it covers; this is for everyone else (Max plans, no admin key).
import type { PlanChoice } from '../billing/claude-plan.js';
import { setPlans } from './source-admin.js';
import { adminDone, badArgs } from '../../slack/admin/answers.js';
import { escapeMrkdwn, personLabel, usd } from '../../slack/format.js';
import type { AdminHandler } from '../../slack/admin/admin-handler.js';
import { peopleArgs } from '../../slack/admin/args.js';

const EXAMPLE = '/aispend admin plan @ana bo@example.com subscription';
const CHOICES: PlanChoice[] = ['subscription', 'api', 'auto'];

export function planAdminHandler(): AdminHandler {
  return {
    word: 'plan',
    async run(ctx, args) {
      const last = (args[args.length - 1] ?? '').toLowerCase();
      const choice = CHOICES.find((c) => c === last);
      if (!choice) {
        throw badArgs(
          'Name the people, then `subscription` (Claude Code under a Team, Enterprise or Max plan), `api` (billed per token) ' +
            'or `auto` (let the Claude Code Analytics API decide).',
          EXAMPLE,
        );
      }
      const targets = peopleArgs(args.slice(0, -1), EXAMPLE);
      const outcome = setPlans(ctx.deps, ctx.userId, targets, choice);
      const names = outcome.changed.map((c) => personLabel(c.person)).join(', ');
      const total = outcome.changed.reduce((s, c) => s + c.relabelledUsd, 0);
      const lines =
        choice === 'auto'
          ? [`The Claude Code Analytics API decides the plan of ${names || 'nobody'} from now on.`]
          : [
              choice === 'subscription'
                ? `${names || 'Nobody'}: Claude Code under a subscription plan, shown at its API list-price equivalent and never compared with the API bill.`
                : `${names || 'Nobody'}: Claude Code billed per token through the Anthropic API.`,
              total > 0 ? `${usd(total)} of their telemetry moved to ${choice === 'subscription' ? 'the subscription' : 'the Anthropic API'} figures.` : 'None of their telemetry needed to change.',
            ];
      if (outcome.unknown.length) {
        const unknown = outcome.unknown.map((t) => (t.kind === 'slack' ? `<@${t.id}>` : escapeMrkdwn(t.email)));
        lines.push(`Not known here yet: ${unknown.join(', ')} (run \`/aispend admin link @user <email>\` first).`);
      }
      return adminDone(lines);
    },
  };
}
