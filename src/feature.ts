import type { App } from '@slack/bolt';
import type { Deps } from './deps.js';
import type { Route } from './http/route.js';
import type { Subcommand } from './slack/subcommand.js';
import type { AdminHandler } from './slack/admin/admin-handler.js';

export interface ScheduledJob {
  name: string;
  /** cron expression, run in AISPEND_TIMEZONE */
  cron: string;
  run(now: number): Promise<void>;
  /** also run once at start (catch-up after a restart) */
  runOnStart?: boolean;
}

/**
 * A slice of the product (usage ingest, delivery, digests, loops, queries, budgets). app.ts lists
 * them; each brings its own routes, Bolt listeners, /aispend subcommands and jobs.
 */
export interface Feature {
  name: string;
  routes?(deps: Deps): Route[];
  listeners?(app: App, deps: Deps): void;
  subcommands?(deps: Deps): Subcommand[];
  /** words of `/aispend admin …` (team, budget, link, map, loop, …) */
  adminHandlers?(deps: Deps): AdminHandler[];
  jobs?(deps: Deps): ScheduledJob[];
  /** called once the app is built (e.g. to push an afterIngest hook) */
  init?(deps: Deps): void;
}
