// The weekly digest: the scheduled job (DIGEST_CRON, with a catch-up run at start), `/aispend digest`,
// and the digest's buttons (*Request budget increase* opens the budget request modal; *See sessions*
// answers privately with the team's recent agent sessions).
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import type { Feature } from '../feature.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { digestJob } from './digest-job.js';
import { canSeeTeam, resolveCaller } from '../slack/caller.js';
import { digestSubcommand } from './digest-command.js';
import { teamSessionsMessage } from '../loops/index.js';
import { ActionIds } from '../slack/ids.js';
import { openRequestModal } from '../budgets/index.js';

function teamIdOf(action: ButtonAction): number | undefined {
  const id = Number(action.value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

function registerDigestActions(app: App, deps: Deps): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.digestRequestIncrease, async ({ ack, body, action, client }) => {
    await ack();
    await openRequestModal(client, body.trigger_id, deps, teamIdOf(action), {
      userId: body.user.id,
      channelId: body.channel?.id,
    });
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.digestSeeSessions, async ({ ack, body, action, client, respond }) => {
    await ack();
    const privately = (text: string, blocks?: unknown[]) =>
      respond({ response_type: 'ephemeral', replace_original: false, text, blocks: blocks as never });
    const teamId = teamIdOf(action);
    const team = teamId !== undefined ? orgRepo(deps.db).teamById(teamId) : undefined;
    if (!team) {
      await privately('That team no longer exists in aispend.');
      return;
    }
    const userId = body.user.id;
    const caller = await resolveCaller({ deps, userId, isAdmin: deps.config.admins.includes(userId), client });
    if (!canSeeTeam(caller, team)) {
      await privately(
        `${team.name}'s sessions are visible to its members, its approvers and admins. Your own: \`/aispend sessions me\`.`,
      );
      return;
    }
    const message = teamSessionsMessage(deps, team, deps.clock.now(), false);
    await privately(message.text, message.blocks);
  });
}

export const digestFeature: Feature = {
  name: 'digest',
  subcommands: () => [digestSubcommand()],
  listeners: registerDigestActions,
  jobs: (deps) => [digestJob(deps)],
};
