// People and teams: `/aispend admin team …` (teams, members, approvers, channels) and `admin link`
// (a Slack user joined to the email and tracker identities their usage and work arrive under).
import type { Feature } from '../feature.js';
import { linkAdminHandler } from './link-command.js';
import { teamAdminHandler } from './team-command.js';

export const orgFeature: Feature = {
  name: 'org',
  adminHandlers: () => [teamAdminHandler(), linkAdminHandler()],
};
