// Deterministic generator of a year of data for a realistic org (2,000 engineers in 50 teams at
// scale 1, about 10 million usage rows). The documented shortcut (bench/README.md): no HTTP and no
// parsing — rows are written in one transaction per day, usage through the real usage repository's
// writer (so rollups and session totals are kept exactly as ingest keeps them), bills through the
// real billing repository and reconciliation, everything else straight into the schema with
// prepared statements. Rows are streamed: memory holds one day. Same seed and scale, same checksum.
import type { Db } from '../src/db/open.js';
import { billingRepo } from '../src/db/repos/billing-repo.js';
import { usageRepo, type UsageRowInput, type UsageWriter } from '../src/db/repos/usage-repo.js';
import { billingSourceOf } from '../src/domain/billing-source.js';
import { SOURCE } from '../src/domain/counting.js';
import { modelFitAltCost, priceTokens, type TokenCounts } from '../src/domain/pricing.js';
import { addDays, dayStartInstant, localDay, monthKey, monthPeriod, weekdayOf } from '../src/domain/time.js';
import { utcDayOf } from '../src/domain/reconciliation.js';
import { BILL, reconcileBillingDay } from '../src/ingest/billing/reconcile.js';
import { buildOrg, MODELS, type BenchOrg, type BenchPerson, type BenchTeam, type ModelName } from './lib/org.js';
import { createRng, type Rng } from './lib/prng.js';
import { BenchWriter, type Value } from './lib/writer.js';

export const GENERATOR_VERSION = 5;

/** agent_sessions.source of Claude Code sessions: the exporter's service.name */
export const CLAUDE_CODE_SERVICE = 'claude-code';

export interface GenerateOptions {
  seed: number;
  scale: number;
  /** AISPEND_TIMEZONE of the generated org */
  tz: string;
  /** last local day of the generated year */
  endDay: string;
  days?: number;
  onProgress?(done: number, total: number): void;
}

export interface GenerateResult {
  checksum: string;
  counts: Record<string, number>;
  org: BenchOrg;
  startDay: string;
  endDay: string;
  /** the instant the benchmark queries run at: 09:00 local on the day after the year */
  now: number;
}

export const DEFAULT_END_DAY = '2026-11-22';

export function benchNow(endDay: string, tz: string): number {
  return dayStartInstant(addDays(endDay, 1), tz) + 9 * 3_600_000;
}

const HOUR = 3_600_000;
const MIN = 60_000;
const IDLE_CLOSE_MS = 60 * MIN;
const LOOP_MIN_COST = 10;
/** minutes of a session per metrics export window (see bench/README.md "Rows per session") */
const WINDOW_MIN = 40;

interface Sprint {
  id: number;
  startMs: number;
  endMs: number;
}

interface Ctx {
  seed: number;
  tz: string;
  now: number;
  w: BenchWriter;
  usage: UsageWriter;
  org: BenchOrg;
  teamById: Map<number, BenchTeam>;
  sprints: Map<number, Sprint[]>;
  storySeq: Map<number, number>;
  prSeq: Map<string, number>;
  /** each team's latest done story (sessions that commit after it rework it) */
  lastDone: Map<number, { id: number; doneAt: number }>;
}

export function generate(db: Db, opts: GenerateOptions): GenerateResult {
  const days = opts.days ?? 365;
  const startDay = addDays(opts.endDay, -(days - 1));
  const now = benchNow(opts.endDay, opts.tz);
  const org = buildOrg(opts.seed, opts.scale);
  const w = new BenchWriter(db);
  const ctx: Ctx = {
    seed: opts.seed,
    tz: opts.tz,
    now,
    w,
    usage: usageRepo(db).writer(),
    org,
    teamById: new Map(org.teams.map((t) => [t.id, t])),
    sprints: new Map(),
    storySeq: new Map(),
    prSeq: new Map(),
    lastDone: new Map(),
  };
  const startMs = dayStartInstant(startDay, opts.tz);

  db.transaction(() => {
    writeOrg(w, org, opts.tz, startMs);
    writeSprints(ctx, startDay, days);
  })();

  const perDay = db.transaction((i: number) => {
    const day = addDays(startDay, i);
    const dayStart = dayStartInstant(day, opts.tz);
    const weekday = weekdayOf(day);
    // a fresh writer per day: its change sets stay one day large
    ctx.usage = usageRepo(db).writer();
    for (const p of org.people) personDay(ctx, p, i, dayStart, weekday);
    for (const t of org.teams) teamDay(ctx, t, i, dayStart, weekday);
    ctx.usage.flush();
    // the OpenAI bill of the UTC day holding most of this local day, and of the one before (whose
    // telemetry this local day may have completed) → billing_gap rows
    const rc = { db, timezone: opts.tz, writer: ctx.usage };
    const billDay = utcDayOf(dayStart + 12 * HOUR);
    reconcileBillingDay(rc, 'openai', billDay);
    if (i > 0) reconcileBillingDay(rc, 'openai', addDays(billDay, -1));
    ctx.usage.flush();
  });
  for (let i = 0; i < days; i++) {
    perDay(i);
    opts.onProgress?.(i + 1, days);
  }

  db.transaction(() => writeBudgets(ctx, startDay, opts.endDay))();
  // the rows the reconciliation derived from the bills belong to the dataset too
  for (const r of db.prepare(`SELECT idem_key, day, team_id, cost_usd FROM usage_records WHERE source = ? ORDER BY idem_key`).iterate(SOURCE.billingGap)) {
    const row = r as { idem_key: string; day: string; team_id: number | null; cost_usd: number };
    w.note('billing_gap', [row.idem_key, row.day, row.team_id, row.cost_usd]);
  }
  return { checksum: w.checksum(), counts: { ...w.counts, usage_records: usageCount(db) }, org, startDay, endDay: opts.endDay, now };
}

function usageCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;
}

/** teams, people, identities, approvers and source mappings (also the ingest phases' starting point) */
export function seedOrg(db: Db, org: BenchOrg, tz: string, createdAt: number): void {
  const w = new BenchWriter(db);
  db.transaction(() => writeOrg(w, org, tz, createdAt))();
}

function writeOrg(w: BenchWriter, org: BenchOrg, tz: string, createdAt: number): void {
  w.row('settings', ['key', 'value'], ['rollup_timezone', tz]);
  for (const t of org.teams) {
    w.row('teams', ['id', 'name', 'channel_id', 'approvals_channel_id', 'created_at'], [t.id, t.name, t.channelId, t.approvalsChannelId, createdAt]);
    for (const a of t.approverSlackIds) w.row('team_approvers', ['team_id', 'slack_user_id'], [t.id, a]);
    w.row('team_mappings', ['kind', 'external_id', 'team_id'], ['project', t.key, t.id]);
    for (const s of t.services) {
      w.row('team_mappings', ['kind', 'external_id', 'team_id'], ['project', s.project, t.id]);
      w.row('team_mappings', ['kind', 'external_id', 'team_id'], ['key', s.apiKeyId, t.id]);
    }
  }
  for (const p of org.people) {
    w.row('people', ['id', 'email', 'slack_user_id', 'name', 'team_id', 'created_at'], [p.id, p.email, p.slackId, p.name, p.teamId, createdAt]);
    w.row('person_identities', ['kind', 'external_id', 'person_id'], ['github', p.githubLogin, p.id]);
    w.row('person_identities', ['kind', 'external_id', 'person_id'], [p.id % 5 < 3 ? 'jira' : 'linear', `acct-${p.id}`, p.id]);
    w.row('person_identities', ['kind', 'external_id', 'person_id'], ['account_uuid', p.accountUuid, p.id]);
  }
}

function writeSprints(ctx: Ctx, startDay: string, days: number): void {
  // two-week sprints (Jira) or cycles (Linear) from the Monday on or before the first day
  const first = addDays(startDay, -weekdayOf(startDay));
  for (const t of ctx.org.teams) {
    const list: Sprint[] = [];
    for (let d = first, n = 1; d <= addDays(startDay, days); d = addDays(d, 14), n++) {
      const startMs = dayStartInstant(d, ctx.tz);
      const endMs = dayStartInstant(addDays(d, 14), ctx.tz);
      const state = endMs <= ctx.now ? 'closed' : startMs <= ctx.now ? 'active' : 'future';
      const id = ctx.w.row(
        'sprints',
        ['source', 'external_id', 'name', 'state', 'team_id', 'starts_at', 'ends_at', 'completed_at'],
        [t.tracker, `${t.key}-S${n}`, `${t.key} Sprint ${n}`, state, t.id, startMs, endMs, state === 'closed' ? endMs : null],
      );
      list.push({ id, startMs, endMs });
    }
    ctx.sprints.set(t.id, list);
  }
}

/** writes a usage row through the real writer, and into the checksum */
function usage(ctx: Ctx, r: UsageRowInput): void {
  ctx.usage.insert(r);
  ctx.w.note('usage', [
    r.idemKey, r.source, r.ts, r.day, r.provider, r.model, r.personId, r.teamId, r.sessionId, r.project ?? null, r.inputTokens,
    r.outputTokens, r.cacheReadTokens, r.cacheWriteTokens, r.requests, r.costUsd, r.costSource, r.counted ? 1 : 0, r.fitAltCostUsd,
  ]);
}

const SESSION_MODELS: ModelName[] = ['sonnet', 'opus', 'haiku'];
const SESSION_MODEL_WEIGHTS = [0.72, 0.18, 0.1];
const TOKEN_KINDS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;

function personDay(ctx: Ctx, p: BenchPerson, dayIdx: number, dayStart: number, weekday: number): void {
  const rng = createRng(ctx.seed, 'pd', p.id, dayIdx);
  const workday = weekday < 5;
  const n = Math.min(6, rng.poisson((workday ? 1.1 : 0.1) * p.activity));
  for (let s = 0; s < n; s++) session(ctx, rng, p, dayStart);
  if (workday && rng.chance(0.45)) {
    const ts = dayStart + Math.floor((9 + rng.next() * 9) * HOUR);
    if (ts < ctx.now) commit(ctx, rng, p, ts, null, 0);
  }
  if (p.editorUser && workday) editorUsage(ctx, rng, p, dayStart);
}

/**
 * One Claude Code session, as its telemetry arrives: per export window and model, a cost.usage row
 * and four token.usage rows (one per token type); for teams that export events, one row per
 * api_request event too, and then the metric rows are kept uncounted (counting rule a).
 */
function session(ctx: Ctx, rng: Rng, p: BenchPerson, dayStart: number): void {
  const { w } = ctx;
  const sessionId = rng.uuid();
  const team = p.teamId === null ? undefined : ctx.teamById.get(p.teamId);
  const events = team?.telemetryEvents ?? false;
  const looping = rng.chance(0.03);
  const startedAt = dayStart + Math.floor((8 + rng.next() * 10) * HOUR);
  if (startedAt >= ctx.now) return;
  const durMin = looping ? 120 + rng.next() * 240 : Math.min(240, Math.max(8, 40 * rng.logNormal(0.6)));
  const windows = Math.min(12, Math.max(1, Math.round(durMin / WINDOW_MIN)));
  const primary = SESSION_MODELS[rng.weighted(SESSION_MODEL_WEIGHTS)]!;
  const plannedCommits = looping ? 0 : rng.chance(0.78) ? 1 + rng.poisson(0.9) : 0;
  const commitWindows = new Set<number>();
  for (let c = 0; c < plannedCommits; c++) commitWindows.add(rng.int(0, windows - 1));
  const repo = team ? `bench/${team.name}-service` : 'bench/sandbox';

  // the session row first (zero usage): the usage writer adds each day's counted usage to it
  const endAt = Math.min(startedAt + Math.round(durMin * MIN), ctx.now - 1);
  const rows: UsageRowInput[] = [];
  let cost = 0;
  let commits = 0;
  let lastCommitAt: number | null = null;
  let costAtLastCommit = 0;
  let linesAdded = 0;
  let linesRemoved = 0;
  let linesAtLastCommit = 0;
  const commitTimes: number[] = [];
  for (let i = 0; i < windows; i++) {
    const from = startedAt + Math.round((i * (endAt - startedAt)) / windows);
    const to = startedAt + Math.round(((i + 1) * (endAt - startedAt)) / windows);
    const models: ModelName[] = primary !== 'haiku' && rng.chance(0.45) ? [primary, 'haiku'] : [primary];
    for (const name of models) {
      const m = MODELS[name];
      const calls = looping ? rng.int(20, 40) : rng.int(8, 24);
      let total: TokenCounts;
      let windowCost = 0;
      if (events) {
        // one row per api_request event, each priced as one request
        total = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
        for (let c = 0; c < calls; c++) {
          const t = callTokens(rng, looping, 1);
          const at = from + Math.floor(((c + 0.5) * (to - from)) / calls);
          const callCost = priceTokens(m.provider, m.model, t, { at, perRequest: true }).costUsd;
          windowCost += callCost;
          for (const k of TOKEN_KINDS) total[k] += t[k];
          rows.push(callRow(ctx, rng, p, sessionId, m.model, t, callCost, at));
        }
      } else {
        // metrics only: the window's sums, priced as a sum of calls
        total = callTokens(rng, looping, calls);
        windowCost = priceTokens(m.provider, m.model, total, { at: to, perRequest: false }).costUsd;
      }
      // the window's metric points: cost.usage, then token.usage by type (cost carried by the cost row)
      rows.push(metricRow(ctx, rng, p, sessionId, m.model, to, { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, windowCost, !events));
      for (const k of TOKEN_KINDS) {
        const t: TokenCounts = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
        t[k] = total[k];
        rows.push(metricRow(ctx, rng, p, sessionId, m.model, to, t, 0, !events));
      }
      cost += windowCost;
    }
    linesAdded += looping ? rng.int(0, 30) : rng.int(10, 160);
    linesRemoved += rng.int(0, 50);
    if (commitWindows.has(i)) {
      commits += 1;
      lastCommitAt = to;
      costAtLastCommit = cost;
      linesAtLastCommit = linesAdded + linesRemoved;
      commitTimes.push(to);
    }
  }
  let prs = 0;
  if (commits > 0 && rng.chance(0.3)) {
    const mergedAt = endAt + Math.floor((2 + rng.next() * 46) * HOUR);
    if (mergedAt < ctx.now) {
      const n = (ctx.prSeq.get(repo) ?? 0) + 1;
      ctx.prSeq.set(repo, n);
      const branch = `feature/${sessionId.slice(0, 8)}`;
      const prId = w.row(
        'pull_requests',
        ['repo', 'number', 'title', 'branch', 'author_login', 'person_id', 'team_id', 'merged_at', 'additions', 'deletions', 'ai_assisted', 'ai_markers', 'source'],
        [repo, n, `Change ${n} from session`, branch, p.githubLogin, p.id, p.teamId, mergedAt, linesAdded, linesRemoved, 1, 'claude-session', 'github'],
      );
      pullRequestQuality(ctx, p, { id: prId, repo, number: n, branch, mergedAt });
      prs = 1;
    }
  }
  const closed = endAt + IDLE_CLOSE_MS <= ctx.now;
  const sessionRow: Value[] = [
    sessionId, CLAUDE_CODE_SERVICE, p.id, p.teamId, p.email, p.accountUuid, repo, team?.key ?? null, startedAt, endAt, events ? 1 : 0, commits,
    prs, linesAdded, linesRemoved, looping ? rng.int(20, 80) : rng.poisson(1.5), Math.max(1, windows * 3), Math.round(durMin * 36),
    lastCommitAt, costAtLastCommit, linesAtLastCommit, closed ? 'closed' : 'active', closed ? endAt + IDLE_CLOSE_MS : null,
  ];
  w.row(
    'agent_sessions',
    [
      'session_id', 'source', 'person_id', 'team_id', 'email', 'account_uuid', 'repo', 'project', 'started_at', 'last_activity_at', 'has_events',
      'commits', 'pull_requests', 'lines_added', 'lines_removed', 'tool_failures', 'prompts', 'active_seconds', 'last_commit_at',
      'cost_at_last_commit', 'lines_at_last_commit', 'status', 'closed_at',
    ],
    sessionRow,
  );
  for (const r of rows) usage(ctx, r);
  for (const ts of commitTimes) commit(ctx, rng, p, ts, sessionId, linesAdded);
  // a session that commits after its team's latest story was done is sometimes reworking it
  const done = p.teamId === null ? undefined : ctx.lastDone.get(p.teamId);
  if (commits > 0 && done && done.doneAt < startedAt && createRng(ctx.seed, 'rework', sessionId).chance(0.08)) {
    w.row('rework_sessions', ['session_id', 'story_id', 'since'], [sessionId, done.id, done.doneAt]);
    // its spend per local day, as the delivery writer keeps it (rework_spend)
    const byDay = new Map<string, number>();
    for (const r of rows) if (r.counted && r.sessionId === sessionId) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.costUsd);
    for (const [day, cost] of byDay) w.row('rework_spend', ['session_id', 'day', 'cost_usd'], [sessionId, day, cost]);
  }
  if (looping && cost >= LOOP_MIN_COST) loopAlert(ctx, rng, p, sessionId, startedAt, endAt, cost);
}

/** tokens of `calls` Claude Code API calls: a large cached context, a small uncached part, an answer */
function callTokens(rng: Rng, looping: boolean, calls: number): TokenCounts {
  return {
    input: calls * rng.int(50, 2_000),
    output: calls * (looping ? rng.int(60, 400) : rng.int(100, 2_500)),
    cacheRead: calls * rng.int(20_000, 120_000),
    cacheWrite: calls * rng.int(500, 8_000),
  };
}

/** a Claude Code telemetry usage row, as the real OTLP ingest writes it */
function telemetryRow(
  ctx: Ctx,
  p: BenchPerson,
  sessionId: string,
  model: string,
  ts: number,
  t: TokenCounts,
  cost: number,
  kind: { idemKey: string; source: string; requests: number; counted: boolean; fitAltCostUsd: number | null },
): UsageRowInput {
  return {
    ...kind,
    ts,
    day: localDay(ts, ctx.tz),
    provider: 'anthropic',
    model,
    billingSource: billingSourceOf('anthropic', model),
    personId: p.id,
    teamId: p.teamId,
    sessionId,
    project: null,
    inputTokens: t.input,
    outputTokens: t.output,
    cacheReadTokens: t.cacheRead,
    cacheWriteTokens: t.cacheWrite,
    costUsd: cost,
    costSource: 'reported',
  };
}

function metricRow(ctx: Ctx, rng: Rng, p: BenchPerson, sessionId: string, model: string, ts: number, t: TokenCounts, cost: number, counted: boolean): UsageRowInput {
  return telemetryRow(ctx, p, sessionId, model, ts, t, cost, {
    idemKey: `otlp:m:${rng.key(27)}`,
    source: SOURCE.otlpMetric,
    requests: 0,
    counted,
    fitAltCostUsd: null,
  });
}

function callRow(ctx: Ctx, rng: Rng, p: BenchPerson, sessionId: string, model: string, t: TokenCounts, cost: number, ts: number): UsageRowInput {
  return telemetryRow(ctx, p, sessionId, model, ts, t, cost, {
    idemKey: `otlp:e:${rng.key(27)}`,
    source: SOURCE.otlpEvent,
    requests: 1,
    counted: true,
    fitAltCostUsd: modelFitAltCost({ model, requests: 1, tokens: t, at: ts }),
  });
}

function loopAlert(ctx: Ctx, rng: Rng, p: BenchPerson, sessionId: string, startedAt: number, lastTs: number, cost: number): void {
  const firedAt = startedAt + 35 * MIN;
  const level = cost >= LOOP_MIN_COST * 4 ? 3 : cost >= LOOP_MIN_COST * 2 ? 2 : 1;
  const costAtAlert = LOOP_MIN_COST * 2 ** (level - 1);
  const status = (['open', 'acknowledged', 'snoozed', 'expected'] as const)[rng.weighted([0.3, 0.4, 0.1, 0.2])]!;
  const acted = status !== 'open';
  const cols = ['session_id', 'rule', 'status', 'team_id', 'fired_at', 'updated_at', 'level', 'cost_at_alert', 'next_alert_cost', 'reason', 'snoozed_until', 'acted_by', 'acted_at'];
  const minutes = Math.round((lastTs - startedAt) / MIN);
  ctx.w.row('loop_alerts', cols, [
    sessionId, 'no_commit', status, p.teamId, firedAt, lastTs, level, costAtAlert, costAtAlert * 2,
    `$${costAtAlert.toFixed(2)} over ${minutes} min without a commit`, status === 'snoozed' ? lastTs + 2 * HOUR : null,
    acted ? p.slackId : null, acted ? firedAt + 10 * MIN : null,
  ]);
  if (status === 'expected') ctx.w.run('UPDATE agent_sessions SET expected = 1 WHERE session_id = ?', [sessionId]);
  // a third of the loops also repeat one failing tool call: their failures are kept for the rule
  if (rng.chance(0.33)) {
    const sig = rng.hex(12);
    for (let i = 0; i < 8; i++) {
      const ts = startedAt + (20 + i * 3) * MIN;
      ctx.w.row('session_tool_results', ['idem_key', 'session_id', 'ts', 'tool_name', 'success', 'error_sig'], [`otlp:e:${rng.key(27)}`, sessionId, ts, 'Bash', 0, sig]);
    }
    ctx.w.row('loop_alerts', cols, [
      sessionId, 'repeat_failure', 'open', p.teamId, startedAt + 45 * MIN, startedAt + 45 * MIN, 1, costAtAlert, costAtAlert * 2,
      'the same Bash call failed 8 times in a row', null, null, null,
    ]);
  }
}

function commit(ctx: Ctx, rng: Rng, p: BenchPerson, ts: number, sessionId: string | null, lines: number): void {
  const team = p.teamId === null ? undefined : ctx.teamById.get(p.teamId);
  const repo = team ? `bench/${team.name}-service` : 'bench/sandbox';
  const story = team ? `${team.key}-${rng.int(1, Math.max(1, ctx.storySeq.get(team.id) ?? 1))}` : null;
  const sha = rng.hex(40);
  // the push's file lists, and now and then a revert a few days later (own stream: the rest stays as it was)
  const q = createRng(ctx.seed, 'commit-quality', sha);
  const files = q.int(1, 12);
  const id = ctx.w.row(
    'commits',
    [
      'repo', 'sha', 'ts', 'author_email', 'author_name', 'person_id', 'team_id', 'branch', 'subject', 'ai_assisted', 'ai_markers', 'session_id',
      'source', 'files', 'test_files',
    ],
    [
      repo, sha, ts, p.email, p.name, p.id, p.teamId, story ? `${story.toLowerCase()}-work` : 'main',
      `${story ?? 'chore'}: change touching ${lines} lines`, sessionId ? 1 : 0, sessionId ? 'Co-Authored-By: Claude' : null, sessionId, 'github',
      files, q.chance(0.45) ? q.int(1, Math.min(3, files)) : 0,
    ],
  );
  if (q.chance(0.02)) {
    const at = ts + q.int(1, 20) * 86_400_000;
    const revert = ctx.w.row(
      'reverts',
      ['repo', 'by_kind', 'by_ref', 'at', 'target_kind', 'target_ref', 'team_id', 'person_id', 'source'],
      [repo, 'commit', q.hex(40), at, 'commit', sha, p.teamId, p.id, 'github'],
    );
    ctx.w.row('reverted_commits', ['revert_id', 'commit_id'], [revert, id]);
  }
}

/** a merged PR's CI runs (a failure first now and then, sometimes re-run) and its reviews */
function pullRequestQuality(ctx: Ctx, p: BenchPerson, pr: { id: number; repo: string; number: number; branch: string; mergedAt: number }): void {
  const q = createRng(ctx.seed, 'pr-quality', pr.repo, pr.number);
  const team = p.teamId === null ? undefined : ctx.teamById.get(p.teamId);
  const run = (series: string, attempt: number, sha: string, verdict: 'pass' | 'fail', startedAt: number) => {
    const id = ctx.w.row(
      'ci_runs',
      ['repo', 'series', 'run_key', 'attempt', 'name', 'head_sha', 'head_branch', 'conclusion', 'verdict', 'started_at', 'completed_at', 'source'],
      [pr.repo, series, `${series}#${attempt}`, attempt, 'CI', sha, pr.branch, verdict === 'pass' ? 'success' : 'failure', verdict, startedAt, startedAt + 8 * MIN, 'github'],
    );
    ctx.w.row('ci_run_prs', ['ci_run_id', 'repo', 'pr_number'], [id, pr.repo, pr.number]);
  };
  const first = pr.mergedAt - q.int(2, 20) * HOUR;
  const sha = q.hex(40);
  const failedFirst = q.chance(0.15);
  if (failedFirst) {
    run(`wr:${pr.number}1`, 1, sha, 'fail', first);
    if (q.chance(0.3)) run(`wr:${pr.number}1`, 2, sha, 'pass', first + HOUR);
    else run(`wr:${pr.number}2`, 1, q.hex(40), 'pass', first + HOUR);
  } else {
    run(`wr:${pr.number}1`, 1, sha, 'pass', first);
  }
  const reviewer = team ? ctx.org.people.find((x) => x.id === team.memberIds[q.int(0, team.memberIds.length - 1)]) : undefined;
  const approved = reviewer && reviewer.id !== p.id && q.chance(0.88);
  ctx.w.row(
    'pr_reviews',
    ['repo', 'pr_number', 'review_id', 'reviewer', 'reviewer_person_id', 'pr_author', 'state', 'submitted_at', 'bot', 'source'],
    [
      pr.repo, pr.number, `${pr.number}`, approved ? reviewer.githubLogin : p.githubLogin, approved ? reviewer.id : p.id, p.githubLogin,
      approved ? 'approved' : 'commented', pr.mergedAt - 30 * MIN, 0, 'github',
    ],
  );
  // what the delivery writer works out from these rows as they arrive (pr_facts)
  ctx.w.row('pr_facts', ['pr_id', 'merge_commit_sha', 'author_bot', 'counted', 'ci_first_pass', 'reviewed', 'tests_touched'], [
    pr.id, null, 0, 1, failedFirst ? 0 : 1, approved ? 1 : 0, null,
  ]);
}

const EDITOR_MODELS: ModelName[] = ['gpt41', 'sonnet', 'gpt5'];

/** Cursor-like editor calls posted through the generic route: one row per call, by email, no session */
function editorUsage(ctx: Ctx, rng: Rng, p: BenchPerson, dayStart: number): void {
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) {
    const ts = dayStart + Math.floor((9 + rng.next() * 9) * HOUR);
    if (ts >= ctx.now) continue;
    const m = MODELS[rng.pick(EDITOR_MODELS)];
    const t: TokenCounts = { input: rng.int(800, 12_000), output: rng.int(100, 2_000), cacheRead: rng.int(0, 20_000), cacheWrite: 0 };
    const priced = priceTokens(m.provider, m.model, t, { at: ts, perRequest: true });
    usage(ctx, {
      idemKey: `gen:cursor-${p.id}-${ts}-${i}`,
      source: SOURCE.generic,
      ts,
      day: localDay(ts, ctx.tz),
      provider: m.provider,
      model: m.model,
      billingSource: billingSourceOf(m.provider, m.model),
      personId: p.id,
      teamId: p.teamId,
      sessionId: null,
      project: 'cursor',
      inputTokens: t.input,
      outputTokens: t.output,
      cacheReadTokens: t.cacheRead,
      cacheWriteTokens: 0,
      requests: 1,
      costUsd: priced.costUsd,
      costSource: 'computed',
      counted: true,
      fitAltCostUsd: modelFitAltCost({ model: m.model, requests: 1, tokens: t, at: ts }),
    });
  }
}

function teamDay(ctx: Ctx, t: BenchTeam, dayIdx: number, dayStart: number, weekday: number): void {
  const rng = createRng(ctx.seed, 'td', t.id, dayIdx);
  const workday = weekday < 5;
  // the team's product traffic on the OpenAI API, as the costs API bills it: one daily UTC bucket
  const day = localDay(dayStart + 12 * HOUR, ctx.tz);
  const bucketStart = Date.parse(`${day}T00:00:00Z`);
  const bills = billingRepo(ctx.w.db);
  t.services.forEach((s, i) => {
    if (bucketStart + 86_400_000 > ctx.now) return;
    const cost = Math.round(s.dailyCostUsd * (workday ? 1 : 0.35) * (0.6 + rng.next() * 0.8) * 100) / 100;
    bills.upsert(
      {
        source: BILL.openaiCosts,
        bucketStart,
        bucketEnd: bucketStart + 86_400_000,
        dims: JSON.stringify([s.project, s.apiKeyId, 'completions', i]),
        provider: 'openai',
        model: null,
        project: s.project,
        apiKeyId: s.apiKeyId,
        teamId: t.id,
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        requests: 0,
        costUsd: cost,
        costSource: 'reported',
        extra: JSON.stringify({ line_item: 'completions', quantity: null, quantity_unit: null }),
      },
      bucketStart + 86_400_000 + HOUR,
    );
    ctx.w.note('billing_buckets', [BILL.openaiCosts, bucketStart, s.project, cost]);
  });
  if (!workday) return;
  // stories reaching done, and a few opened that are not done yet
  const sprints = ctx.sprints.get(t.id) ?? [];
  const done = rng.poisson(t.memberIds.length * 0.2);
  const open = rng.poisson(t.memberIds.length * 0.02);
  for (let i = 0; i < done + open; i++) {
    const isDone = i < done;
    const doneAt = dayStart + Math.floor((9 + rng.next() * 9) * HOUR);
    if (isDone && doneAt >= ctx.now) continue;
    const n = (ctx.storySeq.get(t.id) ?? 0) + 1;
    ctx.storySeq.set(t.id, n);
    const personId = rng.pick(t.memberIds);
    const points = [1, 2, 3, 5, 8, 13, null][rng.weighted([0.15, 0.25, 0.25, 0.18, 0.09, 0.03, 0.05])]!;
    const sprint = sprints.find((s) => s.startMs <= doneAt && doneAt < s.endMs);
    const key = `${t.key}-${n}`;
    // some done stories are reopened days later, and stay open (own stream: the rest stays as it was)
    const q = createRng(ctx.seed, 'story-quality', t.id, n);
    const reopenedAt = isDone && q.chance(0.06) ? doneAt + q.int(1, 20) * 86_400_000 : null;
    const reopened = reopenedAt !== null && reopenedAt < ctx.now;
    const updatedAt = reopened ? reopenedAt : doneAt;
    const id = ctx.w.row(
      'stories',
      ['source', 'external_id', 'key', 'title', 'points', 'done', 'done_at', 'first_done_at', 'sprint_id', 'team_id', 'person_id', 'assignee_ref', 'project_key', 'ai_assisted', 'updated_at'],
      [
        t.tracker, `${t.tracker}-${t.id}-${n}`, key, `Story ${key}`, points, isDone && !reopened ? 1 : 0, isDone ? doneAt : null,
        isDone ? doneAt : null, sprint?.id ?? null, t.id, personId, `acct-${personId}`, t.key, isDone && rng.chance(0.58) ? 1 : 0, updatedAt,
      ],
    );
    ctx.w.row('story_states', ['story_id', 'event_at', 'state', 'since'], [id, doneAt, isDone ? 'done' : 'open', doneAt]);
    if (!isDone) continue;
    if (reopened) ctx.w.row('story_states', ['story_id', 'event_at', 'state', 'since'], [id, reopenedAt, 'open', reopenedAt]);
    ctx.w.row('story_spells', ['story_id', 'done_at', 'ended_at', 'end_kind'], [id, doneAt, reopened ? reopenedAt : null, reopened ? 'reopened' : null]);
    ctx.lastDone.set(t.id, { id, doneAt });
  }
}

/** budgets from each team's spend (under- and over-budgeted teams), then a year of requests */
function writeBudgets(ctx: Ctx, startDay: string, endDay: string): void {
  const { w, tz, org } = ctx;
  const spend = w.db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS c FROM usage_daily_team WHERE team_id = ? AND day >= ? AND day < ?');
  const lastMonth = monthPeriod(monthKey(dayStartInstant(addDays(endDay, 1), tz), tz), tz);
  const ref = monthPeriod(addDays(lastMonth.from, -1).slice(0, 7), tz);
  const firstMonth = monthKey(dayStartInstant(startDay, tz), tz);
  const currentMonth = monthKey(ctx.now, tz);
  for (const t of org.teams) {
    const rng = createRng(ctx.seed, 'budget', t.id);
    const monthly = (spend.get(t.id, ref.from, ref.to) as { c: number }).c;
    const budget = Math.max(500, Math.round((monthly * (0.85 + rng.next() * 0.5)) / 100) * 100);
    w.run('UPDATE teams SET monthly_budget_usd = ? WHERE id = ?', [budget, t.id]);
    for (let m = firstMonth; m <= currentMonth; m = nextMonth(m)) {
      const period = monthPeriod(m, tz);
      const n = rng.poisson(0.5);
      for (let i = 0; i < n; i++) {
        const createdAt = period.startMs + Math.floor(rng.next() * Math.max(1, Math.min(period.endMs, ctx.now) - period.startMs));
        if (createdAt >= ctx.now) continue;
        const current = m === currentMonth;
        const status = current ? 'pending' : (['approved', 'denied', 'expired', 'cancelled'] as const)[rng.weighted([0.55, 0.2, 0.15, 0.1])]!;
        const amount = Math.max(100, Math.round((budget * (0.1 + rng.next() * 0.3)) / 100) * 100);
        const requesterId = rng.pick(t.memberIds);
        const requester = org.people.find((p) => p.id === requesterId)!;
        const decided = status === 'approved' || status === 'denied';
        const decidedAt = createdAt + Math.floor((1 + rng.next() * 30) * HOUR);
        const approved = status === 'approved' ? (rng.chance(0.7) ? amount : Math.round(amount / 200) * 100) : null;
        const id = w.row(
          'budget_requests',
          ['team_id', 'requester_slack_id', 'amount_usd', 'reason', 'month', 'status', 'created_at', 'channel_id', 'message_ts', 'decided_by', 'decided_at', 'approved_amount_usd', 'decision_note'],
          [
            t.id, requester.slackId, amount, 'release crunch: more agent sessions on the migration', m, status, createdAt, t.approvalsChannelId,
            `${Math.floor(createdAt / 1000)}.000100`, decided ? t.approverSlackIds[0]! : null, decided ? decidedAt : null, approved,
            status === 'denied' ? 'cost per story is rising; show delivery first' : null,
          ],
        );
        w.row('audit_log', ['at', 'actor', 'action', 'team_id', 'subject', 'details'], [createdAt, requester.slackId, 'budget.request', t.id, `request:${id}`, `{"amount_usd":${amount}}`]);
        if (decided) {
          w.row('audit_log', ['at', 'actor', 'action', 'team_id', 'subject', 'details'], [decidedAt, t.approverSlackIds[0]!, `budget.${status === 'approved' ? 'approve' : 'deny'}`, t.id, `request:${id}`, null]);
        }
        if (approved !== null) {
          w.row('budget_increases', ['team_id', 'month', 'amount_usd', 'request_id', 'created_at'], [t.id, m, approved, id, decidedAt]);
        }
      }
    }
  }
}

function nextMonth(m: string): string {
  const [y, mo] = m.split('-').map(Number);
  return mo === 12 ? `${y! + 1}-01` : `${y}-${String(mo! + 1).padStart(2, '0')}`;
}
