// `/aispend admin link <@user> <email>`: joins a Slack user and the email their AI usage and
// delivery are reported under into one person (for when Slack does not share the email).
import { auditRepo } from '../../../db/repos/audit-repo.js';
import { orgRepo } from '../../../db/repos/org-repo.js';
import { escapeMrkdwn } from '../../blocks/format.js';
import { adminDone, badArgs } from '../../blocks/admin.js';
import { code } from '../../blocks/summary.js';
import { isUnescapedMention, parseEmail, parseUserRef } from '../parse.js';
import type { AdminHandler } from './admin-handler.js';

const EXAMPLE = '/aispend admin link @ana ana@example.com';

export function linkAdminHandler(): AdminHandler {
  return {
    word: 'link',
    async run(ctx, args) {
      let user: string | undefined;
      let email: string | undefined;
      const bad: string[] = [];
      for (const w of args) {
        const id = parseUserRef(w);
        const e = id ? undefined : parseEmail(w);
        if (id && !user) user = id;
        else if (e && !email) email = e;
        else bad.push(w);
      }
      if (bad.length > 0 || !user || !email) {
        const problem = bad.length
          ? `\`${escapeMrkdwn(bad[0]!.slice(0, 60))}\` is not what I expected: give one Slack user and one email.` +
            (isUnescapedMention(bad[0]!) ? ' The mention arrived as plain text: pick the person from autocomplete or give their member ID (U…).' : '')
          : !user
            ? 'Name the Slack user to link.'
            : 'Give the email their AI usage is reported under.';
        throw badArgs(problem, EXAMPLE);
      }
      const { deps } = ctx;
      const org = orgRepo(deps.db);
      const now = deps.clock.now();
      const result = deps.db.transaction(() => {
        const byEmail = org.personByEmail(email);
        const bySlack = org.personBySlack(user);
        const person = org.linkSlackToEmail(user, email, now);
        const merged = byEmail !== undefined && bySlack !== undefined && byEmail.id !== bySlack.id;
        const previousEmail = bySlack?.email && bySlack.email !== email && !merged ? bySlack.email : undefined;
        auditRepo(deps.db).record({
          actor: ctx.userId,
          action: 'person.link',
          teamId: person.team_id,
          subject: `person:${person.id}`,
          details: { slack_user_id: user, email, merged, previous_email: previousEmail ?? null },
          at: now,
        });
        return { person, merged, previousEmail, already: bySlack !== undefined && bySlack.id === byEmail?.id };
      })();
      const team = result.person.team_id !== null ? org.teamById(result.person.team_id) : undefined;
      const lines = [
        result.already
          ? `<@${user}> was already linked to ${escapeMrkdwn(email)}.`
          : `Linked <@${user}> to ${escapeMrkdwn(email)}: usage and delivery reported under that email are theirs.`,
      ];
      if (result.merged) lines.push('Their Slack-only record was folded into the one that holds the email (and its history).');
      if (result.previousEmail) lines.push(`Their email was ${escapeMrkdwn(result.previousEmail)} before.`);
      lines.push(
        team
          ? `Team: *${escapeMrkdwn(team.name)}*.`
          : `Not on a team yet: ${code(`/aispend admin team add <team> @user`)}.`,
      );
      return adminDone(lines);
    },
  };
}
