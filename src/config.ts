// The only reader of process.env. Every problem is collected and reported at once.
import { z } from 'zod';
import { isValidCron } from './scheduler.js';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().trim().optional());
const str = (def: string) => z.preprocess(emptyToUndefined, z.string().trim().default(def));
const num = (def: number, opts: { min?: number; int?: boolean } = {}) => {
  let n = z.coerce.number({ error: 'must be a number' });
  if (opts.int) n = n.int({ error: 'must be a whole number' });
  if (opts.min !== undefined) n = n.min(opts.min, { error: `must be at least ${opts.min}` });
  return z.preprocess(emptyToUndefined, n.default(def));
};
const url = (def: string) =>
  z.preprocess(emptyToUndefined, z.url({ error: 'must be a URL such as https://example.com' }).default(def));

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}


const schema = z.object({
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    error: 'must start with xoxb- (a bot token, not a user or app token)',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    error: 'must start with xapp- (an app-level token)',
  }),
  SLACK_API_URL: url('https://slack.com/api/'),
  PORT: num(3000, { int: true, min: 0 }),
  DATABASE_PATH: str('data/aispend.db'),
  AISPEND_INGEST_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    error: 'must be at least 16 characters (make one with: openssl rand -hex 24)',
  }),
  AISPEND_ADMINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]+$/.test(id)), {
        error: 'must be Slack user IDs such as U012ABCDEF, separated by commas',
      }),
  ),
  AISPEND_TIMEZONE: str('UTC').refine(isValidTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
  AISPEND_ORG_CHANNEL: optionalString,
  DIGEST_CRON: str('0 9 * * 1').refine(isValidCron, { error: 'must be a cron expression such as "0 9 * * 1"' }),
  POLL_CRON: str('7 * * * *').refine(isValidCron, { error: 'must be a cron expression such as "7 * * * *"' }),
  POLL_LOOKBACK_DAYS: num(2, { int: true, min: 1 }),
  POLL_BACKFILL_DAYS: num(7, { int: true, min: 1 }),
  LOOP_MIN_COST_USD: num(10, { min: 0 }),
  LOOP_MIN_MINUTES: num(30, { min: 1 }),
  LOOP_REPEAT_FAILURES: num(5, { int: true, min: 2 }),
  LOOP_ESCALATION_FACTOR: num(2, { min: 1.1 }),
  SESSION_IDLE_MINUTES: num(60, { min: 1 }),
  LOOP_SETTLE_SECONDS: num(90, { min: 0 }),
  BUDGET_REMINDER_HOURS: num(24, { min: 1 }),
  BUDGET_EXPIRY_DAYS: num(7, { min: 1 }),
  BUDGET_MAX_REQUEST_USD: num(100_000, { min: 1 }),
  GITHUB_WEBHOOK_SECRET: optionalString,
  JIRA_WEBHOOK_SECRET: optionalString,
  LINEAR_WEBHOOK_SECRET: optionalString,
  JIRA_STORY_POINTS_FIELDS: str('Story Points,Story point estimate,customfield_10016,customfield_10028'),
  JIRA_SPRINT_FIELDS: str('Sprint,customfield_10020'),
  LINEAR_WEBHOOK_MAX_AGE_SECONDS: num(60, { int: true, min: 1 }),
  ANTHROPIC_ADMIN_API_KEY: optionalString,
  ANTHROPIC_API_URL: url('https://api.anthropic.com'),
  OPENAI_ADMIN_API_KEY: optionalString,
  OPENAI_API_URL: url('https://api.openai.com'),
  INGEST_BODY_LIMIT_BYTES: num(5 * 1024 * 1024, { int: true, min: 1024 }),
  OTLP_GRPC_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'must be a port number such as 4317' })
      .int({ error: 'must be a port number such as 4317' })
      .min(0, { error: 'must be a port number such as 4317' })
      .max(65535, { error: 'must be a port number such as 4317' })
      .optional(),
  ),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info')),
  RETENTION_DAYS: num(90, { int: true, min: 7 }),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    error: 'must be at least 16 characters (make one with: openssl rand -hex 24)',
  }),
});

/** every variable the schema reads (.env.example documents each one; a test checks it) */
export const configKeys = (): string[] => Object.keys(schema.shape);

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
    socketMode: boolean;
  };
  port: number;
  databasePath: string;
  ingestToken?: string;
  admins: string[];
  timezone: string;
  orgChannel?: string;
  digestCron: string;
  pollCron: string;
  /** provider pollers re-fetch this many days each run (late corrections replace earlier values) */
  pollLookbackDays: number;
  /** how far back the first poll reaches */
  pollBackfillDays: number;
  loop: {
    minCostUsd: number;
    minMinutes: number;
    repeatFailures: number;
    escalationFactor: number;
    sessionIdleMinutes: number;
    /** a session is judged only this long after the newest event the judgement rests on */
    settleSeconds: number;
  };
  budget: { reminderHours: number; expiryDays: number; maxRequestUsd: number };
  webhooks: {
    githubSecret?: string;
    jiraSecret?: string;
    linearSecret?: string;
    jiraStoryPointsFields: string[];
    jiraSprintFields: string[];
    linearMaxAgeSeconds: number;
  };
  anthropic: { adminApiKey?: string; apiUrl: string };
  openai: { adminApiKey?: string; apiUrl: string };
  ingestBodyLimitBytes: number;
  /** OTLP/gRPC receiver port; undefined: off */
  otlpGrpcPort?: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** raw usage rows, tool results and delivery claims are kept this many days; older records are not counted */
  retentionDays: number;
  /** when set, GET /metrics needs it as a bearer token */
  metricsToken?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
  }
}

const WHERE: Record<string, string> = {
  SLACK_BOT_TOKEN:
    'the Bot User OAuth Token (xoxb-…): api.slack.com/apps → your app → OAuth & Permissions, after "Install to Workspace"',
  SLACK_SIGNING_SECRET: 'api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret',
  SLACK_APP_TOKEN:
    'api.slack.com/apps → your app → Basic Information → App-Level Tokens (scope connections:write); only for Socket Mode',
};

function formatProblems(problems: string[]): string {
  return [
    'aispend cannot start: the configuration has problems.',
    ...problems.map((p) => `  - ${p}`),
    '',
    'Copy .env.example to .env and fill it in (README: "Create the Slack app").',
    'To see aispend without Slack or any setting, run: npm run demo',
  ].join('\n');
}

/** Reads the environment. `requireSlack`: the bot itself needs Slack credentials; the CLI and demo do not. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { requireSlack?: boolean } = {}): Config {
  const problems: string[] = [];
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '?');
      problems.push(`${key} ${issue.message}`);
    }
  }
  const raw = (k: string) => emptyToUndefined(env[k]) as string | undefined;
  if (opts.requireSlack) {
    if (!raw('SLACK_BOT_TOKEN')) problems.push(`SLACK_BOT_TOKEN is missing: ${WHERE.SLACK_BOT_TOKEN}`);
    if (!raw('SLACK_APP_TOKEN') && !raw('SLACK_SIGNING_SECRET')) {
      problems.push(`SLACK_SIGNING_SECRET is missing (needed in HTTP mode): ${WHERE.SLACK_SIGNING_SECRET}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const d = parsed.data;
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    slack: {
      botToken: d.SLACK_BOT_TOKEN,
      signingSecret: d.SLACK_SIGNING_SECRET,
      appToken: d.SLACK_APP_TOKEN,
      apiUrl: d.SLACK_API_URL.endsWith('/') ? d.SLACK_API_URL : d.SLACK_API_URL + '/',
      socketMode: d.SLACK_APP_TOKEN !== undefined,
    },
    port: d.PORT,
    databasePath: d.DATABASE_PATH,
    ingestToken: d.AISPEND_INGEST_TOKEN,
    admins: d.AISPEND_ADMINS,
    timezone: d.AISPEND_TIMEZONE,
    orgChannel: d.AISPEND_ORG_CHANNEL,
    digestCron: d.DIGEST_CRON,
    pollCron: d.POLL_CRON,
    pollLookbackDays: d.POLL_LOOKBACK_DAYS,
    pollBackfillDays: d.POLL_BACKFILL_DAYS,
    loop: {
      minCostUsd: d.LOOP_MIN_COST_USD,
      minMinutes: d.LOOP_MIN_MINUTES,
      repeatFailures: d.LOOP_REPEAT_FAILURES,
      escalationFactor: d.LOOP_ESCALATION_FACTOR,
      sessionIdleMinutes: d.SESSION_IDLE_MINUTES,
      settleSeconds: d.LOOP_SETTLE_SECONDS,
    },
    budget: {
      reminderHours: d.BUDGET_REMINDER_HOURS,
      expiryDays: d.BUDGET_EXPIRY_DAYS,
      maxRequestUsd: d.BUDGET_MAX_REQUEST_USD,
    },
    webhooks: {
      githubSecret: d.GITHUB_WEBHOOK_SECRET,
      jiraSecret: d.JIRA_WEBHOOK_SECRET,
      linearSecret: d.LINEAR_WEBHOOK_SECRET,
      jiraStoryPointsFields: list(d.JIRA_STORY_POINTS_FIELDS),
      jiraSprintFields: list(d.JIRA_SPRINT_FIELDS),
      linearMaxAgeSeconds: d.LINEAR_WEBHOOK_MAX_AGE_SECONDS,
    },
    anthropic: { adminApiKey: d.ANTHROPIC_ADMIN_API_KEY, apiUrl: d.ANTHROPIC_API_URL.replace(/\/+$/, '') },
    openai: { adminApiKey: d.OPENAI_ADMIN_API_KEY, apiUrl: d.OPENAI_API_URL.replace(/\/+$/, '') },
    ingestBodyLimitBytes: d.INGEST_BODY_LIMIT_BYTES,
    otlpGrpcPort: d.OTLP_GRPC_PORT,
    logLevel: d.LOG_LEVEL,
    retentionDays: d.RETENTION_DAYS,
    metricsToken: d.METRICS_TOKEN,
  };
}

/** A complete config for tests and the demo: no Slack credentials needed. */
export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  return loadConfig({ DATABASE_PATH: ':memory:', LOG_LEVEL: 'silent', ...overrides } as NodeJS.ProcessEnv);
}

/** Loads ./.env when present (values already in the environment win). */
export function loadDotEnv(path = '.env'): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
