// `npx aispend <command>`: admin tasks beside the running bot (ingest tokens, backup, doctor, the demo).
import { ConfigError, loadConfig, loadDotEnv } from '../config.js';
import { openDatabase } from '../db/open.js';
import { runTokensCommand } from './tokens.js';

const USAGE = `Usage: npx aispend <command>

  tokens create <name> [--team <team>]
                           make an ingest token; it is printed once, only its hash is stored.
                           --team: its records may only name that team (others get 403)
  tokens list              list tokens (names, scope, dates; never the tokens)
  tokens revoke <name>     revoke a token: requests with it get 401 from then on
  backup <file>            an online copy of the database (safe while aispend runs), checked, written atomically
  doctor                   check the set-up: configuration, database, Slack, webhooks, pollers, tokens
  demo [--out <folder>] [--db <file>]
                           build a demo org offline and write its digests (same as npm run demo);
                           --db keeps its database, to open it in Slack: DATABASE_PATH=<file> npm start

The database is DATABASE_PATH (default data/aispend.db); .env is read when present.`;

async function main(argv: string[]): Promise<number> {
  const dotenvLoaded = loadDotEnv();
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  if (cmd === 'demo') {
    const { DemoError, runDemo } = await import('./demo.js');
    const option = (name: string) => {
      const i = rest.indexOf(name);
      return i >= 0 ? rest[i + 1] : undefined;
    };
    const unknown = rest.filter((w, i) => w.startsWith('--') && !['--out', '--db'].includes(w) && !['--out', '--db'].includes(rest[i - 1] ?? ''));
    if (unknown.length > 0 || (rest.includes('--db') && !option('--db')) || (rest.includes('--out') && !option('--out'))) {
      console.error('Usage: npm run demo -- [--out <folder>] [--db <file>]');
      return 2;
    }
    try {
      const result = await runDemo({ outDir: option('--out'), dbPath: option('--db'), log: (line) => console.log(line) });
      console.log(`\nDemo digests written to ${result.outDir} (${result.files.length} files).`);
      return 0;
    } catch (e) {
      if (e instanceof DemoError) {
        console.error(e.message);
        return 1;
      }
      throw e;
    }
  }
  if (cmd === 'doctor') {
    // before loading the configuration: its problems are the doctor's first findings
    const { runDoctor } = await import('../operations/doctor/doctor.js');
    const report = await runDoctor(process.env, Date.now(), { dotenvLoaded });
    for (const line of report.lines) console.log(line);
    console.log(report.exitCode === 0 ? '\nAll checks passed.' : '\nSome checks failed: each ✖ line says how to fix it.');
    return report.exitCode;
  }
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 78;
    }
    throw e;
  }
  if (cmd === 'backup') {
    const { BackupError, backupSummary, runBackup } = await import('../operations/backup.js');
    const [file, ...extra] = rest;
    if (!file || extra.length > 0) {
      console.error('Usage: npx aispend backup <file>   (e.g. backups/aispend-$(date +%F).db)');
      return 2;
    }
    try {
      console.log(backupSummary(await runBackup(config.databasePath, file), config.databasePath));
      return 0;
    } catch (e) {
      if (e instanceof BackupError) {
        console.error(e.message);
        return 1;
      }
      throw e;
    }
  }
  if (cmd === 'tokens') {
    const db = openDatabase(config.databasePath);
    try {
      const out = runTokensCommand(db, rest, Date.now());
      for (const line of out.lines) (out.ok ? console.log : console.error)(line);
      return out.ok ? 0 : 2;
    } finally {
      db.close();
    }
  }
  console.error(`Unknown command "${cmd}".\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
