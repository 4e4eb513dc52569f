// Usage ingest: Claude Code OTLP telemetry (POST /v1/metrics, /v1/logs), generic usage records
// (POST /ingest/usage), the provider admin API pollers (hourly by default, each enabled by its key),
// and the admin words about sources: map, plan, reconcile, unpriced.
import type { Feature, ScheduledJob } from '../feature.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { usageRepo } from '../db/repos/usage-repo.js';
import { pollProviders, enabledPollers } from './providers/pollers.js';
import { reconcileAfterUpgrade } from './billing/reconcile.js';
import { mapAdminHandler } from './admin/map-command.js';
import { planAdminHandler } from './admin/plan-command.js';
import { reconcileAdminHandler } from './admin/reconcile-command.js';
import { unpricedAdminHandler } from './admin/unpriced-command.js';
import { otlpRoutes } from './otlp/otlp-routes.js';
import { otlpGrpcServer } from './otlp/otlp-grpc.js';
import { loadOtlpProtobuf } from './otlp/otlp-protobuf.js';
import { usageRoute } from './usage/usage-route.js';

const ROLLUP_TZ = 'rollup_timezone';
/**
 * minutes with api_request events are kept this long, to match metric points without a session id
 * that arrive after their events (exporters send within minutes). Idempotency claims are kept for
 * RETENTION_DAYS instead, by the retention job (src/operations/retention.ts).
 */
const EVENT_MINUTES_MS = 7 * 86_400_000;

export const usageFeature: Feature = {
  name: 'usage',
  routes: () => [...otlpRoutes(), usageRoute()],
  servers: (deps) => {
    const grpc = otlpGrpcServer(deps);
    return grpc ? [grpc] : [];
  },
  adminHandlers: () => [mapAdminHandler(), planAdminHandler(), reconcileAdminHandler(), unpricedAdminHandler()],
  jobs(deps) {
    const maintenance: ScheduledJob = {
      name: 'usage-event-minutes-prune',
      cron: '17 3 * * *',
      run: async (now) => {
        usageRepo(deps.db).pruneEventMinutes(Math.floor((now - EVENT_MINUTES_MS) / 60_000));
      },
    };
    if (enabledPollers(deps).length === 0) return [maintenance];
    return [
      maintenance,
      {
        name: 'provider-pollers',
        cron: deps.config.pollCron,
        // after a restart, resume an interrupted poll at once
        runOnStart: true,
        run: async (now) => {
          await pollProviders(deps, now);
        },
      },
    ];
  },
  init(deps) {
    // the OTLP protobuf definitions are read once, at start, not on the first export
    loadOtlpProtobuf();
    // `day` columns are local dates in the zone they were written in: remember it, warn on a change
    const org = orgRepo(deps.db);
    const stored = org.setting(ROLLUP_TZ);
    if (stored === undefined) org.setSetting(ROLLUP_TZ, deps.config.timezone);
    else if (stored !== deps.config.timezone) {
      deps.logger.warn('AISPEND_TIMEZONE differs from the zone existing daily totals were written in; old days keep their zone', {
        stored,
        configured: deps.config.timezone,
      });
    }
    const days = reconcileAfterUpgrade(deps);
    if (days > 0) deps.logger.info('billing adjustments recomputed per UTC day after an upgrade', { days });
    if (enabledPollers(deps).length > 0) deps.logger.info('provider pollers enabled', { pollers: enabledPollers(deps) });
  },
};
