// Issue 12, the truth of the numbers:
// - usage_records.billing_source: who bills the row (anthropic_api, openai_api, bedrock, vertex,
//   subscription, or a generic provider). Only telemetry of a polled API is reconciled with its bill.
// - Reconciliation in UTC days (bills come in UTC days): adjustment rows name the UTC day they
//   reconcile (bill_day) and are split over the local days their hours fall on. The adjustments
//   written per local day before are dropped here and recomputed at the next start
//   (settings.reconcile_all, read by the usage feature).
// - Rollups gain the billing source; two small ones serve reconciliation: counted spend of the
//   reconciled APIs per UTC hour and team, and Claude Code telemetry per person and UTC day.
// - Metric points without a session id keep their window (span_start) and are matched with events
//   of the same person and model (telemetry_event_minutes).
// - people.claude_plan: a person's Claude plan, from the Analytics API or an admin.
export const sql = `
ALTER TABLE usage_records ADD COLUMN billing_source TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_records ADD COLUMN bill_day TEXT;
ALTER TABLE usage_records ADD COLUMN span_start INTEGER;
UPDATE usage_records SET billing_source = CASE
  WHEN lower(provider) IN ('bedrock', 'aws', 'aws-bedrock', 'amazon-bedrock') THEN 'bedrock'
  WHEN lower(provider) IN ('vertex', 'vertex-ai', 'vertex_ai', 'google-vertex') THEN 'vertex'
  WHEN provider = 'anthropic' AND (lower(model) GLOB 'arn:aws*:bedrock:*' OR lower(model) GLOB '*anthropic.claude*'
    OR model GLOB '*-v[0-9]*:[0-9]*') THEN 'bedrock'
  WHEN provider = 'anthropic' AND model GLOB 'claude-*@[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' THEN 'vertex'
  WHEN provider = 'anthropic' THEN 'anthropic_api'
  WHEN provider = 'openai' THEN 'openai_api'
  ELSE provider END;
DELETE FROM usage_records WHERE source IN ('billing_gap', 'analytics_gap');
INSERT INTO settings (key, value) VALUES ('reconcile_all', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value;

CREATE INDEX usage_adjustments ON usage_records(bill_day, source) WHERE bill_day IS NOT NULL;
CREATE INDEX usage_unattributed ON usage_records(ts) WHERE team_id IS NULL;
CREATE INDEX usage_sessionless_metrics ON usage_records(person_id, model, ts) WHERE source = 'otlp_metric' AND session_id IS NULL;

DROP TABLE usage_daily_team;
CREATE TABLE usage_daily_team (
  day TEXT NOT NULL,
  team_id INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  billing_source TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  fit_cost_usd REAL NOT NULL DEFAULT 0,
  fit_alt_cost_usd REAL NOT NULL DEFAULT 0,
  fit_requests INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, day, provider, model, billing_source)
) WITHOUT ROWID;
CREATE INDEX usage_daily_team_day ON usage_daily_team(day);
INSERT INTO usage_daily_team
SELECT day, COALESCE(team_id, 0), provider, COALESCE(model, ''), billing_source, SUM(cost_usd), SUM(input_tokens), SUM(output_tokens),
  SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(requests),
  SUM(CASE WHEN fit_alt_cost_usd IS NOT NULL THEN cost_usd ELSE 0 END), SUM(COALESCE(fit_alt_cost_usd, 0)),
  SUM(CASE WHEN fit_alt_cost_usd IS NOT NULL THEN requests ELSE 0 END)
FROM usage_records WHERE counted = 1 GROUP BY 1, 2, 3, 4, 5;

DROP TABLE usage_daily_person;
CREATE TABLE usage_daily_person (
  day TEXT NOT NULL,
  person_id INTEGER NOT NULL,
  team_id INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  billing_source TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (person_id, day, provider, model, billing_source, team_id)
) WITHOUT ROWID;
INSERT INTO usage_daily_person
SELECT day, person_id, COALESCE(team_id, 0), provider, COALESCE(model, ''), billing_source, SUM(cost_usd), SUM(input_tokens),
  SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(requests)
FROM usage_records WHERE counted = 1 AND person_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;

-- counted spend of the reconciled APIs (anthropic_api, openai_api) per UTC hour and team, billing
-- adjustments excluded: what telemetry saw, compared with the bill of each UTC day
CREATE TABLE usage_hourly (
  billing_source TEXT NOT NULL,
  hour INTEGER NOT NULL,
  team_id INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (billing_source, hour, team_id)
) WITHOUT ROWID;
INSERT INTO usage_hourly
SELECT billing_source, (ts / 3600000) * 3600000, COALESCE(team_id, 0), SUM(cost_usd) FROM usage_records
WHERE counted = 1 AND source <> 'billing_gap' AND billing_source IN ('anthropic_api', 'openai_api') GROUP BY 1, 2, 3;

-- counted Claude Code telemetry per person and UTC day (compared with the Analytics API's estimate)
CREATE TABLE usage_utc_person (
  billing_source TEXT NOT NULL,
  day TEXT NOT NULL,
  person_id INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (billing_source, day, person_id)
) WITHOUT ROWID;
INSERT INTO usage_utc_person
SELECT billing_source, date(ts / 1000, 'unixepoch'), person_id, SUM(cost_usd) FROM usage_records
WHERE counted = 1 AND person_id IS NOT NULL AND source IN ('otlp_metric', 'otlp_event')
  AND billing_source IN ('anthropic_api', 'subscription') GROUP BY 1, 2, 3;

-- minutes in which a person sent api_request events for a model: metric points without a session
-- id that fall in them describe the same calls
CREATE TABLE telemetry_event_minutes (
  person_id INTEGER NOT NULL,
  model TEXT NOT NULL,
  minute INTEGER NOT NULL,
  PRIMARY KEY (person_id, model, minute)
) WITHOUT ROWID;

ALTER TABLE people ADD COLUMN claude_plan TEXT CHECK (claude_plan IN ('subscription', 'api'));
ALTER TABLE people ADD COLUMN claude_plan_source TEXT CHECK (claude_plan_source IN ('admin', 'analytics'));
-- the UTC day of the Analytics API record the plan was read from (a later day wins)
ALTER TABLE people ADD COLUMN claude_plan_day TEXT;
`;
