// Operations: what an admin needs to run aispend for an org. Retention (at start and daily) and
// GET /metrics live here; `npx aispend backup` and `doctor` are in this folder too (src/cli calls them).
import type { Feature } from '../feature.js';
import { registerGauges } from './gauges.js';
import { metricsRoute } from './metrics-route.js';
import { runRetention } from './retention.js';

export const operationsFeature: Feature = {
  name: 'operations',
  routes: () => [metricsRoute()],
  init: (deps) => registerGauges(deps),
  jobs: (deps) => [
    {
      name: 'retention',
      cron: '23 3 * * *',
      // a database restored from an old backup, or a lowered RETENTION_DAYS, is trimmed at once
      runOnStart: true,
      run: async (now, signal) => {
        await runRetention(deps, now, { signal });
      },
    },
  ],
};
