// Phase (e): ingest never waits on Slack. Claude Code telemetry through POST /v1/metrics and /v1/logs,
// one export per request, 16 at a time (as exporters send it, each timing out after 10 s), while the
// after-ingest work keeps Slack busy: every team's budget is $1 (so threshold alerts are due from the
// first batches) and loop alerts are judged at once (LOOP_SETTLE_SECONDS=0, low thresholds). A fake
// Slack in this process answers either at once or 20 s late; each request's latency is measured by
// the client process. The target: the same p99 with Slack answering late as with Slack up.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/db/open.js';
import { startFakeSlack, type FakeSlack } from '../../test/helpers/fake-slack.js';
import { benchNow } from '../generate.js';
import { compiledIngestServer, productNodeFlags } from '../lib/compiled-server.js';
import { removeDb } from '../lib/files.js';
import { BENCH_TOKEN } from '../lib/ingest-deps.js';
import { buildOrg } from '../lib/org.js';
import { rounded, summarize, type Summary } from '../lib/stats.js';
import { otlpBodies, otlpWorkload } from '../lib/workloads.js';
import { ROOT, availableRoutes, child, orgTemplate, prepareRequests, warmupCount, type ClientMessage, type PreparedRequests } from './ingest.js';
import type { PhaseOptions } from './options.js';

export const SLACK_LATE_MS = 20_000;
const CONCURRENCY = 16;

/** the settings that make the after-ingest work talk to Slack while the workload runs */
const BUSY_SLACK_ENV = { LOOP_SETTLE_SECONDS: '0', LOOP_MIN_COST_USD: '0.5', LOOP_MIN_MINUTES: '1' };

export interface OutageMode {
  mode: 'slack up' | 'slack 20 s late';
  /** how late the fake Slack answers each call */
  slackAnswerMs: number;
  requests: number;
  points: number;
  /** per-request latency percentiles, one sample per run */
  p50Ms: Summary;
  p99Ms: Summary;
  maxMs: Summary;
  /** Slack Web API calls the server made while the workload ran (the last run) */
  slackCalls: number;
  /** messages the after-ingest work recorded in the outbox (the last run) */
  outboxMessages: number;
}

export interface OutageResult {
  skipped?: string;
  workload?: { points: number; requests: number; concurrency: number };
  modes: OutageMode[];
}

export function outagePoints(scale: number): number {
  return Math.max(5_000, Math.round(30_000 * scale));
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** one run: the product's server (own process) with the fake Slack, the client (own process) timing each request */
export async function runOnce(o: PhaseOptions, slack: FakeSlack, template: string, prepared: PreparedRequests) {
  const db = join(o.workDir, 'outage-http.db');
  const warmup = join(o.workDir, 'outage-warmup.db');
  for (const p of [db, warmup]) {
    removeDb(p);
    copyFileSync(template, p);
  }
  const server = child(compiledIngestServer(ROOT), productNodeFlags(ROOT));
  const client = child(fileURLToPath(new URL('../lib/http-client.mjs', import.meta.url)), []);
  try {
    const open = async (path: string) => {
      const listening = server.next<{ port: number }>();
      server.proc.send({ open: path, tz: o.tz, endDay: o.endDay, slackApiUrl: slack.apiUrl, env: BUSY_SLACK_ENV });
      return (await listening).port;
    };
    const send = async (port: number, from: number, to: number) => {
      const done = client.next<ClientMessage>();
      client.proc.send({ port, from, to, latencies: true });
      const r = (await done) as Exclude<ClientMessage, { ready: true }>;
      if (!r.ok) throw new Error(`bench client failed: ${r.error}`);
      if (r.failures.length > 0) throw new Error(`ingest refused requests (${JSON.stringify(r.statuses)}): ${r.failures.join(' | ')}`);
      return r.latencies ?? [];
    };
    const ready = client.next<ClientMessage>();
    client.proc.send({ file: prepared.file, token: BENCH_TOKEN, concurrency: CONCURRENCY });
    await ready;
    await send(await open(warmup), 0, warmupCount(prepared.requestPoints, prepared.requestPaths));
    const port = await open(db);
    const callsBefore = slack.calls.length;
    const latencies = await send(port, 0, prepared.requests);
    const slackCalls = slack.calls.length - callsBefore;
    const stopped = server.next<{ cpuMs: number }>();
    server.proc.send('stop');
    await stopped;
    const check = openDatabase(db);
    const outboxMessages = (check.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    check.close();
    return { latencies: latencies.sort((a, b) => a - b), slackCalls, outboxMessages };
  } finally {
    client.proc.kill();
    server.proc.kill();
    removeDb(db);
    removeDb(warmup);
  }
}

export async function run(o: PhaseOptions): Promise<OutageResult> {
  const routes = availableRoutes(o);
  const missing = ['POST /v1/metrics', 'POST /v1/logs'].filter((r) => !routes.has(r));
  if (missing.length > 0) return { skipped: `${missing.join(', ')} not served by any feature yet`, modes: [] };
  const w = otlpWorkload(buildOrg(o.seed, o.scale), o.seed, benchNow(o.endDay, o.tz), o.ingestPoints ?? outagePoints(o.scale));
  const prepared = prepareRequests(o, 'outage', otlpBodies(w, 'exporter'));
  const template = orgTemplate(o, 'outage');
  const tdb = openDatabase(template);
  tdb.prepare('UPDATE teams SET monthly_budget_usd = 1').run();
  tdb.pragma('wal_checkpoint(TRUNCATE)');
  tdb.close();

  const slack = await startFakeSlack();
  const modes = [
    { mode: 'slack up' as const, slackAnswerMs: 0 },
    { mode: 'slack 20 s late' as const, slackAnswerMs: SLACK_LATE_MS },
  ];
  const samples = modes.map(() => ({ p50: [] as number[], p99: [] as number[], max: [] as number[], slackCalls: 0, outboxMessages: 0 }));
  try {
    for (let r = 0; r < o.runs; r++) {
      // alternate the order, so that drift in the machine's load hits both alike
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        slack.answerAfter(modes[i]!.slackAnswerMs);
        const got = await runOnce(o, slack, template, prepared);
        const s = samples[i]!;
        s.p50.push(pct(got.latencies, 50));
        s.p99.push(pct(got.latencies, 99));
        s.max.push(got.latencies.at(-1)!);
        s.slackCalls = got.slackCalls;
        s.outboxMessages = got.outboxMessages;
      }
    }
  } finally {
    slack.answerAfter(0);
    await slack.stop();
    removeDb(template);
  }
  return {
    workload: { points: prepared.points, requests: prepared.requests, concurrency: CONCURRENCY },
    modes: modes.map((m, i) => ({
      ...m,
      requests: prepared.requests,
      points: prepared.points,
      p50Ms: rounded(summarize(samples[i]!.p50), 2),
      p99Ms: rounded(summarize(samples[i]!.p99), 2),
      maxMs: rounded(summarize(samples[i]!.max), 2),
      slackCalls: samples[i]!.slackCalls,
      outboxMessages: samples[i]!.outboxMessages,
    })),
  };
}
