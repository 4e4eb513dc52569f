// Entry: load config, open the database, build and start the app, stop cleanly on SIGTERM/SIGINT.
import { buildApp, SlackStartupError } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, loadDotEnv } from './config.js';
import { startCheckpointer } from './db/checkpointer.js';
import { openDatabase, DatabaseTooNewError } from './db/open.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  loadDotEnv();
  let config;
  try {
    config = loadConfig(undefined, { requireSlack: true });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const logger = createLogger({ level: config.logLevel });
  let db;
  try {
    db = openDatabase(config.databasePath);
  } catch (e) {
    if (e instanceof DatabaseTooNewError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const checkpointer = startCheckpointer(db, { onError: (e) => logger.warn('WAL checkpoint thread stopped; SQLite checkpoints by itself', { err: e }) });
  let app;
  try {
    app = await buildApp({ config, db, logger, clock: systemClock });
  } catch (e) {
    await checkpointer.stop();
    db.close();
    if (e instanceof SlackStartupError) {
      console.error(e.message);
      process.exit(1);
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`Port ${config.port} is in use. Set PORT to a free port.`);
      process.exit(1);
    }
    throw e;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('stopping: finishing requests in flight', { signal });
    void app
      .stop()
      .then(() => checkpointer.stop())
      .then(() => {
        db.close();
        logger.info('stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error('unclean stop', { err: e });
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info('aispend is running', {
    port: app.port,
    mode: config.slack.socketMode ? 'socket' : 'http',
    database: config.databasePath,
  });

}

main().catch((e: unknown) => {
  console.error('aispend crashed at start:', e instanceof Error ? e.message : e);
  process.exit(1);
});
