// billing_buckets: what provider admin APIs report (usage reports, cost reports, Claude Code analytics).
// Kept apart from usage_records; bills enter totals only through 'billing_gap' / 'analytics_gap' rows.
// A bucket is replaced whole when it is fetched again, so late corrections (and groups that vanish
// from a corrected bucket) replace what was stored.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface BillingBucketInput {
  source: string;
  bucketStart: number;
  bucketEnd: number;
  /** canonical text of the grouping dimensions: unique within (source, bucketStart) */
  dims: string;
  provider: string;
  model: string | null;
  workspaceId?: string | null;
  project?: string | null;
  apiKeyId?: string | null;
  email?: string | null;
  teamId: number | null;
  personId?: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  requests: number;
  costUsd: number;
  costSource: 'reported' | 'computed' | 'unpriced';
  /** JSON of what else the source said (Claude Code core metrics, line item, …) */
  extra?: string | null;
}

export interface BillingBucket {
  source: string;
  bucket_start: number;
  bucket_end: number;
  dims: string;
  provider: string;
  model: string | null;
  workspace_id: string | null;
  project: string | null;
  api_key_id: string | null;
  email: string | null;
  team_id: number | null;
  person_id: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  requests: number;
  cost_usd: number;
  cost_source: string;
  extra: string | null;
  updated_at: number;
}

export interface BillLineRow {
  bucket_start: number;
  team: number;
  workspace_id: string | null;
  project: string | null;
  api_key_id: string | null;
  cost_usd: number;
}

export interface AnalyticsRow {
  person_id: number;
  team: number;
  customer_type: string;
  cost: number;
}

export interface MovedBill {
  source: string;
  provider: string;
  bucket_start: number;
  cost_usd: number;
}

export function billingRepo(db: Db) {
  return memoForDb(db, 'billing', () => {
    const s = {
      clear: db.prepare('DELETE FROM billing_buckets WHERE source = ? AND bucket_start = ? RETURNING dims, team_id'),
      upsert: db.prepare(
        `INSERT INTO billing_buckets (source, bucket_start, bucket_end, dims, provider, model, workspace_id, project, api_key_id,
           email, team_id, person_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, cost_usd,
           cost_source, extra, updated_at)
         VALUES (@source, @bucketStart, @bucketEnd, @dims, @provider, @model, @workspaceId, @project, @apiKeyId, @email, @teamId,
           @personId, @inputTokens, @outputTokens, @cacheReadTokens, @cacheWriteTokens, @requests, @costUsd, @costSource, @extra, @now)
         ON CONFLICT (source, bucket_start, dims) DO UPDATE SET
           bucket_end = excluded.bucket_end, provider = excluded.provider, model = excluded.model,
           workspace_id = excluded.workspace_id, project = excluded.project, api_key_id = excluded.api_key_id,
           email = excluded.email, team_id = excluded.team_id, person_id = excluded.person_id,
           input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
           cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
           requests = excluded.requests, cost_usd = excluded.cost_usd, cost_source = excluded.cost_source,
           extra = excluded.extra, updated_at = excluded.updated_at`,
      ),
      any: db.prepare('SELECT 1 FROM billing_buckets WHERE source = ? AND bucket_start >= ? AND bucket_start < ? LIMIT 1'),
      rows: db.prepare(
        'SELECT * FROM billing_buckets WHERE source = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start, dims',
      ),
      lines: db.prepare(
        `SELECT bucket_start, COALESCE(team_id, 0) AS team, workspace_id, project, api_key_id, cost_usd FROM billing_buckets
         WHERE source = ? AND bucket_start >= ? AND bucket_start < ?`,
      ),
      analytics: db.prepare(
        `SELECT person_id, COALESCE(team_id, 0) AS team, COALESCE(json_extract(extra, '$.customer_type'), 'api') AS customer_type,
           SUM(cost_usd) AS cost FROM billing_buckets
         WHERE source = ? AND bucket_start = ? AND person_id IS NOT NULL GROUP BY person_id, team, customer_type`,
      ),
      days: db.prepare(
        `SELECT DISTINCT bucket_start - (bucket_start % 86400000) AS day_start FROM billing_buckets
         WHERE source = ? ORDER BY day_start`,
      ),
      attribute: {
        workspace: db.prepare(
          'UPDATE billing_buckets SET team_id = ? WHERE team_id IS NULL AND workspace_id = ? AND bucket_start >= ? RETURNING source, provider, bucket_start, cost_usd',
        ),
        project: db.prepare(
          'UPDATE billing_buckets SET team_id = ? WHERE team_id IS NULL AND project = ? AND bucket_start >= ? RETURNING source, provider, bucket_start, cost_usd',
        ),
        key: db.prepare(
          'UPDATE billing_buckets SET team_id = ? WHERE team_id IS NULL AND api_key_id = ? AND bucket_start >= ? RETURNING source, provider, bucket_start, cost_usd',
        ),
        person: db.prepare(
          'UPDATE billing_buckets SET team_id = ? WHERE team_id IS NULL AND person_id = ? AND bucket_start >= ? RETURNING source, provider, bucket_start, cost_usd',
        ),
      },
    };
    return {
      /**
       * Drops a bucket's rows before its fresh copy is written. Returns the team each line had, so a
       * re-fetched line keeps the team it was attributed to (history does not move with a new mapping).
       */
      clearBucket(source: string, bucketStart: number): Map<string, number | null> {
        const out = new Map<string, number | null>();
        for (const r of s.clear.all(source, bucketStart) as Array<{ dims: string; team_id: number | null }>) out.set(r.dims, r.team_id);
        return out;
      },
      /** `prior`: what clearBucket returned; a line that had a team keeps it */
      upsert: (b: BillingBucketInput, now: number, prior?: ReadonlyMap<string, number | null>) =>
        void s.upsert.run({
          workspaceId: null,
          project: null,
          apiKeyId: null,
          email: null,
          personId: null,
          extra: null,
          ...b,
          teamId: prior?.get(b.dims) ?? b.teamId,
          now,
        }),
      hasAny: (source: string, from: number, to: number): boolean => s.any.get(source, from, to) !== undefined,
      rows: (source: string, from: number, to: number) => s.rows.all(source, from, to) as BillingBucket[],
      /** bill lines of buckets starting in [from, to): team (0 = unmapped), scope ids and cost */
      lines: (source: string, from: number, to: number) => s.lines.all(source, from, to) as BillLineRow[],
      /** Claude Code Analytics estimates of a UTC day by person, team (0 = none) and customer type (api, subscription) */
      analyticsOfDay: (dayStart: number) => s.analytics.all('claude_code_analytics', dayStart) as AnalyticsRow[],
      /** the UTC days (as instants) that have buckets of a source */
      daysOf: (source: string) => (s.days.all(source) as Array<{ day_start: number }>).map((r) => r.day_start),
      /** gives still-unattributed lines of a scope or a person to a team; returns what moved */
      /** bill lines of buckets starting at `from` or later (older ones stay with the telemetry they were reconciled with) */
      attributeUnattributed(by: 'workspace' | 'project' | 'key' | 'person', value: string | number, teamId: number, from: number): MovedBill[] {
        return s.attribute[by].all(teamId, value, from) as MovedBill[];
      },
    };
  });
}

export type BillingRepo = ReturnType<typeof billingRepo>;
