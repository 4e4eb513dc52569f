// Deletes raw records older than the retention window, one small batch at a time (the caller runs
// each batch in its own short transaction and lets ingest in between). Only raw records go:
// usage_records of telemetry and generic usage (billing and analytics adjustments stay: reconciliation
// replaces them by key; unpriced rows stay: `/aispend admin unpriced` lists them), session_tool_results,
// processed_deliveries (idempotency claims). Rollups are never touched, so totals do not change.
//
// usage_records and session_tool_results have no index on time. They are walked in rowid order,
// which is arrival order: the old rows come first, and the walk stops at the first batch whose rows
// are all inside the window. A row that arrived late with an old time is deleted once the window has
// passed its arrival instead (keeping a record longer is always safe).
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';
import { SOURCE } from '../../domain/counting.js';

/** usage_records sources that are raw records (the rest are adjustments, recomputed by key) */
const RAW_USAGE = [SOURCE.otlpMetric, SOURCE.otlpEvent, SOURCE.generic].map((s) => `'${s}'`).join(', ');

export interface WalkStep {
  /** rows deleted by this step */
  deleted: number;
  /** continue from here (the last rowid looked at) */
  lastId: number;
  /** false when the walk has reached rows inside the window (or the end) */
  more: boolean;
}

interface Row {
  id: number;
  ts: number;
  raw: number;
}

export function retentionRepo(db: Db) {
  return memoForDb(db, 'retention', () => {
    const usageChunk = db.prepare(
      `SELECT id, ts, (source IN (${RAW_USAGE}) AND cost_source <> 'unpriced') AS raw FROM usage_records WHERE id > ? ORDER BY id LIMIT ?`,
    );
    const usageDelete = db.prepare(
      `DELETE FROM usage_records WHERE id IN (SELECT value FROM json_each(?))`,
    );
    const toolChunk = db.prepare('SELECT id, ts, 1 AS raw FROM session_tool_results WHERE id > ? ORDER BY id LIMIT ?');
    const toolDelete = db.prepare('DELETE FROM session_tool_results WHERE id IN (SELECT value FROM json_each(?))');
    const claimsDelete = db.prepare(
      `DELETE FROM processed_deliveries WHERE (source, delivery_id) IN (
         SELECT source, delivery_id FROM processed_deliveries WHERE received_at < ? LIMIT ?)`,
    );
    const usageCount = db.prepare('SELECT COUNT(*) AS n FROM usage_records');

    const step = (chunk: typeof usageChunk, del: typeof usageDelete, cutoff: number, afterId: number, limit: number): WalkStep => {
      const rows = chunk.all(afterId, limit) as Row[];
      if (rows.length === 0) return { deleted: 0, lastId: afterId, more: false };
      const old = rows.filter((r) => r.raw === 1 && r.ts < cutoff).map((r) => r.id);
      const deleted = old.length > 0 ? del.run(JSON.stringify(old)).changes : 0;
      // rows of the window reached: what follows arrived later still
      const allNewer = rows.every((r) => r.ts >= cutoff);
      return { deleted, lastId: rows.at(-1)!.id, more: rows.length === limit && !allNewer };
    };

    return {
      /** one batch of raw usage rows with a time before `cutoff`, walking from rowid `afterId` */
      usageStep: (cutoff: number, afterId: number, limit: number): WalkStep => step(usageChunk, usageDelete, cutoff, afterId, limit),
      /** one batch of tool results with a time before `cutoff` */
      toolResultsStep: (cutoff: number, afterId: number, limit: number): WalkStep => step(toolChunk, toolDelete, cutoff, afterId, limit),
      /** one batch of idempotency claims received before `cutoff`; returns how many were deleted */
      claimsStep: (cutoff: number, limit: number): number => claimsDelete.run(cutoff, limit).changes,
      usageRows: (): number => (usageCount.get() as { n: number }).n,
    };
  });
}
