// Queries: `/aispend summary`, `me`, `models`, the admin words team / link / map / unpriced, and the
// App Home dashboard. Everything here reads rollups and indexed tables (no usage_records scans).
import type { Feature } from '../feature.js';
import { linkAdminHandler } from '../slack/commands/admin/link.js';
import { mapAdminHandler } from '../slack/commands/admin/map.js';
import { planAdminHandler } from '../slack/commands/admin/plan.js';
import { reconcileAdminHandler } from '../slack/commands/admin/reconcile.js';
import { teamAdminHandler } from '../slack/commands/admin/team.js';
import { unpricedAdminHandler } from '../slack/commands/admin/unpriced.js';
import { meCommand } from '../slack/commands/me.js';
import { modelsCommand } from '../slack/commands/models.js';
import { summaryCommand } from '../slack/commands/summary.js';
import { registerAppHome } from '../slack/events/app-home.js';

export const queriesFeature: Feature = {
  name: 'queries',
  subcommands: () => [summaryCommand(), meCommand(), modelsCommand()],
  adminHandlers: () => [
    teamAdminHandler(),
    linkAdminHandler(),
    mapAdminHandler(),
    planAdminHandler(),
    reconcileAdminHandler(),
    unpricedAdminHandler(),
  ],
  listeners: (app, deps) => registerAppHome(app, deps),
};
