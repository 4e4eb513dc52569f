import type { App } from '@slack/bolt';
import type { Deps } from './deps.js';
import type { Route } from './http/route.js';
import type { Subcommand } from './slack/subcommand.js';
import type { AdminHandler } from './slack/admin/admin-handler.js';
import type { ScheduledJob } from './scheduler.js';

export type { ScheduledJob };

/**
 * A slice of the product (usage and delivery ingest, people and teams, digests, loops, queries,
 * budgets). src/features.ts lists them; each brings its own routes, Bolt listeners, /aispend
 * subcommands, admin words and jobs, from its own folder.
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
  /** listeners of its own beside the HTTP port (e.g. OTLP/gRPC): started after it, stopped with it */
  servers?(deps: Deps): FeatureServer[];
}

export interface FeatureServer {
  name: string;
  /** resolves with the port it listens on */
  start(): Promise<number>;
  /** stops accepting, lets calls in flight finish (bounded), then closes */
  stop(): Promise<void>;
}
