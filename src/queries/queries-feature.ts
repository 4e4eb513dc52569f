// Queries: `/aispend summary`, `me`, `models`, the admin words team / link / map / unpriced, and the
// App Home dashboard. Everything here reads rollups and indexed tables (no usage_records scans).
import type { Feature } from '../feature.js';
import { linkAdminHandler } from '../org/link-command.js';
import { mapAdminHandler } from '../ingest/admin/map-command.js';
import { planAdminHandler } from '../ingest/admin/plan-command.js';
import { reconcileAdminHandler } from '../ingest/admin/reconcile-command.js';
import { teamAdminHandler } from '../org/team-command.js';
import { unpricedAdminHandler } from '../ingest/admin/unpriced-command.js';
import { meCommand } from './me-command.js';
import { modelsCommand } from './models-command.js';
import { summaryCommand } from './summary-command.js';
import { registerAppHome } from './app-home.js';

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
