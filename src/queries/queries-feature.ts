// Queries: `/aispend summary`, `me`, `models`, and the App Home dashboard. Everything here reads
// rollups and indexed tables (no usage_records scans).
import type { Feature } from '../feature.js';
import { registerAppHome } from './app-home.js';
import { meCommand } from './me-command.js';
import { modelsCommand } from './models-command.js';
import { summaryCommand } from './summary-command.js';
import { publishHome } from './query-service.js';

export const queriesFeature: Feature = {
  name: 'queries',
  subcommands: () => [summaryCommand(), meCommand(), modelsCommand()],
  listeners: (app, deps) => registerAppHome(app, deps),
  init(deps) {
    // a press on the Home handled by another feature (a long-task request decided there) publishes it again
    deps.refreshHome = async (userId, notice) => {
      if (deps.slack) await publishHome(deps, deps.slack, userId, notice);
    };
  },
};
