// `/aispend sessions [looping] [me|team]`: recent agent sessions of the caller's team (or their own,
// or a named team they may see), with spend, commits, status and loop alert badges. Private answer.
import type { Deps } from '../deps.js';
import { loopRepo, type SessionListRow } from '../db/repos/loop-repo.js';
import type { Team } from '../db/repos/org-repo.js';
import { UserFacingError } from '../errors.js';
import { MAX_LISTED_SESSIONS, noSessionsMessage, sessionListItem, sessionsListMessage } from './sessions-blocks.js';
import { resolveCaller, teamFor } from '../slack/caller.js';
import type { SlackMessage, Subcommand } from '../slack/subcommand.js';

export const RECENT_DAYS = 7;
const DAY_MS = 86_400_000;

function message(
  rows: SessionListRow[],
  opts: { scope: string; looping: boolean; now: number; hint?: string; everHad: () => boolean },
): SlackMessage {
  if (rows.length > 0) {
    return sessionsListMessage({
      scope: opts.scope,
      looping: opts.looping,
      days: RECENT_DAYS,
      items: rows.map((r) => sessionListItem(r, opts.now)),
      hint: opts.hint,
    });
  }
  if (!opts.looping && opts.everHad()) {
    const text = `No agent sessions for ${opts.scope} in the last ${RECENT_DAYS} days.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: [text, opts.hint].filter(Boolean).join('\n') } }] };
  }
  return noSessionsMessage({ scope: opts.scope, looping: opts.looping, hint: opts.hint });
}

/** A team's sessions (recent, or only looping ones); also used by the digest's "See sessions" button. */
export function teamSessionsMessage(deps: Pick<Deps, 'db'>, team: Pick<Team, 'id' | 'name'>, now: number, looping: boolean): SlackMessage {
  const repo = loopRepo(deps.db);
  const rows = looping
    ? repo.loopingForTeam(team.id, MAX_LISTED_SESSIONS)
    : repo.recentForTeam(team.id, now - RECENT_DAYS * DAY_MS, MAX_LISTED_SESSIONS);
  return message(rows, {
    scope: `team ${team.name}`,
    looping,
    now,
    everHad: () => repo.recentForTeam(team.id, 0, 1).length > 0,
  });
}

const USAGE = 'Usage: `/aispend sessions [looping] [me|team]`, e.g. `/aispend sessions looping`.';

export function sessionsSubcommand(): Subcommand {
  return {
    name: 'sessions',
    async run(ctx) {
      let looping = false;
      let mine = false;
      let teamName: string | undefined;
      for (const word of ctx.args) {
        const w = word.toLowerCase();
        if (w === 'looping' || w === 'loops') looping = true;
        else if (w === 'me' || w === 'mine') mine = true;
        else if (teamName === undefined) teamName = word;
        else throw new UserFacingError(`I don't understand "${word.slice(0, 40)}". ${USAGE}`);
      }
      if (mine && teamName !== undefined) throw new UserFacingError(`Pick \`me\` or a team, not both. ${USAGE}`);
      const caller = await resolveCaller(ctx);
      const now = ctx.deps.clock.now();
      const repo = loopRepo(ctx.deps.db);

      if (mine || (teamName === undefined && !caller.team)) {
        const hint = mine
          ? undefined
          : "You're not on a team yet, so these are your own sessions. Ask an admin to add you: `/aispend admin team add <team> <@you>`.";
        const person = caller.person;
        if (!person) {
          return noSessionsMessage({
            scope: 'you',
            looping,
            hint:
              "I can't match you to any telemetry yet: Slack didn't give me your email. " +
              'Ask an admin to link you: `/aispend admin link <@you> <email>`.',
          });
        }
        const rows = looping
          ? repo.loopingForPerson(person.id, MAX_LISTED_SESSIONS)
          : repo.recentForPerson(person.id, now - RECENT_DAYS * DAY_MS, MAX_LISTED_SESSIONS);
        return message(rows, {
          scope: 'you',
          looping,
          now,
          hint,
          everHad: () => repo.recentForPerson(person.id, 0, 1).length > 0,
        });
      }
      const team = teamFor(ctx, caller, teamName);
      return teamSessionsMessage(ctx.deps, team, now, looping);
    },
  };
}
