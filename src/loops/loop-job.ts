// Loop alerts: evaluates sessions (in the background after each ingest batch, and every minute for
// active ones). What the rules call for waits until its data has settled (src/loops/settle.ts); then
// each alert and its Slack messages are recorded in one transaction (outbox) and the outbox is
// kicked, never awaited. Sessions idle for SESSION_IDLE_MINUTES are closed first and not alerted on again.
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import type { ScheduledJob } from '../feature.js';
import { loopRepo, type LoopAlertRow, type LoopSession, type LoopWatchRow } from '../db/repos/loop-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { sessionRepo } from '../db/repos/session-repo.js';
import {
  evaluateLoopRules,
  planLoopAlerts,
  snapshotOf,
  type AlertAction,
  type ExistingAlert,
  type LoopThresholds,
} from './loop-rules.js';
import { loopAlertMessage, loopEscalationMessage } from './loop-alert-blocks.js';
import { enqueue, kickOutbox, type OutboxPayload } from '../slack/outbox.js';
import { LOOP_KIND, alertViewOf, loopKeys } from './alert-messages.js';
import { settle, type Watch } from './settle.js';

export { LOOP_KIND, loopKeys };

/** The team's thresholds, else the configured defaults. */
export function thresholdsFor(config: Config, team: Pick<Team, 'loop_min_cost_usd' | 'loop_min_minutes'> | undefined): LoopThresholds {
  return {
    minCostUsd: team?.loop_min_cost_usd ?? config.loop.minCostUsd,
    minMinutes: team?.loop_min_minutes ?? config.loop.minMinutes,
    repeatFailures: config.loop.repeatFailures,
  };
}

function existing(a: LoopAlertRow): ExistingAlert {
  return {
    id: a.id,
    rule: a.rule,
    status: a.status,
    level: a.level,
    costAtAlert: a.cost_at_alert,
    nextAlertCost: a.next_alert_cost,
    snoozedUntil: a.snoozed_until,
    updatedAt: a.updated_at,
  };
}

interface Planned {
  session: LoopSession;
  team: Team | undefined;
  alerts: LoopAlertRow[];
  /** what to do now (held actions whose data has settled, and commit refreshes) */
  actions: AlertAction[];
  /** waits to start, and to forget */
  save: Watch[];
  drop: string[];
}

const watchOf = (r: LoopWatchRow): Watch => ({ what: r.what, streakSince: r.streak_since, firstSeenAt: r.first_seen_at, restsOn: r.rests_on });

function planSession(deps: Deps, sessionId: string, now: number): Planned | undefined {
  const repo = loopRepo(deps.db);
  const session = repo.session(sessionId);
  if (!session || session.status !== 'active' || session.expected) return undefined;
  const team = session.team_id !== null ? orgRepo(deps.db).teamById(session.team_id) : undefined;
  const thresholds = thresholdsFor(deps.config, team);
  const toolResults = sessionRepo(deps.db).recentToolResults(sessionId, thresholds.repeatFailures).map((r) => ({
    ts: r.ts,
    toolName: r.tool_name,
    success: r.success === 1,
    errorSig: r.error_sig,
  }));
  const results = evaluateLoopRules({ session: snapshotOf(session), thresholds, toolResults, now });
  const alerts = repo.alertsOf(sessionId);
  const actions = planLoopAlerts({
    expected: session.expected === 1,
    results,
    alerts: alerts.map(existing),
    lastCommitAt: session.last_commit_at,
    now,
    minCostUsd: thresholds.minCostUsd,
    escalationFactor: deps.config.loop.escalationFactor,
  });
  const settled = settle({
    actions,
    watches: repo.watchesOf(sessionId).map(watchOf),
    streakSince: session.last_commit_at ?? session.started_at,
    lastActivityAt: session.last_activity_at,
    now,
    settleMs: deps.config.loop.settleSeconds * 1000,
  });
  return { session, team, alerts, actions: settled.act, save: settled.save, drop: settled.drop };
}

/** sessions evaluated between two turns of the event loop */
const YIELD_EVERY = 25;

const hasWork = (p: Planned) => p.actions.length > 0 || p.save.length > 0 || p.drop.length > 0;

// emails Slack said it does not know, per database, so a session is not looked up on every evaluation
const lookupMisses = new WeakMap<object, Map<string, number>>();
const MISS_TTL_MS = 60 * 60 * 1000;
/** how long an evaluation waits for users.lookupByEmail before alerting without it */
const LOOKUP_WAIT_MS = 2_000;

function missesOf(deps: Deps): Map<string, number> {
  let misses = lookupMisses.get(deps.db);
  if (!misses) lookupMisses.set(deps.db, (misses = new Map()));
  return misses;
}

/** Slack said (within the hour) that it has no user with this email */
function knownMissing(deps: Deps, email: string, now: number): boolean {
  const at = missesOf(deps).get(email.toLowerCase());
  return at !== undefined && now - at < MISS_TTL_MS;
}

/**
 * Before a first alert: an owner known only by email is looked up in Slack (users:read.email) and
 * linked. The evaluation waits for the answer at most LOOKUP_WAIT_MS: a slow or hanging Slack must
 * not hold alerts back. Without an answer, the DM is addressed by email and the outbox looks the
 * owner up when it sends it; a late answer still links the owner for next time.
 */
async function linkOwner(deps: Deps, session: LoopSession, now: number): Promise<void> {
  const email = session.owner_email;
  if (session.owner_slack_id || !email || !deps.slack || knownMissing(deps, email, now)) return;
  const lookup = deps.slack.users.lookupByEmail({ email }).then(
    (res) => {
      const id = res.user?.id;
      if (id && deps.db.open) orgRepo(deps.db).linkSlackToEmail(id, email, deps.clock.now());
      return true;
    },
    (e: unknown) => {
      const code = (e as { data?: { error?: string } }).data?.error ?? (e as Error).message;
      deps.logger.info('loop alert owner not found in Slack', { session: session.session_id, code });
      if (code === 'users_not_found') missesOf(deps).set(email.toLowerCase(), now);
      return true;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), LOOKUP_WAIT_MS);
    timer.unref();
  });
  const answered = await Promise.race([lookup, waited]);
  clearTimeout(timer);
  if (!answered) deps.logger.warn('Slack did not answer users.lookupByEmail in time; the owner DM is addressed by email', { session: session.session_id });
}

function payloadChannel(payload: string): string | undefined {
  const p = JSON.parse(payload) as OutboxPayload;
  return p.op === 'post' ? p.channel : undefined;
}

/** Enqueues the top-level messages of an alert: the team channel post and the owner DM. */
function enqueueTopLevel(deps: Deps, p: Planned, alert: LoopAlertRow, now: number): number {
  const keys = loopKeys(p.session.session_id, alert.rule);
  const view = alertViewOf(deps, p.session, alert, p.team?.name ?? null, now);
  const log = deps.logger.child({ session: p.session.session_id, rule: alert.rule });
  let sent = 0;
  const channel = p.team?.channel_id;
  if (channel) {
    enqueue(deps, { key: keys.channel, kind: LOOP_KIND, payload: { op: 'post', channel, ...loopAlertMessage(view, 'channel') } });
    sent++;
  } else {
    log.info(p.team ? 'loop alert: team has no channel, DM only' : 'loop alert: session has no team, DM only');
  }
  const owner = p.session.owner_slack_id
    ? { user: p.session.owner_slack_id }
    : p.session.owner_email && deps.slack && !knownMissing(deps, p.session.owner_email, now)
      ? { email: p.session.owner_email }
      : undefined;
  if (owner) {
    enqueue(deps, { key: keys.dm, kind: LOOP_KIND, payload: { op: 'dm', ...owner, ...loopAlertMessage(view, 'owner') } });
    sent++;
  }
  if (sent === 0) log.warn('loop alert recorded, but there is no channel and no Slack user to tell');
  return sent;
}

function apply(deps: Deps, p: Planned, now: number): number {
  const repo = loopRepo(deps.db);
  const outbox = outboxRepo(deps.db);
  const sid = p.session.session_id;
  for (const w of p.save) repo.saveWatch(sid, { what: w.what, streak_since: w.streakSince, first_seen_at: w.firstSeenAt, rests_on: w.restsOn });
  for (const what of p.drop) repo.dropWatch(sid, what);
  let done = 0;
  for (const action of p.actions) {
    if (action.kind === 'raise') {
      const row = repo.insertAlert({
        sessionId: sid,
        rule: action.rule,
        teamId: p.session.team_id,
        now,
        costAtAlert: action.result.costSinceCommit,
        nextAlertCost: action.nextAlertCost,
        reason: action.result.reason,
      });
      if (!row) continue;
      enqueueTopLevel(deps, p, row, now);
      deps.logger.info('loop alert raised', { session: sid, rule: action.rule, teamId: p.session.team_id });
      done++;
    } else if (action.kind === 'escalate') {
      const ok = repo.escalateAlert({
        id: action.alertId,
        fromLevel: action.level - 1,
        costAtAlert: action.result.costSinceCommit,
        nextAlertCost: action.nextAlertCost,
        reason: action.result.reason,
        now,
      });
      if (!ok) continue;
      const row = repo.alertById(action.alertId)!;
      const keys = loopKeys(sid, row.rule);
      const view = alertViewOf(deps, p.session, row, p.team?.name ?? null, now);
      const reply = loopEscalationMessage(view, action.previousCost, action.why);
      const parent = outbox.byKey(keys.channel);
      const dm = outbox.byKey(keys.dm);
      const live = (r: typeof parent) => r !== undefined && r.status !== 'dead';
      if (!live(parent) && !live(dm)) {
        // nobody could be told the first time (no channel, no Slack user): try again as a fresh alert
        enqueueTopLevel(deps, p, row, now);
      }
      if (live(parent)) {
        const channel = payloadChannel(parent!.payload)!;
        enqueue(deps, {
          key: `${keys.channel}:L${row.level}`,
          kind: LOOP_KIND,
          payload: { op: 'post', channel, thread: { parentKey: keys.channel }, ...reply },
          after: keys.channel,
        });
        enqueue(deps, {
          key: `${keys.channel}:L${row.level}:update`,
          kind: LOOP_KIND,
          payload: { op: 'update', target: { key: keys.channel }, ...loopAlertMessage(view, 'channel') },
          after: keys.channel,
        });
      }
      if (live(dm)) {
        if (!live(parent) && p.session.owner_slack_id) {
          // no team thread to follow: the owner is told again directly
          enqueue(deps, { key: `${keys.dm}:L${row.level}`, kind: LOOP_KIND, payload: { op: 'dm', user: p.session.owner_slack_id, ...reply } });
        }
        enqueue(deps, {
          key: `${keys.dm}:L${row.level}:update`,
          kind: LOOP_KIND,
          payload: { op: 'update', target: { key: keys.dm }, ...loopAlertMessage(view, 'owner') },
          after: keys.dm,
        });
      }
      deps.logger.info('loop alert escalated', { session: sid, rule: row.rule, level: row.level, why: action.why });
      done++;
    } else {
      const row = p.alerts.find((a) => a.id === action.alertId);
      if (!row) continue;
      const keys = loopKeys(sid, row.rule);
      const view = alertViewOf(deps, p.session, row, p.team?.name ?? null, now);
      // the key names the commit, so each commit refreshes the message once however often this runs
      for (const [key, audience] of [
        [keys.channel, 'channel'],
        [keys.dm, 'owner'],
      ] as const) {
        const target = outbox.byKey(key);
        if (!target || target.status === 'dead' || outbox.byKey(`${key}:commit:${action.commitAt}`)) continue;
        enqueue(deps, {
          key: `${key}:commit:${action.commitAt}`,
          kind: LOOP_KIND,
          payload: { op: 'update', target: { key }, ...loopAlertMessage(view, audience) },
          after: key,
        });
        done++;
      }
    }
  }
  return done;
}

/**
 * Evaluates the given sessions at `now`: starts waits for what has not settled, and raises, escalates
 * or refreshes alerts whose data has. Every change and the messages reporting it are written in one
 * transaction, so a crash keeps both or neither. Returns how many alert changes were made; the
 * caller kicks the outbox to send them.
 */
export async function evaluateSessions(deps: Deps, sessionIds: Iterable<string>, now: number): Promise<number> {
  let changed = 0;
  let seen = 0;
  for (const id of new Set(sessionIds)) {
    // many sessions at once (the minute job, a busy ingest): let requests in between
    if (++seen % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    if (!deps.db.open) break;
    try {
      const first = planSession(deps, id, now);
      if (!first) {
        // closed, expected or gone: nothing of it waits any more
        loopRepo(deps.db).dropWatches(id);
        continue;
      }
      if (!hasWork(first)) continue;
      if (first.actions.some((a) => a.kind === 'raise')) await linkOwner(deps, first.session, now);
      // planned again inside the transaction: another evaluation may have run meanwhile
      changed += deps.db.transaction(() => {
        const p = planSession(deps, id, now);
        return p && hasWork(p) ? apply(deps, p, now) : 0;
      })();
    } catch (e) {
      deps.logger.error('loop evaluation failed', { session: id, err: e });
    }
  }
  return changed;
}

/** Closes sessions with no activity for SESSION_IDLE_MINUTES. Returns their ids. */
export function closeIdleSessions(deps: Deps, now: number): string[] {
  const repo = loopRepo(deps.db);
  const ids = repo.idleSessionIds(now - deps.config.loop.sessionIdleMinutes * 60_000);
  if (ids.length === 0) return [];
  const sessions = sessionRepo(deps.db);
  const loops = loopRepo(deps.db);
  deps.db.transaction(() => {
    for (const id of ids) {
      sessions.close(id, now);
      loops.dropWatches(id);
    }
  })();
  deps.logger.info('closed idle agent sessions', { count: ids.length });
  return ids;
}

/**
 * One run of the minute job. It does not wait for Slack: cron skips a run while one is going, and a
 * hanging Slack must not stop loops from being judged (their alerts wait in the outbox).
 */
export async function runLoopJob(deps: Deps, now: number): Promise<void> {
  closeIdleSessions(deps, now);
  const changed = await evaluateSessions(deps, loopRepo(deps.db).activeSessionIds(), now);
  if (changed > 0) kickOutbox(deps);
}

export function loopJob(deps: Deps): ScheduledJob {
  return {
    name: 'loop-alerts',
    cron: '* * * * *',
    runOnStart: true,
    run: (now) => runLoopJob(deps, now),
  };
}
