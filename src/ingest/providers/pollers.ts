// Runs every enabled provider poller (each enabled by its admin key), then recomputes the counting
// rule's adjustments for the days they touched and runs the after-ingest hooks. One poller failing
// does not stop the others; what it stored before failing is kept and reconciled.
import type { Deps } from '../../deps.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { usageRepo } from '../../db/repos/usage-repo.js';
import { DAY_MS } from '../../domain/reconciliation.js';
import { runAfterIngest } from '../after-ingest.js';
import { anthropicCostPoller } from './anthropic-cost.js';
import { anthropicUsagePoller } from './anthropic-usage.js';
import { claudeCodeAnalyticsPoller } from './claude-code-analytics.js';
import type { Sleep } from './http.js';
import { openaiCostsPoller } from './openai-costs.js';
import { openaiUsagePoller } from './openai-usage.js';
import { runDayPoller, runWindowPoller, type PollContext, type PollOutcome } from './poller.js';
import { reconcileDays } from '../billing/reconcile.js';

/** settings key prefix: `poller_last_success:<poller>` = when it last completed a run without error (ms) */
export const POLLER_LAST_SUCCESS = 'poller_last_success:';

export interface PollOptions {
  sleep?: Sleep;
}

/** names of the pollers the configuration enables */
export function enabledPollers(deps: Pick<Deps, 'config'>): string[] {
  const names: string[] = [];
  if (deps.config.anthropic.adminApiKey) names.push(anthropicUsagePoller.name, anthropicCostPoller.name, claudeCodeAnalyticsPoller.name);
  if (deps.config.openai.adminApiKey) names.push(openaiUsagePoller.name, openaiCostsPoller.name);
  return names;
}

export async function pollProviders(deps: Deps, now: number, opts: PollOptions = {}): Promise<PollOutcome[]> {
  const lookbackMs = deps.config.pollLookbackDays * DAY_MS;
  const backfillMs = deps.config.pollBackfillDays * DAY_MS;
  const window = { lookbackMs, backfillMs };
  const outcomes: PollOutcome[] = [];
  const ctx = (name: string): PollContext => ({ deps, now, sleep: opts.sleep, logger: deps.logger.child({ poller: name }) });
  const run = async (name: string, f: (c: PollContext) => Promise<PollOutcome>) => {
    const c = ctx(name);
    const o = await f(c);
    if (o.error) c.logger.error('provider poll failed; it resumes from the last stored page next time', { error: o.error.message, pages: o.pages });
    else {
      c.logger.info('provider poll done', { pages: o.pages, buckets: o.buckets });
      // /metrics and `aispend doctor` report it
      orgRepo(deps.db).setSetting(`${POLLER_LAST_SUCCESS}${name}`, String(now));
    }
    outcomes.push(o);
  };
  if (deps.config.anthropic.adminApiKey) {
    await run(anthropicUsagePoller.name, (c) => runWindowPoller(c, anthropicUsagePoller, window));
    await run(anthropicCostPoller.name, (c) => runWindowPoller(c, anthropicCostPoller, window));
    await run(claudeCodeAnalyticsPoller.name, (c) =>
      runDayPoller(c, claudeCodeAnalyticsPoller, { lookbackDays: deps.config.pollLookbackDays, backfillDays: deps.config.pollBackfillDays }),
    );
  }
  if (deps.config.openai.adminApiKey) {
    await run(openaiUsagePoller.name, (c) => runWindowPoller(c, openaiUsagePoller, window));
    await run(openaiCostsPoller.name, (c) => runWindowPoller(c, openaiCostsPoller, window));
  }

  const days = new Map<string, [string, string]>();
  for (const o of outcomes) for (const d of o.days) days.set(d.join('\u0000'), d);
  if (days.size > 0) {
    const writer = usageRepo(deps.db).writer();
    deps.db.transaction(() => reconcileDays({ db: deps.db, timezone: deps.config.timezone, writer }, days.values()))();
    await runAfterIngest(deps, { sessionIds: [], teamIds: [...writer.touched.teams] });
  }
  return outcomes;
}
