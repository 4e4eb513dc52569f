// What the digest's *See sessions* button shows, and to whom: the team's recent agent sessions, for
// its members, its approvers and admins only.
import type { Deps } from '../deps.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { teamSessionsMessage } from '../loops/index.js';
import { canSeeTeam, type Caller } from '../slack/caller.js';

export function sessionsForDigestButton(deps: Pick<Deps, 'db' | 'config'>, caller: Caller, teamId: number | undefined, now: number): { text: string; blocks?: unknown[] } {
  const team = teamId !== undefined ? orgRepo(deps.db).teamById(teamId) : undefined;
  if (!team) return { text: 'That team no longer exists in aispend.' };
  if (!canSeeTeam(caller, team)) {
    return { text: `${team.name}'s sessions are visible to its members, its approvers and admins. Your own: \`/aispend sessions me\`.` };
  }
  return teamSessionsMessage(deps, team, now, false);
}
