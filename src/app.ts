// Composition root: builds Deps, the Bolt app, the HTTP server with every route, and the scheduler.
import { App, HTTPReceiver, LogLevel, type webApi } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Deps } from './deps.js';
import type { Feature, ScheduledJob } from './feature.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { healthRoute } from './http/health.js';
import type { Logger } from './logger.js';
import { startScheduler, type Scheduler } from './scheduler.js';
import { outboxJob } from './slack/outbox-job.js';
import { registerAispendCommand } from './slack/aispend.js';
import { adminCommand } from './slack/admin/admin-command.js';
import { outboxRepo } from './db/repos/outbox-repo.js';
import { afterIngestRepo } from './db/repos/after-ingest-repo.js';
import { afterIngestIdle, kickAfterIngest } from './ingest/index.js';
import { slackClientOptions, slackSenderClient } from './slack/client.js';
import { slackFailure } from './slack/slack-errors.js';
import { outboxIdle } from './slack/outbox.js';
import { features as allFeatures } from './features.js';
import { createMetrics } from './metrics.js';

/** how long a stop waits for background work (after-ingest, outbox sends) to finish */
const STOP_WAIT_MS = 2_000;

export interface AppOptions {
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  features?: Feature[];
  /** tests: do not start cron schedules (jobs are called directly with an injected clock) */
  schedule?: boolean;
}

export interface RunningApp {
  deps: Deps;
  bolt: App;
  http: HttpServer;
  port: number;
  /** ports of the features' own servers, by name (e.g. otlp-grpc) */
  ports: Record<string, number>;
  jobs: ScheduledJob[];
  stop(): Promise<void>;
}

/** a start-up check against Slack failed: the message says what to do (main.ts prints it alone) */
export class SlackStartupError extends Error {
  override name = 'SlackStartupError';
}

/** Slack answered, and did not accept the token */
export class SlackAuthError extends SlackStartupError {
  constructor(reason: string, tokenVar = 'SLACK_BOT_TOKEN') {
    super(
      tokenVar === 'SLACK_BOT_TOKEN'
        ? `Slack rejected SLACK_BOT_TOKEN (${reason}). Check the Bot User OAuth Token under OAuth & Permissions, ` +
            'and that the app is installed to the workspace.'
        : `Slack rejected ${tokenVar} (${reason}). Check the App-Level Token under Basic Information (scope connections:write).`,
    );
  }
}

/** Slack could not be reached at all (network, proxy, DNS, a wrong SLACK_API_URL): the token was never tried */
export class SlackUnreachableError extends SlackStartupError {
  constructor(readonly apiUrl: string, readonly reason: string) {
    super(`Cannot reach Slack at ${apiUrl}: ${reason}. The token was not tried; check the network, the proxy, or SLACK_API_URL.`);
  }
}

/** start-up's error for a failed call to Slack, told apart as "unreachable" or "rejected" */
function startupSlackError(e: unknown, apiUrl: string, tokenVar: string): Error {
  const f = slackFailure(e);
  if (f.kind === 'unreachable') return new SlackUnreachableError(apiUrl, f.reason);
  if (f.kind === 'rejected') return new SlackAuthError(f.error, tokenVar);
  return new SlackStartupError(`Slack answered the start-up check with an error (${f.error}); try again shortly (status.slack.com).`);
}

function boltLogger(logger: Logger) {
  const l = logger.child({ component: 'bolt' });
  const fmt = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m: unknown[]) => l.debug(fmt(m)),
    info: (...m: unknown[]) => l.info(fmt(m)),
    warn: (...m: unknown[]) => l.warn(fmt(m)),
    error: (...m: unknown[]) => l.error(fmt(m)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export async function buildApp(opts: AppOptions): Promise<RunningApp> {
  const { config, db, logger, clock } = opts;
  const features = opts.features ?? allFeatures;
  const clientOptions: webApi.WebClientOptions = slackClientOptions(config);
  let receiver: HTTPReceiver | undefined;
  let bolt: App;
  const common = {
    token: config.slack.botToken,
    clientOptions,
    deferInitialization: true,
    logger: boltLogger(logger),
  };
  if (config.slack.socketMode) {
    bolt = new App({ ...common, socketMode: true, appToken: config.slack.appToken });
  } else {
    receiver = new HTTPReceiver({
      signingSecret: config.slack.signingSecret ?? '',
      endpoints: ['/slack/events'],
      logger: boltLogger(logger),
      unhandledRequestTimeoutMillis: 3_001,
    });
    bolt = new App({ ...common, receiver });
  }
  try {
    await bolt.init();
  } catch (e) {
    throw startupSlackError(e, config.slack.apiUrl, 'SLACK_BOT_TOKEN');
  }

  const deps: Deps = {
    db,
    config,
    logger,
    clock,
    slack: bolt.client,
    slackSender: slackSenderClient(config),
    afterIngest: [],
    metrics: createMetrics(),
  };
  for (const f of features) f.init?.(deps);

  bolt.error(async (err) => {
    logger.error('slack listener failed', { err: err as unknown });
  });
  registerAispendCommand(bolt, deps, [
    ...features.flatMap((f) => f.subcommands?.(deps) ?? []),
    adminCommand(features.flatMap((f) => f.adminHandlers?.(deps) ?? [])),
  ]);
  for (const f of features) f.listeners?.(bolt, deps);

  const routes = [healthRoute(), ...features.flatMap((f) => f.routes?.(deps) ?? [])];
  const http = createHttpServer(deps, routes, receiver?.requestListener);
  const port = await http.listen(config.port);
  const servers = features.flatMap((f) => f.servers?.(deps) ?? []);
  const ports: Record<string, number> = {};
  try {
    for (const s of servers) ports[s.name] = await s.start();
  } catch (e) {
    await Promise.all([http.close(), ...servers.map((s) => s.stop())]);
    throw e;
  }
  if (config.slack.socketMode) {
    try {
      await bolt.start();
    } catch (e) {
      await Promise.all([http.close(), ...servers.map((s) => s.stop())]);
      throw startupSlackError(e, config.slack.apiUrl, 'SLACK_APP_TOKEN');
    }
  }

  // sends interrupted by a crash or stop are retried, after a check that they did not arrive
  const recovered = outboxRepo(db).recoverInterrupted();
  if (recovered > 0) logger.warn('outbox: resuming interrupted sends', { count: recovered });
  // after-ingest work a crash or stop left recorded but not run
  const leftover = afterIngestRepo(db).count();
  if (leftover > 0) {
    logger.info('after-ingest: resuming recorded work', { items: leftover });
    kickAfterIngest(deps);
  }

  const jobs = [outboxJob(deps), ...features.flatMap((f) => f.jobs?.(deps) ?? [])];
  let scheduler: Scheduler | undefined;
  if (opts.schedule !== false) scheduler = startScheduler(jobs, { timezone: config.timezone, logger, clock });

  let stopped: Promise<void> | undefined;
  return {
    deps,
    bolt,
    http,
    port,
    ports,
    jobs,
    stop() {
      stopped ??= (async () => {
        await Promise.all([http.close(), ...servers.map((s) => s.stop())]);
        await scheduler?.stop();
        // background work finishes what it has in hand, but a hanging Slack does not hold the stop:
        // what is left stays recorded (after-ingest queue, outbox) for the next start
        await Promise.race([
          Promise.all([afterIngestIdle(deps), outboxIdle(deps)]),
          new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
        ]);
        if (config.slack.socketMode) await bolt.stop().catch(() => undefined);
      })();
      return stopped;
    },
  };
}
