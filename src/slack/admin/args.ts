// Arguments every `/aispend admin …` word reads the same way: a team by name, and people given as
// Slack mentions or emails. A bad one is refused with what was wrong and an example; nothing changes.
import type { Deps } from '../../deps.js';
import { orgRepo, type Team } from '../../db/repos/org-repo.js';
import { escapeMrkdwn } from '../format.js';
import { isUnescapedMention, parseEmail, parseUserRef } from '../parse.js';
import { badArgs } from './answers.js';

/** a hint when a mention reached us as plain text (the command's escaping is off) */
export function mentionHint(word: string): string {
  return isUnescapedMention(word)
    ? ` \`${escapeMrkdwn(word.slice(0, 40))}\` arrived as plain text: pick the person or channel from Slack's autocomplete ` +
        '(the /aispend command must have "Escape channels, users, and links" on), or give a member ID (U…) or channel ID (C…).'
    : '';
}

/** the team named, or a refusal listing the teams there are */
export function teamArg(deps: Pick<Deps, 'db'>, name: string | undefined, example: string): Team {
  if (!name) throw badArgs('Name the team.', example);
  const org = orgRepo(deps.db);
  const team = org.teamByName(name);
  if (!team) {
    const known = org.teams().map((t) => t.name);
    throw badArgs(
      `There is no team called \`${escapeMrkdwn(name.slice(0, 40))}\`.` +
        (known.length ? ` Teams: ${known.slice(0, 20).map(escapeMrkdwn).join(', ')}.` : ' No teams exist yet.'),
      example,
    );
  }
  return team;
}

export type Target = { kind: 'slack'; id: string } | { kind: 'email'; email: string };

/** people as Slack mentions (or member IDs) and emails; at least one */
export function peopleArgs(words: string[], example: string): Target[] {
  const targets: Target[] = [];
  const bad: string[] = [];
  for (const w of words) {
    const id = parseUserRef(w);
    if (id) {
      targets.push({ kind: 'slack', id });
      continue;
    }
    const email = parseEmail(w);
    if (email) targets.push({ kind: 'email', email });
    else bad.push(w);
  }
  if (bad.length > 0) {
    throw badArgs(
      `${bad.map((b) => `\`${escapeMrkdwn(b.slice(0, 60))}\``).join(', ')} ${bad.length === 1 ? 'is' : 'are'} neither a Slack user nor an email.` +
        mentionHint(bad[0]!),
      example,
    );
  }
  if (targets.length === 0) throw badArgs('Name at least one person: a Slack mention or an email.', example);
  return targets;
}
