// After-ingest work (loop checks, budget thresholds) runs in the background, never inside an ingest
// request: an ingest answers once its write commits, whatever Slack is doing.
// - recordAfterIngest(): inside the ingest's own transaction, the touched sessions and teams go into
//   after_ingest_queue, so a crash between the 200 and the background run loses no check;
// - kickAfterIngest(): after the commit, starts (or re-arms) the one background run, which reads the
//   queue, runs the hooks with what it found and removes what it has seen;
// - the hooks only write (alerts, outbox rows) and kick the outbox: Slack is called by the outbox's
//   own drain, so a hanging Slack holds up neither ingest nor this run.
// The minute loop job and the 5-minute budget job re-derive everything from the database as well.
import type { Deps, IngestEffects } from '../deps.js';
import { afterIngestRepo, type QueuedItem } from '../db/repos/after-ingest-repo.js';

/** items handed to the hooks per round; the event loop gets a turn between rounds */
const ROUND = 200;

/** Records what the after-ingest hooks must look at. Call inside the ingest's transaction. */
export function recordAfterIngest(deps: Pick<Deps, 'db' | 'clock'>, effects: IngestEffects): void {
  if (effects.sessionIds.length === 0 && effects.teamIds.length === 0) return;
  const repo = afterIngestRepo(deps.db);
  const now = deps.clock.now();
  for (const id of new Set(effects.sessionIds)) repo.add('session', id, now);
  for (const id of new Set(effects.teamIds)) repo.add('team', id === null ? '' : String(id), now);
}

interface Worker {
  running?: Promise<void>;
  again: boolean;
}

const workers = new WeakMap<object, Worker>();

function workerOf(deps: Deps): Worker {
  let w = workers.get(deps.db);
  if (!w) workers.set(deps.db, (w = { again: false }));
  return w;
}

function effectsOf(items: QueuedItem[]): IngestEffects {
  return {
    sessionIds: items.filter((i) => i.kind === 'session').map((i) => i.ref),
    teamIds: items.filter((i) => i.kind === 'team').map((i) => (i.ref === '' ? null : Number(i.ref))),
  };
}

async function runQueued(deps: Deps): Promise<void> {
  const repo = afterIngestRepo(deps.db);
  for (;;) {
    if (!deps.db.open) return;
    const items = repo.pending(ROUND);
    if (items.length === 0) return;
    const effects = effectsOf(items);
    for (const hook of deps.afterIngest) {
      try {
        await hook(effects);
      } catch (e) {
        // logged and dropped: the periodic jobs check every active session and budgeted team anyway
        deps.logger.error('after-ingest hook failed', { err: e, sessions: effects.sessionIds.length, teams: effects.teamIds.length });
      }
    }
    if (!deps.db.open) return;
    repo.done(items);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Starts the background after-ingest run, or asks the running one to look again. Never waits. */
export function kickAfterIngest(deps: Deps): void {
  const w = workerOf(deps);
  if (w.running) {
    w.again = true;
    return;
  }
  w.again = false;
  w.running = (async () => {
    // let the ingest's answer go out first
    await new Promise<void>((resolve) => setImmediate(resolve));
    do {
      w.again = false;
      await runQueued(deps);
    } while (w.again);
  })()
    .catch((e: unknown) => deps.logger.error('after-ingest run failed', { err: e }))
    .finally(() => {
      w.running = undefined;
      if (w.again) kickAfterIngest(deps);
    });
}

/** Resolves once no background after-ingest run is going (tests, shutdown). */
export async function afterIngestIdle(deps: Deps): Promise<void> {
  const w = workerOf(deps);
  while (w.running) await w.running;
}

/**
 * For writes that committed in a transaction of their own: records their effects and kicks the
 * background run. Returns at once; nothing here waits for the hooks.
 */
export function runAfterIngest(deps: Deps, effects: IngestEffects): Promise<void> {
  if (effects.sessionIds.length === 0 && effects.teamIds.length === 0) return Promise.resolve();
  deps.db.transaction(() => recordAfterIngest(deps, effects))();
  kickAfterIngest(deps);
  return Promise.resolve();
}
