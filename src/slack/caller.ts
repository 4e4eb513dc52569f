// Who is asking, their team, and which teams they may see. Shared by every subcommand.
import { orgRepo, type Person, type Team } from '../db/repos/org-repo.js';
import { ForbiddenError, UserFacingError } from '../errors.js';
import type { CommandContext } from './subcommand.js';

export interface Caller {
  slackUserId: string;
  person?: Person;
  team?: Team;
  isAdmin: boolean;
  /** teams where the caller is an approver */
  approverOf: Team[];
}

/**
 * Finds the caller's person record; the first time, asks Slack for their email (users:read.email)
 * so that usage reported by email is theirs.
 */
export async function resolveCaller(ctx: Pick<CommandContext, 'deps' | 'userId' | 'isAdmin' | 'client'>): Promise<Caller> {
  const org = orgRepo(ctx.deps.db);
  let person = org.personBySlack(ctx.userId);
  if (!person) {
    try {
      const info = await ctx.client.users.info({ user: ctx.userId });
      const email = info.user?.profile?.email;
      const name = info.user?.real_name ?? info.user?.name;
      if (email) person = org.ensurePersonBySlack(ctx.userId, ctx.deps.clock.now(), email, name);
    } catch (e) {
      ctx.deps.logger.warn('users.info failed; caller unknown', { user: ctx.userId, err: e });
    }
  }
  const team = person?.team_id != null ? org.teamById(person.team_id) : undefined;
  return { slackUserId: ctx.userId, person, team, isAdmin: ctx.isAdmin, approverOf: org.teamsApprovedBy(ctx.userId) };
}

export function canSeeTeam(caller: Caller, team: Team): boolean {
  return caller.isAdmin || caller.team?.id === team.id || caller.approverOf.some((t) => t.id === team.id);
}

/**
 * The team a subcommand is about: the named one (admins and that team's approvers may look at any;
 * members at their own), else the caller's own team.
 */
export function teamFor(ctx: Pick<CommandContext, 'deps'>, caller: Caller, name: string | undefined): Team {
  const org = orgRepo(ctx.deps.db);
  if (name) {
    const team = org.teamByName(name);
    if (!team) {
      const known = org.teams().map((t) => t.name);
      throw new UserFacingError(
        `There is no team called "${name.slice(0, 60)}".` +
          (known.length ? ` Teams: ${known.slice(0, 20).join(', ')}.` : ' No teams exist yet: an admin creates them with `/aispend admin team create <name> <#channel>`.'),
      );
    }
    if (!canSeeTeam(caller, team)) {
      throw new ForbiddenError(
        `You can see your own team's figures; ${team.name}'s details need admin or approver rights for ${team.name}.`,
      );
    }
    return team;
  }
  if (caller.team) return caller.team;
  throw new UserFacingError(
    "You're not on a team yet, so I don't know which figures to show. Name a team (for example `/aispend summary platform`), " +
      'or ask an admin to add you: `/aispend admin team add <team> <@you>`.',
  );
}
