// `npx aispend doctor` against the fake Slack Web API (the real client) and the fake provider APIs:
// all ✔ on a sound set-up; the matching ✖ with Slack unreachable, a rejected token, a missing scope,
// a channel the bot is not in, a rejected admin key; exit 1 on any ✖.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { generateToken, tokenRepo } from '../../src/db/repos/token-repo.js';
import { runDoctor } from '../../src/operations/doctor/doctor.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { runTs } from '../helpers/run-node.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { ANTHROPIC_KEY, FakeProvider, OPENAI_KEY, emptyPage } from '../ingest/providers/fake-provider.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
let slack: FakeSlack;
let api: FakeProvider;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  slack = await startFakeSlack();
  api = await new FakeProvider().start();
});
afterEach(() => {
  slack.reset();
  for (const c of cleanups.splice(0)) c();
  api.on('/v1/organizations/usage_report/messages', () => ({ body: emptyPage }));
  api.on('/v1/organization/costs', () => ({ body: { object: 'page', data: [], has_more: false, next_page: null } }));
});
afterAll(async () => {
  await slack.stop();
  await api.stop();
});

/** a sound set-up: a database with two teams (channels C0PLAT, C0DATA, approvals C0BUDGET), a token, both pollers */
function setup(extra: Record<string, string> = {}): Record<string, string> {
  const tmp = tempDbPath();
  cleanups.push(tmp.cleanup);
  const db = openDatabase(tmp.path);
  const org = orgRepo(db);
  org.createTeam('platform', 'C0PLAT', NOW);
  const data = org.createTeam('data', 'C0DATA', NOW);
  db.prepare("UPDATE teams SET approvals_channel_id = 'C0BUDGET' WHERE id = ?").run(data.id);
  tokenRepo(db).create('claude-code', generateToken(), NOW - 86_400_000);
  db.close();
  api.on('/v1/organizations/usage_report/messages', () => ({ body: emptyPage }));
  api.on('/v1/organization/costs', () => ({ body: { object: 'page', data: [], has_more: false, next_page: null } }));
  return {
    SLACK_BOT_TOKEN: 'xoxb-doctor',
    SLACK_SIGNING_SECRET: 'signing-secret',
    SLACK_API_URL: slack.apiUrl,
    DATABASE_PATH: tmp.path,
    AISPEND_ADMINS: 'U0ADMIN',
    AISPEND_ORG_CHANNEL: 'C0ORG',
    GITHUB_WEBHOOK_SECRET: 'a-long-github-secret-0123456789',
    ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_API_URL: api.url,
    OPENAI_ADMIN_API_KEY: OPENAI_KEY,
    OPENAI_API_URL: api.url,
    ...extra,
  };
}

const line = (lines: string[], title: string) => lines.filter((l) => l.slice(2).startsWith(`${title}:`));

describe('aispend doctor', () => {
  it('on a sound set-up: every check ✔ (or – for what is not set up), exit 0', async () => {
    const r = await runDoctor(setup(), NOW);
    expect(r.exitCode).toBe(0);
    expect(r.lines.filter((l) => l.startsWith('✖'))).toEqual([]);
    expect(r.lines).toEqual([
      '✔ Configuration: HTTP mode, Slack requests at :3000/slack/events; AISPEND_TIMEZONE UTC; RETENTION_DAYS 90',
      expect.stringMatching(/^✔ Database: \/.+\/aispend\.db writable, schema version \d+ \(current\), [\d.]+ (KB|MB) \([\d.]+ (bytes|KB|MB) free inside\), [\d.]+ (GB|MB) free on the disk$/),
      '✔ Retention: raw records kept 90 days (RETENTION_DAYS); not run yet (it runs at start and daily at 03:23)',
      `✔ Slack: reachable at ${slack.apiUrl}; SLACK_BOT_TOKEN accepted (bot aispend in Fake)`,
      '✔ Slack scopes: the token has all 10 scopes manifest.yml asks for',
      '✔ Slack channels: the bot is a member of all 4 channels it posts to',
      '✔ GitHub webhook: GITHUB_WEBHOOK_SECRET set; no delivery received yet',
      '– Jira webhook: JIRA_WEBHOOK_SECRET unset: /webhooks/jira answers 503 until it is set',
      '– Linear webhook: LINEAR_WEBHOOK_SECRET unset: /webhooks/linear answers 503 until it is set',
      `✔ Anthropic Admin API: reachable at ${api.url}; ANTHROPIC_ADMIN_API_KEY accepted; no successful poll yet`,
      `✔ OpenAI organization API: reachable at ${api.url}; OPENAI_ADMIN_API_KEY accepted; no successful poll yet`,
      '✔ Ingest tokens: 1 active token (claude-code never used)',
      '✔ Admins: 1 (U0ADMIN)',
      '✔ Teams: 2: data, platform',
    ]);
    // the real client sent the real token, and looked into every channel the bot posts to
    expect(slack.callsOf('auth.test')[0]!.headers.authorization).toBe('Bearer xoxb-doctor');
    expect(slack.callsOf('conversations.history').map((c) => c.args.channel).sort()).toEqual(['C0BUDGET', 'C0DATA', 'C0ORG', 'C0PLAT']);
    // one cheap authenticated call per provider, with its documented headers
    const anthropic = api.requests.find((q) => q.path === '/v1/organizations/usage_report/messages')!;
    expect(anthropic.headers['x-api-key']).toBe(ANTHROPIC_KEY);
    expect(anthropic.query.get('limit')).toBe('1');
    expect(api.requests.find((q) => q.path === '/v1/organization/costs')!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('Slack unreachable: says where and why, never blames the token, and skips what needs Slack', async () => {
    const closed = await startFakeSlack();
    const url = closed.apiUrl;
    await closed.stop();
    const r = await runDoctor(setup({ SLACK_API_URL: url }), NOW);
    expect(r.exitCode).toBe(1);
    expect(line(r.lines, 'Slack')).toEqual([
      `✖ Slack: cannot reach Slack at ${url}: connection refused (ECONNREFUSED). Fix: check the network and any proxy between aispend and Slack, and SLACK_API_URL (unset means https://slack.com/api/).`,
    ]);
    expect(r.lines.join('\n')).not.toMatch(/rejected SLACK_BOT_TOKEN/);
    expect(line(r.lines, 'Slack channels')).toEqual(['– Slack channels: not checked: the token was not accepted']);
  });

  it('a token Slack rejects', async () => {
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const r = await runDoctor(setup(), NOW);
    expect(r.exitCode).toBe(1);
    expect(line(r.lines, 'Slack')).toEqual([
      `✖ Slack: reachable at ${slack.apiUrl}, but Slack rejected SLACK_BOT_TOKEN (invalid_auth). Fix: copy the Bot User OAuth Token (xoxb-…) again from api.slack.com/apps → your app → OAuth & Permissions, and check the app is installed.`,
    ]);
  });

  it('a scope the token lacks (the manifest changed, the app was not reinstalled)', async () => {
    slack.scopes = slack.scopes.filter((s) => s !== 'users:read.email' && s !== 'groups:history');
    const r = await runDoctor(setup(), NOW);
    expect(r.exitCode).toBe(1);
    expect(line(r.lines, 'Slack scopes')).toEqual([
      '✖ Slack scopes: the token lacks users:read.email, groups:history (manifest.yml asks for them). Fix: add them under OAuth & Permissions → Bot Token Scopes (or paste manifest.yml again), then reinstall the app to the workspace.',
    ]);
    expect(line(r.lines, 'Slack')[0]).toMatch(/^✔/);
  });

  it('a channel the bot is not in, and a private one it cannot see', async () => {
    slack.notMemberOf('C0DATA');
    slack.notMemberOf('C0BUDGET', 'private');
    const r = await runDoctor(setup(), NOW);
    expect(r.exitCode).toBe(1);
    expect(r.lines.filter((l) => l.includes('Slack channel'))).toEqual([
      "✖ Slack channel C0DATA: the bot is not a member; it is team data's channel. Fix: in that channel, type /invite @aispend (or point the team at another channel: /aispend admin team channel <team> <#channel>).",
      "✖ Slack channel C0BUDGET: channel not found (a private channel the bot is not in, or deleted); it is team data's approvals channel. Fix: in that channel, type /invite @aispend (or point the team at another channel: /aispend admin team channel <team> <#channel>).",
      '✔ Slack channels: the bot is a member of 2 of the 4 channels it posts to (the others are above)',
    ]);
  });

  it('an admin key a provider rejects, and a provider that cannot be reached', async () => {
    const closed = await new FakeProvider().start();
    const down = closed.url;
    await closed.stop();
    const env = setup({ OPENAI_API_URL: down });
    api.on('/v1/organizations/usage_report/messages', () => ({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } }));
    const r = await runDoctor(env, NOW);
    expect(r.exitCode).toBe(1);
    expect(line(r.lines, 'Anthropic Admin API')).toEqual([
      `✖ Anthropic Admin API: reachable at ${api.url}, but it rejected ANTHROPIC_ADMIN_API_KEY (HTTP 401 (authentication_error: invalid x-api-key)). Fix: make a new admin key (Claude Console → Settings → Admin keys) and set ANTHROPIC_ADMIN_API_KEY.`,
    ]);
    expect(line(r.lines, 'OpenAI organization API')).toEqual([
      `✖ OpenAI organization API: cannot reach OpenAI organization API at ${down}: connection refused (ECONNREFUSED). Fix: check the network, any proxy, and OPENAI_API_URL.`,
    ]);
    // never the key itself
    expect(r.lines.join('\n')).not.toContain(ANTHROPIC_KEY);
  });

  it('no ingest token, no admin, a weak webhook secret, a database that does not exist yet', async () => {
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const r = await runDoctor(
      {
        SLACK_BOT_TOKEN: 'xoxb-doctor',
        SLACK_SIGNING_SECRET: 'signing-secret',
        SLACK_API_URL: slack.apiUrl,
        DATABASE_PATH: `${tmp.dir}/new/aispend.db`,
        JIRA_WEBHOOK_SECRET: 'short',
      },
      NOW,
    );
    expect(r.exitCode).toBe(1);
    expect(line(r.lines, 'Database')).toEqual([`✔ Database: ${tmp.dir}/new/aispend.db does not exist yet; npm start creates it (${tmp.dir} is writable)`]);
    expect(line(r.lines, 'Slack channels')).toEqual(['– Slack channels: not checked: the database could not be read']);
    expect(line(r.lines, 'Jira webhook')).toEqual([
      "✖ Jira webhook: JIRA_WEBHOOK_SECRET is only 5 characters. Fix: use a long random secret (openssl rand -hex 32) here and in the webhook's settings.",
    ]);
    expect(line(r.lines, 'Ingest tokens')).toEqual([
      '✖ Ingest tokens: none: telemetry, generic usage and delivery events cannot be sent. Fix: npx aispend tokens create <name> (or set AISPEND_INGEST_TOKEN).',
    ]);
    expect(line(r.lines, 'Admins')[0]).toMatch(/^✖ Admins: AISPEND_ADMINS is empty/);
  });

  it('npx aispend doctor: one line per check, configuration problems first, exit 1 on any ✖', async () => {
    const bad = await runTs('src/cli/main.ts', ['doctor'], { env: { SLACK_BOT_TOKEN: 'xoxp-user-token' } });
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').filter((l) => l.startsWith('✖'))).toEqual([
      '✖ Configuration: SLACK_BOT_TOKEN must start with xoxb- (a bot token, not a user or app token). Fix: correct it in .env (.env.example says what each variable takes).',
      '✖ Configuration: SLACK_SIGNING_SECRET is missing (needed in HTTP mode). Fix: put it in .env (where to find it: api.slack.com/apps → your app → Basic Information → App Credentials → Signing Secret).',
    ]);
    const good = await runTs('src/cli/main.ts', ['doctor'], { env: setup() });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('✔ Configuration: no .env here, the environment only;');
    expect(good.stdout.trim().split('\n').at(-1)).toBe('All checks passed.');
  });
});
