// `npx aispend doctor`: checks a set-up without waiting for the first digest. It reads the same
// configuration the bot would (.env and the environment), looks at the database without migrating
// it, and calls Slack and each configured provider once, with the real clients. Safe while the bot
// runs: it writes nothing (the write check takes the lock and lets it go).
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { openExisting, type Db } from '../../db/open.js';
import { silentLogger } from '../../logger.js';
import { checkLine, fail, ok, type Check } from './checks.js';
import { databaseChecks, missingDatabaseCheck, orgChecks, pollerChecks, postingChannels, tokenChecks, webhookChecks } from './local-checks.js';
import { slackChecks } from './slack-checks.js';

export interface DoctorReport {
  checks: Check[];
  lines: string[];
  /** 0 when nothing failed, else 1 */
  exitCode: number;
}

function report(checks: Check[]): DoctorReport {
  return { checks, lines: checks.map(checkLine), exitCode: checks.some((c) => c.status === 'fail') ? 1 : 0 };
}

function configCheck(config: Config, dotenv: boolean | undefined): Check {
  const mode = config.slack.socketMode ? 'Socket Mode' : `HTTP mode, Slack requests at :${config.port}/slack/events`;
  const from = dotenv === undefined ? '' : dotenv ? '.env read; ' : 'no .env here, the environment only; ';
  return ok('Configuration', `${from}${mode}; AISPEND_TIMEZONE ${config.timezone}; RETENTION_DAYS ${config.retentionDays}`);
}

/** a configuration problem ("X is missing: where to find it") as a check with its fix */
function problemCheck(problem: string): Check {
  const at = problem.indexOf(': ');
  if (at < 0) return fail('Configuration', problem, 'correct it in .env (.env.example says what each variable takes)');
  return fail('Configuration', problem.slice(0, at), `put it in .env (where to find it: ${problem.slice(at + 2)})`);
}

export async function runDoctor(env: NodeJS.ProcessEnv, now: number, opts: { dotenvLoaded?: boolean } = {}): Promise<DoctorReport> {
  let config: Config;
  try {
    config = loadConfig(env, { requireSlack: true });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return report(e.problems.map(problemCheck));
  }
  const checks: Check[] = [configCheck(config, opts.dotenvLoaded)];

  let db: Db | undefined;
  if (!existsSync(config.databasePath)) checks.push(missingDatabaseCheck(config));
  else {
    try {
      db = openExisting(config.databasePath);
      checks.push(...databaseChecks(config, db, now));
    } catch (e) {
      checks.push(fail('Database', `${config.databasePath} cannot be opened: ${e instanceof Error ? e.message : String(e)}`, 'check DATABASE_PATH points at an aispend database the user can read and write'));
      db?.close();
      db = undefined;
    }
  }
  try {
    checks.push(...(await slackChecks(config, db ? postingChannels(config, db) : undefined)));
    checks.push(...webhookChecks(config, db, now));
    const deps: Deps = { db: db as Db, config, logger: silentLogger, clock: { now: () => now }, afterIngest: [] };
    checks.push(...(await pollerChecks(deps, now, db !== undefined)));
    checks.push(tokenChecks(config, db, now));
    checks.push(...orgChecks(config, db));
  } finally {
    db?.close();
  }
  return report(checks);
}
