// `/aispend admin plan <@user|email>… subscription|api|auto`: says whether people use Claude Code
// under a subscription plan (not billed per token) or the API. The Claude Code Analytics API tells
// aispend this by itself for the people it covers; this is for everyone else (Max plans, no admin key).
import { auditRepo } from '../../db/repos/audit-repo.js';
import { orgRepo, type Person } from '../../db/repos/org-repo.js';
import { setClaudePlan, type PlanChoice } from '../billing/claude-plan.js';
import { adminDone, badArgs } from '../../slack/admin/answers.js';
import { escapeMrkdwn, usd } from '../../slack/format.js';
import type { AdminHandler } from '../../slack/admin/admin-handler.js';
import { parseTargets, who } from '../../org/team-command.js';

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
      const targets = parseTargets(args.slice(0, -1), EXAMPLE);
      const { deps } = ctx;
      const org = orgRepo(deps.db);
      const now = deps.clock.now();
      const outcome = deps.db.transaction(() => {
        const changed: Array<{ person: Person; relabelledUsd: number }> = [];
        const unknown: string[] = [];
        for (const t of targets) {
          const person = t.kind === 'email' ? org.ensurePersonByEmail(t.email, now) : org.personBySlack(t.id);
          if (!person) {
            unknown.push(t.kind === 'slack' ? `<@${t.id}>` : escapeMrkdwn(t.email));
            continue;
          }
          const r = setClaudePlan(deps, person.id, choice);
          changed.push({ person, relabelledUsd: r.relabelledUsd });
        }
        auditRepo(deps.db).record({
          actor: ctx.userId,
          action: 'person.plan',
          teamId: null,
          subject: 'people',
          details: { plan: choice, people: changed.map((c) => c.person.id), relabelled_usd: changed.reduce((s, c) => s + c.relabelledUsd, 0) },
          at: now,
        });
        return { changed, unknown };
      })();
      const names = outcome.changed.map((c) => who(c.person)).join(', ');
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
        lines.push(`Not known here yet: ${outcome.unknown.join(', ')} (run \`/aispend admin link @user <email>\` first).`);
      }
      return adminDone(lines);
    },
  };
}
