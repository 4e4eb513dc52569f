// Loop alerts are judged on settled data (issue 13). Claude Code sends its events every few seconds
// but its metrics (commit.count, lines_of_code.count) only every metric export interval, 60 s by
// default: a session that just committed can look like a loop until its commit metric arrives.
// So a raise or an escalation the rules call for is not acted on at once: it waits LOOP_SETTLE_SECONDS
// after the newest event it rests on (and after the bot first saw it, so a backlog or a retried export
// settles from its arrival). Any commit recorded meanwhile, whatever its time, resets the streak the
// judgement rested on and the wait starts again from the new streak, if that one still fires.
// Commit-reset refreshes are good news and are never held. Pure: no I/O, time is a parameter.
import type { AlertAction } from './loop-rules.js';

/** A judgement waiting to settle (a loop_watch row). */
export interface Watch {
  /** what it waits to do: watchKey() */
  what: string;
  /** the session's last commit (or start) when first seen */
  streakSince: number;
  firstSeenAt: number;
  /** the session's newest event when first seen */
  restsOn: number;
}

type HeldAction = Exclude<AlertAction, { kind: 'commit_reset' }>;

/**
 * The two burn rules share one alert (loop-rules.ts), so they share one wait: a lines metric that
 * arrives late turns a "burn without change" into a "no-commit burn" without restarting it.
 */
export function watchKey(a: HeldAction): string {
  if (a.kind === 'raise') return a.rule === 'repeating_failure' ? 'raise:repeating_failure' : 'raise:burn';
  return `escalate:${a.alertId}`;
}

/**
 * When a judgement may be acted on: LOOP_SETTLE_SECONDS after the newer of the event it rests on and
 * the moment it was first seen. An event stamped in the future (a client clock ahead) counts as at
 * most one settle time later than it was seen, so a wrong clock cannot silence a loop.
 */
export function dueAt(w: Watch, settleMs: number): number {
  return Math.max(w.firstSeenAt, Math.min(w.restsOn, w.firstSeenAt + settleMs)) + settleMs;
}

export interface SettleInput {
  /** what the alert policy calls for now, on all the data there is */
  actions: AlertAction[];
  /** the session's waiting judgements */
  watches: Watch[];
  /** the session's last commit, or its start when it has none */
  streakSince: number;
  /** the session's newest event */
  lastActivityAt: number;
  now: number;
  settleMs: number;
}

export interface SettleDecision {
  /** act on these now */
  act: AlertAction[];
  /** start waiting (or start again) */
  save: Watch[];
  /** forget these waits: acted on, or no longer called for */
  drop: string[];
}

export function settle(i: SettleInput): SettleDecision {
  const act: AlertAction[] = [];
  const save: Watch[] = [];
  const wanted = new Set<string>();
  const acted = new Set<string>();
  for (const a of i.actions) {
    if (a.kind === 'commit_reset') {
      act.push(a);
      continue;
    }
    const what = watchKey(a);
    wanted.add(what);
    let w = i.watches.find((x) => x.what === what);
    const fresh = !w || w.streakSince !== i.streakSince;
    if (fresh) w = { what, streakSince: i.streakSince, firstSeenAt: i.now, restsOn: i.lastActivityAt };
    if (i.now >= dueAt(w!, i.settleMs)) {
      act.push(a);
      acted.add(what);
    } else if (fresh) {
      save.push(w!);
    }
  }
  const drop = i.watches.filter((w) => !wanted.has(w.what) || acted.has(w.what)).map((w) => w.what);
  return { act, save, drop };
}
