// usage_records and the rollups kept in step with it (usage_daily_team, usage_daily_person, and the
// usage totals of agent_sessions). Every usage write goes through a writer from this repository, in
// the caller's transaction:
//   insert   INSERT … ON CONFLICT(idem_key) DO NOTHING (false = a duplicate);
//   replace  a late correction: the old row's contribution is subtracted, the new one added;
//   remove   the same, without a new row;
//   uncountSessionMetrics  counting rule a: a session's metric rows flip to counted = 0.
// Rollup and session deltas are summed in memory and written once per key by flush(), so a batch
// costs one statement per row plus one per (team, day, model) touched.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';
import { sessionRepo } from './session-repo.js';
import { BILLING_ADJUSTMENT_MODEL, SOURCE, TELEMETRY_SOURCES, type SeriesState } from '../../domain/counting.js';

export type CostSource = 'reported' | 'computed' | 'unpriced';

export interface UsageRowInput {
  idemKey: string;
  source: string;
  ts: number;
  /** local day of ts in AISPEND_TIMEZONE */
  day: string;
  provider: string;
  model: string;
  personId: number | null;
  teamId: number | null;
  sessionId: string | null;
  project?: string | null;
  workspaceId?: string | null;
  apiKeyId?: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  requests: number;
  costUsd: number;
  costSource: CostSource;
  counted: boolean;
  fitAltCostUsd: number | null;
}

export interface UsageRecord {
  id: number;
  idem_key: string;
  source: string;
  ts: number;
  day: string;
  provider: string;
  model: string | null;
  person_id: number | null;
  team_id: number | null;
  session_id: string | null;
  project: string | null;
  workspace_id: string | null;
  api_key_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  requests: number;
  cost_usd: number;
  cost_source: CostSource;
  counted: number;
  fit_alt_cost_usd: number | null;
}

export interface UnpricedModel {
  provider: string;
  model: string;
  rows: number;
  tokens: number;
  first_seen: number;
  last_seen: number;
}

/** What a batch changed, for reconciliation and the after-ingest hooks. */
export interface UsageTouched {
  /** `${provider}\u0000${day}` of every counted change */
  providerDays: Set<string>;
  /** `${personId}\u0000${day}` of counted Anthropic telemetry changes (rule c) */
  telemetryPersonDays: Set<string>;
  /** teams whose spend changed (null: unattributed) */
  teams: Set<number | null>;
  sessions: Set<string>;
}

export interface UsageWriter {
  insert(row: UsageRowInput): boolean;
  replace(row: UsageRowInput): void;
  remove(idemKey: string): boolean;
  /** rule a: flips the session's counted metric rows to counted = 0; returns how many */
  uncountSessionMetrics(sessionId: string): number;
  /** writes the summed rollup and session deltas */
  flush(): void;
  readonly touched: UsageTouched;
}

interface Contribution {
  day: string;
  provider: string;
  model: string;
  teamId: number | null;
  personId: number | null;
  sessionId: string | null;
  source: string;
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
  fitAlt: number | null;
}

interface TeamDelta {
  day: string;
  team: number;
  provider: string;
  model: string;
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
  fitCost: number;
  fitAlt: number;
  fitRequests: number;
}

interface PersonDelta extends Omit<TeamDelta, 'fitCost' | 'fitAlt' | 'fitRequests'> {
  person: number;
}

interface SessionDelta {
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
}

function fromInput(r: UsageRowInput): Contribution {
  return {
    day: r.day,
    provider: r.provider,
    model: r.model,
    teamId: r.teamId,
    personId: r.personId,
    sessionId: r.sessionId,
    source: r.source,
    cost: r.costUsd,
    input: r.inputTokens,
    output: r.outputTokens,
    cacheRead: r.cacheReadTokens,
    cacheWrite: r.cacheWriteTokens,
    requests: r.requests,
    fitAlt: r.fitAltCostUsd,
  };
}

function fromRecord(r: UsageRecord): Contribution {
  return {
    day: r.day,
    provider: r.provider,
    model: r.model ?? '',
    teamId: r.team_id,
    personId: r.person_id,
    sessionId: r.session_id,
    source: r.source,
    cost: r.cost_usd,
    input: r.input_tokens,
    output: r.output_tokens,
    cacheRead: r.cache_read_tokens,
    cacheWrite: r.cache_write_tokens,
    requests: r.requests,
    fitAlt: r.fit_alt_cost_usd,
  };
}

const COLUMNS =
  'idem_key, source, ts, day, provider, model, person_id, team_id, session_id, project, workspace_id, api_key_id, ' +
  'input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, cost_usd, cost_source, counted, fit_alt_cost_usd';

function params(r: UsageRowInput): unknown[] {
  return [
    r.idemKey,
    r.source,
    r.ts,
    r.day,
    r.provider,
    r.model,
    r.personId,
    r.teamId,
    r.sessionId,
    r.project ?? null,
    r.workspaceId ?? null,
    r.apiKeyId ?? null,
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWriteTokens,
    r.requests,
    r.costUsd,
    r.costSource,
    r.counted ? 1 : 0,
    r.fitAltCostUsd,
  ];
}

export function usageRepo(db: Db) {
  return memoForDb(db, 'usage', () => {
    const sessions = sessionRepo(db);
    const s = {
      insert: db.prepare(
        `INSERT INTO usage_records (${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')})
         ON CONFLICT (idem_key) DO NOTHING`,
      ),
      byKey: db.prepare('SELECT * FROM usage_records WHERE idem_key = ?'),
      update: db.prepare(
        `UPDATE usage_records SET source = ?, ts = ?, day = ?, provider = ?, model = ?, person_id = ?, team_id = ?, session_id = ?,
           project = ?, workspace_id = ?, api_key_id = ?, input_tokens = ?, output_tokens = ?, cache_read_tokens = ?,
           cache_write_tokens = ?, requests = ?, cost_usd = ?, cost_source = ?, counted = ?, fit_alt_cost_usd = ?
         WHERE idem_key = ?`,
      ),
      delete: db.prepare('DELETE FROM usage_records WHERE idem_key = ?'),
      uncountMetrics: db.prepare(
        `UPDATE usage_records SET counted = 0 WHERE session_id = ? AND source = '${SOURCE.otlpMetric}' AND counted = 1 RETURNING *`,
      ),
      team: db.prepare(
        `INSERT INTO usage_daily_team (day, team_id, provider, model, cost_usd, input_tokens, output_tokens, cache_read_tokens,
           cache_write_tokens, requests, fit_cost_usd, fit_alt_cost_usd, fit_requests)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, day, provider, model) DO UPDATE SET
           cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, requests = requests + excluded.requests,
           fit_cost_usd = fit_cost_usd + excluded.fit_cost_usd, fit_alt_cost_usd = fit_alt_cost_usd + excluded.fit_alt_cost_usd,
           fit_requests = fit_requests + excluded.fit_requests`,
      ),
      person: db.prepare(
        `INSERT INTO usage_daily_person (day, person_id, team_id, provider, model, cost_usd, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, requests)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id, day, provider, model, team_id) DO UPDATE SET
           cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, requests = requests + excluded.requests`,
      ),
      observedByTeam: db.prepare(
        `SELECT team_id, SUM(cost_usd) AS cost FROM usage_daily_team
         WHERE day = ? AND provider = ? AND model <> '${BILLING_ADJUSTMENT_MODEL}' GROUP BY team_id`,
      ),
      rowsOfSource: db.prepare('SELECT * FROM usage_records WHERE provider = ? AND day = ? AND source = ?'),
      telemetryByPerson: db.prepare(
        `SELECT person_id, SUM(cost_usd) AS cost FROM usage_records
         WHERE provider = 'anthropic' AND day = ? AND counted = 1 AND person_id IS NOT NULL
           AND source IN (${TELEMETRY_SOURCES.map((x) => `'${x}'`).join(', ')})
         GROUP BY person_id`,
      ),
      telemetryForPerson: db.prepare(
        `SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM usage_records
         WHERE provider = 'anthropic' AND day = ? AND counted = 1 AND person_id = ?
           AND source IN (${TELEMETRY_SOURCES.map((x) => `'${x}'`).join(', ')})`,
      ),
      series: db.prepare('SELECT start_ns, last_time_ns, last_value FROM otel_series WHERE series_key = ?'),
      seriesSet: db.prepare(
        `INSERT INTO otel_series (series_key, start_ns, last_time_ns, last_value) VALUES (?, ?, ?, ?)
         ON CONFLICT (series_key) DO UPDATE SET start_ns = excluded.start_ns, last_time_ns = excluded.last_time_ns,
           last_value = excluded.last_value`,
      ),
      unpriced: db.prepare(
        `SELECT provider, model, SUM(n) AS rows, SUM(tokens) AS tokens, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen FROM (
           SELECT provider, model, COUNT(*) AS n, SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) AS tokens,
                  MIN(ts) AS first_seen, MAX(ts) AS last_seen
           FROM usage_records WHERE cost_source = 'unpriced' GROUP BY provider, model
           UNION ALL
           SELECT provider, model, COUNT(*), SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens),
                  MIN(bucket_start), MAX(bucket_start)
           FROM billing_buckets WHERE cost_source = 'unpriced' AND model IS NOT NULL GROUP BY provider, model
         ) GROUP BY provider, model ORDER BY tokens DESC, provider, model`,
      ),
    };

    function writer(): UsageWriter {
      const teamDeltas = new Map<string, TeamDelta>();
      const personDeltas = new Map<string, PersonDelta>();
      const sessionDeltas = new Map<string, SessionDelta>();
      const touched: UsageTouched = {
        providerDays: new Set(),
        telemetryPersonDays: new Set(),
        teams: new Set(),
        sessions: new Set(),
      };

      const contribute = (c: Contribution, sign: 1 | -1) => {
        const team = c.teamId ?? 0;
        const tk = `${team}\u0000${c.day}\u0000${c.provider}\u0000${c.model}`;
        let t = teamDeltas.get(tk);
        if (!t) {
          t = { day: c.day, team, provider: c.provider, model: c.model, cost: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, requests: 0, fitCost: 0, fitAlt: 0, fitRequests: 0 };
          teamDeltas.set(tk, t);
        }
        t.cost += sign * c.cost;
        t.input += sign * c.input;
        t.output += sign * c.output;
        t.cacheRead += sign * c.cacheRead;
        t.cacheWrite += sign * c.cacheWrite;
        t.requests += sign * c.requests;
        if (c.fitAlt !== null) {
          t.fitCost += sign * c.cost;
          t.fitAlt += sign * c.fitAlt;
          t.fitRequests += sign * c.requests;
        }
        if (c.personId !== null) {
          const pk = `${c.personId}\u0000${tk}`;
          let p = personDeltas.get(pk);
          if (!p) {
            p = { day: c.day, person: c.personId, team, provider: c.provider, model: c.model, cost: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, requests: 0 };
            personDeltas.set(pk, p);
          }
          p.cost += sign * c.cost;
          p.input += sign * c.input;
          p.output += sign * c.output;
          p.cacheRead += sign * c.cacheRead;
          p.cacheWrite += sign * c.cacheWrite;
          p.requests += sign * c.requests;
          if (c.provider === 'anthropic' && TELEMETRY_SOURCES.includes(c.source)) {
            touched.telemetryPersonDays.add(`${c.personId}\u0000${c.day}`);
          }
        }
        if (c.sessionId !== null) {
          let d = sessionDeltas.get(c.sessionId);
          if (!d) {
            d = { cost: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, requests: 0 };
            sessionDeltas.set(c.sessionId, d);
          }
          d.cost += sign * c.cost;
          d.input += sign * c.input;
          d.output += sign * c.output;
          d.cacheRead += sign * c.cacheRead;
          d.cacheWrite += sign * c.cacheWrite;
          d.requests += sign * c.requests;
          touched.sessions.add(c.sessionId);
        }
        touched.providerDays.add(`${c.provider}\u0000${c.day}`);
        touched.teams.add(c.teamId);
      };

      return {
        touched,
        insert(row) {
          const inserted = s.insert.run(...params(row)).changes > 0;
          if (inserted && row.counted) contribute(fromInput(row), 1);
          return inserted;
        },
        replace(row) {
          const old = s.byKey.get(row.idemKey) as UsageRecord | undefined;
          if (old) {
            if (old.counted === 1) contribute(fromRecord(old), -1);
            const p = params(row);
            s.update.run(...p.slice(1), row.idemKey);
          } else {
            s.insert.run(...params(row));
          }
          if (row.counted) contribute(fromInput(row), 1);
        },
        remove(idemKey) {
          const old = s.byKey.get(idemKey) as UsageRecord | undefined;
          if (!old) return false;
          if (old.counted === 1) contribute(fromRecord(old), -1);
          s.delete.run(idemKey);
          return true;
        },
        uncountSessionMetrics(sessionId) {
          const rows = s.uncountMetrics.all(sessionId) as UsageRecord[];
          for (const r of rows) contribute(fromRecord(r), -1);
          return rows.length;
        },
        flush() {
          for (const t of teamDeltas.values()) {
            s.team.run(t.day, t.team, t.provider, t.model, t.cost, t.input, t.output, t.cacheRead, t.cacheWrite, t.requests, t.fitCost, t.fitAlt, t.fitRequests);
          }
          for (const p of personDeltas.values()) {
            s.person.run(p.day, p.person, p.team, p.provider, p.model, p.cost, p.input, p.output, p.cacheRead, p.cacheWrite, p.requests);
          }
          for (const [id, d] of sessionDeltas) sessions.addUsage(id, d);
          teamDeltas.clear();
          personDeltas.clear();
          sessionDeltas.clear();
        },
      };
    }

    return {
      /** A batch writer; use it inside one transaction and call flush() before it commits. */
      writer,
      byIdemKey: (key: string) => s.byKey.get(key) as UsageRecord | undefined,
      /** counted spend of a provider on a local day by team (0 = unattributed), billing adjustments excluded */
      observedByTeam(provider: string, day: string): Map<number, number> {
        const out = new Map<number, number>();
        for (const r of s.observedByTeam.all(day, provider) as Array<{ team_id: number; cost: number }>) out.set(r.team_id, r.cost);
        return out;
      },
      /** rows of one source (billing_gap, analytics_gap) for a provider and local day */
      rowsOfSource: (provider: string, day: string, source: string) => s.rowsOfSource.all(provider, day, source) as UsageRecord[],
      /** counted Claude Code telemetry cost per person on a local day */
      telemetryCostByPerson(day: string): Map<number, number> {
        const out = new Map<number, number>();
        for (const r of s.telemetryByPerson.all(day) as Array<{ person_id: number; cost: number }>) out.set(r.person_id, r.cost);
        return out;
      },
      telemetryCostForPerson: (personId: number, day: string) =>
        (s.telemetryForPerson.get(day, personId) as { cost: number }).cost,
      /** last state of a cumulative OTLP series */
      seriesState(key: string): SeriesState | undefined {
        const r = s.series.get(key) as { start_ns: string; last_time_ns: string; last_value: number } | undefined;
        return r ? { startNs: BigInt(r.start_ns), lastTimeNs: BigInt(r.last_time_ns), lastValue: r.last_value } : undefined;
      },
      saveSeries: (key: string, st: SeriesState) =>
        void s.seriesSet.run(key, st.startNs.toString(), st.lastTimeNs.toString(), st.lastValue),
      /** models no price is known for, with how much usage they carry (for `/aispend admin unpriced`) */
      unpricedModels: () => s.unpriced.all() as UnpricedModel[],
    };
  });
}

export type UsageRepo = ReturnType<typeof usageRepo>;

/** Models no price is known for, with their usage (rows, tokens, first and last seen): `/aispend admin unpriced`. */
export function unpricedModels(db: Db): UnpricedModel[] {
  return usageRepo(db).unpricedModels();
}
