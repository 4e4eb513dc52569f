// Retention (RETENTION_DAYS): deletes raw usage rows, tool results and idempotency claims older than
// the window, at start and daily. Each batch is its own short transaction and the event loop gets a
// turn between batches, so ingest requests keep being served while a large backlog is deleted.
// Rollups, sessions, stories, alerts and the audit log stay: every answer and digest, for any period,
// is the same before and after. What the window means for ingest (records older than it are not
// counted) is src/domain/retention.ts; docs/operations.md explains both.
import type { Deps } from '../deps.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { retentionRepo, type WalkStep } from '../db/repos/retention-repo.js';
import { claimCutoff, retentionCutoff } from '../domain/retention.js';

/** rows per transaction: a few milliseconds of writing, so an ingest waits at most that long */
export const RETENTION_BATCH = 2_000;

export interface RetentionResult {
  cutoff: number;
  usageRows: number;
  toolResults: number;
  claims: number;
  /** false when stopped before the end (the app is stopping); the next run continues */
  complete: boolean;
}

/** settings key: the last completed run, as JSON (doctor and /metrics read it) */
export const RETENTION_LAST_RUN = 'retention_last_run';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function walk(
  deps: Deps,
  signal: AbortSignal | undefined,
  step: (afterId: number) => WalkStep,
): Promise<{ deleted: number; stopped: boolean }> {
  let afterId = 0;
  let deleted = 0;
  for (;;) {
    if (signal?.aborted) return { deleted, stopped: true };
    const s = deps.db.transaction(() => step(afterId))();
    deleted += s.deleted;
    afterId = s.lastId;
    if (!s.more) return { deleted, stopped: false };
    await turn();
  }
}

export async function runRetention(deps: Deps, now: number, opts: { signal?: AbortSignal; batch?: number } = {}): Promise<RetentionResult> {
  const days = deps.config.retentionDays;
  const cutoff = retentionCutoff(now, days);
  const batch = opts.batch ?? RETENTION_BATCH;
  const repo = retentionRepo(deps.db);
  const started = Date.now();

  const usage = await walk(deps, opts.signal, (after) => repo.usageStep(cutoff, after, batch));
  const tools = usage.stopped ? { deleted: 0, stopped: true } : await walk(deps, opts.signal, (after) => repo.toolResultsStep(cutoff, after, batch));
  let claims = 0;
  let stopped = tools.stopped;
  while (!stopped) {
    if (opts.signal?.aborted) {
      stopped = true;
      break;
    }
    const n = deps.db.transaction(() => repo.claimsStep(claimCutoff(now, days), batch))();
    claims += n;
    if (n < batch) break;
    await turn();
  }

  const result: RetentionResult = { cutoff, usageRows: usage.deleted, toolResults: tools.deleted, claims, complete: !stopped };
  if (result.complete) orgRepo(deps.db).setSetting(RETENTION_LAST_RUN, JSON.stringify({ at: now, ...result }));
  const deleted = result.usageRows + result.toolResults + result.claims;
  if (deleted > 0 || !result.complete) {
    deps.logger.info('retention: deleted raw records older than the window', {
      retention_days: days,
      cutoff: new Date(cutoff).toISOString(),
      usage_rows: result.usageRows,
      tool_results: result.toolResults,
      claims: result.claims,
      complete: result.complete,
      ms: Date.now() - started,
    });
  }
  return result;
}

/** the last completed run, if any */
export function lastRetentionRun(deps: Pick<Deps, 'db'>): (RetentionResult & { at: number }) | undefined {
  const raw = orgRepo(deps.db).setting(RETENTION_LAST_RUN);
  return raw ? (JSON.parse(raw) as RetentionResult & { at: number }) : undefined;
}
