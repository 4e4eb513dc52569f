// `npm run demo`: aispend in one command, with no Slack and no network. A temporary database, a demo
// org (4 teams), 8 weeks of activity sent through the real ingest routes on a loopback-only server
// (Claude Code OTLP logs and metrics; signed GitHub pushes with AI trailers, CI runs, reviews and merged
// pull requests; signed Jira and Linear issue events; generic delivery events and usage records), the
// loop job at the moment a looping session stalls, then the real digest code. Writes
// <team>.blocks.json, <team>.txt and <team>.png per team and for the whole org.
import { createHmac, randomBytes } from 'node:crypto';
import nodeHttp from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fixedClock } from '../clock.js';
import { loadConfig } from '../config.js';
import type { Deps } from '../deps.js';
import { openDatabase } from '../db/open.js';
import { loopRepo } from '../db/repos/loop-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { createHttpServer } from '../http/server.js';
import { silentLogger } from '../logger.js';
import { digestWeeks } from '../digest/digest.js';
import { digestSummary, digestText } from '../digest/digest-text.js';
import { deliveryFeature } from '../ingest/delivery-feature.js';
import { usageFeature } from '../ingest/usage-feature.js';
import { digestTargets, prepareDigest } from '../digest/digest-job.js';
import { runLoopJob } from '../loops/loop-job.js';
import { DEMO_ORG_CHANNEL, DEMO_TEAMS, buildScenario } from './demo/scenario.js';
import { buildDelivery } from './demo/delivery.js';
import { githubDeliveries, type WebhookDelivery } from './demo/github-payloads.js';
import { otlpLogs, otlpMetrics, usageRecords } from './demo/payloads.js';
import { genericStoryEvents, trackerDeliveries } from './demo/tracker-payloads.js';

export interface DemoOptions {
  /** where to write the digests; default ./demo-output */
  outDir?: string;
  /**
   * keep the demo's database here (a new file), to open it in Slack: DATABASE_PATH=<file> npm start.
   * Default: a temporary database, deleted at the end.
   */
  dbPath?: string;
  log: (line: string) => void;
  /** the demo's "now" (tests); default the current time */
  now?: number;
}

export interface DemoResult {
  outDir: string;
  files: string[];
  /** the kept database, when asked for */
  dbPath?: string;
}

export class DemoError extends Error {
  override name = 'DemoError';
}

export const DEMO_TIMEZONE = 'Europe/Berlin';

interface Poster {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ accepted?: number; duplicates?: number }>;
}

/**
 * Posts to the demo's own server on 127.0.0.1 with node:http and one kept-alive connection: the demo
 * makes thousands of webhook calls, and fetch's per-request overhead was a third of the demo's run time.
 */
function poster(port: number, token: string): Poster & { close(): void } {
  const agent = new nodeHttp.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post(path, body, headers = {}) {
      const data = typeof body === 'string' ? body : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = nodeHttp.request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(data), ...headers },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              if (res.statusCode !== 200) reject(new Error(`demo: ${path} answered ${res.statusCode}: ${text.slice(0, 500)}`));
              else resolve(JSON.parse(text || '{}') as { accepted?: number; duplicates?: number });
            });
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    },
    close: () => agent.destroy(),
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'team';
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const now = opts.now ?? Date.now();
  const log = opts.log;
  const outDir = resolve(opts.outDir ?? 'demo-output');
  const keep = opts.dbPath === undefined ? undefined : resolve(opts.dbPath);
  // never into an existing database: --db data/aispend.db must not mix a made-up org into a real one
  if (keep && existsSync(keep)) throw new DemoError(`${opts.dbPath} exists already: the demo writes a new database. Remove it or give another file.`);
  const tmp = mkdtempSync(join(tmpdir(), 'aispend-demo-'));
  const secrets = { github: randomBytes(20).toString('hex'), jira: randomBytes(20).toString('hex'), linear: randomBytes(20).toString('hex') };
  const ingestToken = randomBytes(24).toString('hex');
  // only these settings: the demo never reads the environment, Slack tokens or .env
  const config = loadConfig({
    DATABASE_PATH: keep ?? join(tmp, 'aispend-demo.db'),
    LOG_LEVEL: 'silent',
    AISPEND_TIMEZONE: DEMO_TIMEZONE,
    AISPEND_INGEST_TOKEN: ingestToken,
    AISPEND_ORG_CHANNEL: DEMO_ORG_CHANNEL,
    GITHUB_WEBHOOK_SECRET: secrets.github,
    JIRA_WEBHOOK_SECRET: secrets.jira,
    LINEAR_WEBHOOK_SECRET: secrets.linear,
  } as NodeJS.ProcessEnv);
  const db = openDatabase(config.databasePath);
  const clock = fixedClock(now);
  const deps: Deps = { db, config, logger: silentLogger, clock, afterIngest: [] };
  const ingestFeatures = [usageFeature, deliveryFeature];
  for (const f of ingestFeatures) f.init?.(deps);
  const http = createHttpServer(
    deps,
    ingestFeatures.flatMap((f) => f.routes?.(deps) ?? []),
  );
  let client: ReturnType<typeof poster> | undefined;
  try {
    log(`Building a demo org in ${keep ? `a new database (${keep})` : `a temporary database (${tmp})`}; no Slack, no network.`);
    // the org: teams with channels and budgets, people on teams
    const org = orgRepo(db);
    for (const t of DEMO_TEAMS) {
      const team = org.createTeam(t.name, t.channel, now);
      if (t.budgetUsd !== null) org.setBudget(team.id, t.budgetUsd);
      for (const p of t.people) {
        const person = org.ensurePersonByEmail(p.email, now, p.name);
        org.setPersonTeam(person.id, team.id);
        org.setIdentity('github', p.github, person.id);
      }
      if (t.repo) org.setMapping('project', t.repo, team.id);
      // Jira project keys and Linear team keys are mapped like repositories
      if (t.storyPrefix && (t.tracker === 'jira' || t.tracker === 'linear')) org.setMapping('project', t.storyPrefix, team.id);
    }

    const port = await new Promise<number>((ok, fail) => {
      http.server.once('error', fail);
      // loopback only: nothing outside this machine can reach the demo
      http.server.listen(0, '127.0.0.1', () => {
        const addr = http.server.address();
        ok(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
    client = poster(port, ingestToken);

    const { weeks } = digestWeeks(now, DEMO_TIMEZONE);
    const scenario = buildScenario({ now, tz: DEMO_TIMEZONE, firstDay: weeks[0]!.from });
    const delivery = buildDelivery(scenario, { now, tz: DEMO_TIMEZONE });
    const sign = (d: WebhookDelivery, raw: string): Record<string, string> => {
      const hmac = (secret: string) => createHmac('sha256', secret).update(raw).digest('hex');
      if (d.route === '/webhooks/jira') return { 'x-atlassian-webhook-identifier': d.id, 'x-hub-signature': `sha256=${hmac(secrets.jira)}` };
      if (d.route === '/webhooks/linear') return { 'linear-delivery': d.id, 'linear-event': d.event, 'linear-signature': hmac(secrets.linear) };
      return { 'x-github-event': d.event, 'x-github-delivery': d.id, 'x-hub-signature-256': `sha256=${hmac(secrets.github)}` };
    };
    const totals = { sessions: 0, events: 0, commits: 0, pullRequests: 0, ciRuns: 0, reviews: 0, stories: 0, reopens: 0, records: 0 };
    for (const day of scenario.days) {
      const shipped = delivery.days.get(day.day)!;
      const sessions = [...day.sessions, ...shipped.reworkSessions];
      if (sessions.length > 0) {
        await client.post('/v1/logs', otlpLogs(sessions));
        const metrics = otlpMetrics(sessions);
        if (metrics) await client.post('/v1/metrics', metrics);
      }
      // the day's webhooks in the order they happened: pushes, CI runs, reviews, merges, tracker transitions
      const hooks = [...githubDeliveries(shipped.github), ...trackerDeliveries(shipped.storyEvents, now)].sort((a, b) => a.at - b.at);
      for (const hook of hooks) {
        const raw = JSON.stringify(hook.body);
        await client.post(hook.route, raw, sign(hook, raw));
      }
      const stories = genericStoryEvents(shipped.storyEvents);
      if (stories) await client.post('/ingest/delivery', stories);
      const usage = usageRecords(day);
      if (usage) await client.post('/ingest/usage', usage);
      totals.sessions += sessions.length;
      totals.events += sessions.reduce((n, s) => n + s.calls.length + s.tools.length + s.prompts.length, 0);
      for (const e of shipped.github) {
        if (e.kind === 'push') totals.commits += e.push.commits.length;
        else if (e.kind === 'merged') totals.pullRequests += 1;
        else if (e.kind === 'ci') totals.ciRuns += 1;
        else totals.reviews += 1;
      }
      totals.commits += day.sessions.filter((s) => !s.team.github).reduce((n, s) => n + s.commits.length, 0);
      totals.stories += shipped.storyEvents.filter((e) => e.kind === 'done' && e.n === 1).length;
      totals.reopens += shipped.storyEvents.filter((e) => e.kind === 'reopened').length;
      totals.records += day.serviceCalls.length;
    }
    log(
      `Sent ${scenario.days.length} days of activity through the ingest routes: ${totals.sessions} Claude Code sessions ` +
        `(${totals.events} OTLP events), ${totals.commits} commits (GitHub pushes and Claude Code's commit counter), ` +
        `${totals.pullRequests} merged pull requests with ${totals.ciRuns} CI runs and ${totals.reviews} reviews, ${delivery.reverts.length} reverts, ` +
        `${totals.stories} stories done (${totals.reopens} reopened: Jira, Linear and the generic route), ${totals.records} API usage records.`,
    );

    // the loop job when the looping session has just stalled, again once its data has settled
    // (LOOP_SETTLE_SECONDS), and now (closing idle sessions)
    await runLoopJob(deps, scenario.looping.checkAt);
    await runLoopJob(deps, scenario.looping.checkAt + config.loop.settleSeconds * 1000 + 60_000);
    await runLoopJob(deps, now);
    log(`Loop alerts raised: ${loopRepo(db).count()} (a session by ${scenario.looping.session.person.email} burned money for 2.5 h without a commit).`);

    mkdirSync(outDir, { recursive: true });
    const files: string[] = [];
    for (const target of digestTargets(deps)) {
      const prepared = prepareDigest(deps, target, now);
      const name = target.kind === 'org' ? 'org' : slug(target.team.name);
      const write = (file: string, content: string | Buffer) => {
        const path = join(outDir, file);
        writeFileSync(path, content);
        files.push(path);
      };
      write(`${name}.blocks.json`, JSON.stringify({ text: prepared.message.text, blocks: prepared.message.blocks }, null, 2) + '\n');
      write(`${name}.txt`, digestText(prepared.figures));
      if (prepared.chart) write(`${name}.png`, prepared.chart.png);
      log(`  ${digestSummary(prepared.figures)}`);
    }
    log(`Wrote ${files.length} files to ${outDir}`);
    log('Paste a .blocks.json into Slack\'s Block Kit Builder (app.slack.com/block-kit-builder) to see the message.');
    if (keep) {
      keepForSlack(deps);
      for (const line of openInSlackLines(opts.dbPath!)) log(line);
    }
    return { outDir, files, dbPath: keep };
  } finally {
    client?.close();
    await http.close(1_000);
    if (db.open) db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The kept database is opened by a real bot in a real workspace: the demo's channels do not exist
 * there, so nothing is posted on its own until an admin points a team at a real channel. The loop
 * alerts the demo raised stay (in /aispend sessions, the Home tab), their messages are not sent.
 */
function keepForSlack(deps: Deps): void {
  const org = orgRepo(deps.db);
  deps.db.transaction(() => {
    for (const t of org.teams()) org.setTeamChannel(t.id, null);
    outboxRepo(deps.db).dropAllPending('demo: never sent (the demo\'s channels are made up)');
  })();
}

function openInSlackLines(dbPath: string): string[] {
  const person = DEMO_TEAMS[0]!.people[0]!;
  return [
    '',
    `The demo database is kept in ${dbPath}. To open the demo org in your Slack workspace (with your app's .env):`,
    `  DATABASE_PATH=${dbPath} AISPEND_TIMEZONE=${DEMO_TIMEZONE} npm start`,
    'then, as an admin (AISPEND_ADMINS):',
    '  /aispend summary org month          the whole org; /aispend summary platform, /aispend models platform …',
    `  /aispend admin link @you ${person.email}   see /aispend me and the Home tab as ${person.name} of ${DEMO_TEAMS[0]!.name}`,
    '  /aispend admin team channel platform #a-test-channel   to let it post Platform\'s digests and alerts there',
    'The demo teams have no channel until you give them one, so nothing is posted on its own',
    '(except the org digest of last week, at start, if your .env sets AISPEND_ORG_CHANNEL).',
  ];
}
