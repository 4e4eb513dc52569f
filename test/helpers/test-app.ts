// Starts the whole app on an ephemeral port against a fake Slack and a temporary SQLite file.
import { buildApp, type RunningApp } from '../../src/app.js';
import { fixedClock, type Clock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import type { Feature } from '../../src/feature.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { FakeSlack, startFakeSlack } from './fake-slack.js';
import { TEST_SIGNING_SECRET, sendBlockAction, sendCommand, sendEvent, sendViewSubmission, type ActionInput, type ViewSubmissionInput } from './slack-requests.js';
import { tempDbPath } from './temp-db.js';

export const TEST_INGEST_TOKEN = 'test-ingest-token-0123456789abcdef';
export const TEST_ADMIN = 'U0ADMIN';

export interface TestApp {
  app: RunningApp;
  url: string;
  slack: FakeSlack;
  db: Db;
  config: Config;
  clock: Clock & { set(ms: number): void; advance(ms: number): void };
  dbPath: string;
  logs: string[];
  /** sends a signed /aispend command and waits for its response_url answer */
  command(text: string, opts?: { user?: string; channel?: string }): Promise<Record<string, unknown>>;
  /** a signed block_actions; `home: true` presses on the App Home (no response_url) */
  action(input: ActionInput): Promise<Response>;
  submitView(input: ViewSubmissionInput): Promise<Response>;
  event(event: Record<string, unknown>): Promise<Response>;
  /** POST JSON with the ingest bearer token */
  ingest(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** stops the app (not the fake Slack, not the database file) */
  stopApp(): Promise<void>;
  /** stops everything and removes the database folder */
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: number;
  features?: Feature[];
  slack?: FakeSlack;
  /** reuse a database file (restart tests) */
  dbPath?: string;
}

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const slack = opts.slack ?? (await startFakeSlack());
  const tmp = opts.dbPath ? undefined : tempDbPath();
  const dbPath = opts.dbPath ?? tmp!.path;
  const config = loadConfig(
    {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      DATABASE_PATH: dbPath,
      AISPEND_INGEST_TOKEN: TEST_INGEST_TOKEN,
      AISPEND_ADMINS: TEST_ADMIN,
      LOG_LEVEL: 'debug',
      ...opts.env,
    } as NodeJS.ProcessEnv,
    { requireSlack: true },
  );
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const db = openDatabase(dbPath);
  const clock = fixedClock(opts.now ?? Date.parse('2026-11-23T10:00:00Z'));
  const app = await buildApp({ config, db, logger, clock, features: opts.features, schedule: false });
  const url = `http://127.0.0.1:${app.port}`;
  let appStopped = false;
  const stopApp = async () => {
    if (appStopped) return;
    appStopped = true;
    await app.stop();
    if (db.open) db.close();
  };
  return {
    app,
    url,
    slack,
    db,
    config,
    clock,
    dbPath,
    logs,
    async command(text, o = {}) {
      const id = `cmd${Math.random().toString(36).slice(2)}`;
      const res = await sendCommand(url, {
        text,
        user_id: o.user ?? 'U0USER',
        channel_id: o.channel ?? 'C0GENERAL',
        response_url: slack.responseUrl(id),
      });
      if (res.status !== 200) throw new Error(`command answered HTTP ${res.status}`);
      const r = await slack.waitFor(() => slack.responses.find((x) => x.id === id));
      return r.body;
    },
    action(input) {
      return sendBlockAction(url, { response_url: input.home ? undefined : slack.responseUrl(), ...input });
    },
    submitView(input) {
      return sendViewSubmission(url, input);
    },
    event(event) {
      return sendEvent(url, event);
    },
    ingest(path, body, headers = {}) {
      return fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_INGEST_TOKEN}`, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    stopApp,
    async close() {
      await stopApp();
      if (!opts.slack) await slack.stop();
      tmp?.cleanup();
    },
  };
}
