// `/aispend admin link <@user> <email>`: joins a Slack user and the email their AI usage and
// delivery are reported under into one person (for when Slack does not share the email).
// `/aispend admin link <@user> jira:<accountId>` (or linear:<user id>, github:<login>): Jira hides
// most emails, so its people are keyed by accountId; this makes that identity (and its work) theirs.
// Translates words into calls of the org service, and its outcome into an answer.
import { movedLine } from '../ingest/index.js';
import type { IdentityKind } from '../db/repos/org-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { escapeMrkdwn } from '../slack/format.js';
import { adminDone, badArgs } from '../slack/admin/answers.js';
import { code } from '../slack/blocks.js';
import { linkEmail, linkIdentity } from './org-service.js';
import { isUnescapedMention, parseEmail, parseUserRef } from '../slack/parse.js';
import type { AdminHandler } from '../slack/admin/admin-handler.js';

const EXAMPLE = '/aispend admin link @ana ana@example.com';
const IDENTITY = /^(jira|linear|github):(\S{1,128})$/i;

export function linkAdminHandler(): AdminHandler {
  return {
    word: 'link',
    async run(ctx, args) {
      let user: string | undefined;
      let email: string | undefined;
      let identity: { kind: IdentityKind; id: string } | undefined;
      const bad: string[] = [];
      for (const w of args) {
        const id = parseUserRef(w);
        const m = id ? null : IDENTITY.exec(w);
        const e = id || m ? undefined : parseEmail(w);
        if (id && !user) user = id;
        else if (m && !identity && !email) identity = { kind: m[1]!.toLowerCase() as IdentityKind, id: m[2]! };
        else if (e && !email && !identity) email = e;
        else bad.push(w);
      }
      if (identity && user && bad.length === 0) return linkIdentityCommand(ctx, user, identity, await slackEmail(ctx, user));
      if (bad.length > 0 || !user || !email) {
        const problem = bad.length
          ? `\`${escapeMrkdwn(bad[0]!.slice(0, 60))}\` is not what I expected: give one Slack user and one email.` +
            (isUnescapedMention(bad[0]!) ? ' The mention arrived as plain text: pick the person from autocomplete or give their member ID (U…).' : '')
          : !user
            ? 'Name the Slack user to link.'
            : 'Give the email their AI usage is reported under (or a tracker identity such as `jira:<accountId>`).';
        throw badArgs(problem, EXAMPLE);
      }
      const { deps } = ctx;
      const result = linkEmail(deps, ctx.userId, user, email);
      const org = orgRepo(deps.db);
      const team = result.person.team_id !== null ? org.teamById(result.person.team_id) : undefined;
      const lines = [
        result.already
          ? `<@${user}> was already linked to ${escapeMrkdwn(email)}.`
          : `Linked <@${user}> to ${escapeMrkdwn(email)}: usage and delivery reported under that email are theirs.`,
      ];
      if (result.merged) lines.push('Their Slack-only record was folded into the one that holds the email (and its history).');
      if (result.previousEmail) lines.push(`Their email was ${escapeMrkdwn(result.previousEmail)} before.`);
      const spend = result.spend && team ? movedLine(result.spend, team.name, deps.config.timezone) : undefined;
      if (spend) lines.push(spend);
      lines.push(
        team
          ? `Team: *${escapeMrkdwn(team.name)}*.`
          : `Not on a team yet: ${code(`/aispend admin team add <team> @user`)}.`,
      );
      return adminDone(lines);
    },
  };
}

/** the email Slack shares for a user not yet known here (users:read.email), so usage by email joins them */
async function slackEmail(ctx: Parameters<AdminHandler['run']>[0], user: string): Promise<string | undefined> {
  if (orgRepo(ctx.deps.db).personBySlack(user)) return undefined;
  try {
    const info = await ctx.client.users.info({ user });
    return info.user?.profile?.email ?? undefined;
  } catch {
    return undefined;
  }
}

/** makes a tracker identity (and the work recorded under it) belong to the Slack user's person */
function linkIdentityCommand(
  ctx: Parameters<AdminHandler['run']>[0],
  user: string,
  identity: { kind: IdentityKind; id: string },
  email: string | undefined,
) {
  const result = linkIdentity(ctx.deps, ctx.userId, user, identity, email);
  const label = `${identity.kind}:${escapeMrkdwn(identity.id)}`;
  return adminDone([
    `Linked <@${user}> to ${label}: work recorded under it is theirs.`,
    result.moved
      ? 'Stories, commits and pull requests already recorded under it moved to them.'
      : result.known
        ? 'It was already theirs.'
        : 'Nothing was recorded under it yet; future deliveries will be theirs.',
  ]);
}
