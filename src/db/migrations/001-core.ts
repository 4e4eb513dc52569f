// The whole first schema. Conventions: times are epoch milliseconds (INTEGER, *_at / ts);
// `day` columns are local dates (YYYY-MM-DD) in the rollup time zone (settings.rollup_timezone);
// money is USD as REAL; team_id / person_id 0 in rollups means "unattributed".
export const sql = `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  channel_id TEXT,
  approvals_channel_id TEXT,
  monthly_budget_usd REAL,
  loop_min_cost_usd REAL,
  loop_min_minutes REAL,
  created_at INTEGER NOT NULL
);

CREATE TABLE team_approvers (
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  slack_user_id TEXT NOT NULL,
  PRIMARY KEY (team_id, slack_user_id)
) WITHOUT ROWID;

-- workspace: Anthropic workspace id; project: OpenAI project id, Jira project key, Linear team key,
-- generic "project"; key: provider API key id
CREATE TABLE team_mappings (
  kind TEXT NOT NULL CHECK (kind IN ('workspace', 'project', 'key')),
  external_id TEXT NOT NULL,
  team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
  PRIMARY KEY (kind, external_id)
) WITHOUT ROWID;

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  email TEXT UNIQUE COLLATE NOCASE,
  slack_user_id TEXT UNIQUE,
  name TEXT,
  team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX people_team ON people(team_id);

-- other identities of a person: jira accountId, linear user id, github login, claude account uuid
CREATE TABLE person_identities (
  kind TEXT NOT NULL CHECK (kind IN ('jira', 'linear', 'github', 'account_uuid')),
  external_id TEXT NOT NULL,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  PRIMARY KEY (kind, external_id)
) WITHOUT ROWID;

CREATE TABLE ingest_tokens (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  last_used_at INTEGER
);

-- One row per priced unit of usage. Totals are SUM(cost_usd) WHERE counted = 1 (see README "Counting rule").
CREATE TABLE usage_records (
  id INTEGER PRIMARY KEY,
  idem_key TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  ts INTEGER NOT NULL,
  day TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT,
  person_id INTEGER,
  team_id INTEGER,
  session_id TEXT,
  project TEXT,
  workspace_id TEXT,
  api_key_id TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  cost_source TEXT NOT NULL CHECK (cost_source IN ('reported', 'computed', 'unpriced')),
  counted INTEGER NOT NULL DEFAULT 1,
  fit_alt_cost_usd REAL
);
CREATE INDEX usage_session ON usage_records(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX usage_provider_day ON usage_records(provider, day);
CREATE INDEX usage_unpriced ON usage_records(model) WHERE cost_source = 'unpriced';

-- Rollups of counted usage, kept in step by the usage repository on every write.
CREATE TABLE usage_daily_team (
  day TEXT NOT NULL,
  team_id INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  fit_cost_usd REAL NOT NULL DEFAULT 0,
  fit_alt_cost_usd REAL NOT NULL DEFAULT 0,
  fit_requests INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, day, provider, model)
) WITHOUT ROWID;
CREATE INDEX usage_daily_team_day ON usage_daily_team(day);

CREATE TABLE usage_daily_person (
  day TEXT NOT NULL,
  person_id INTEGER NOT NULL,
  team_id INTEGER NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (person_id, day, provider, model, team_id)
) WITHOUT ROWID;

-- Admin API reports (bills). Kept apart from usage_records: they enter totals only through
-- 'billing_gap' rows (the part of a bill that telemetry does not explain).
CREATE TABLE billing_buckets (
  source TEXT NOT NULL,
  bucket_start INTEGER NOT NULL,
  bucket_end INTEGER NOT NULL,
  dims TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT,
  workspace_id TEXT,
  project TEXT,
  api_key_id TEXT,
  email TEXT,
  team_id INTEGER,
  person_id INTEGER,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  cost_source TEXT NOT NULL,
  extra TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (source, bucket_start, dims)
) WITHOUT ROWID;

CREATE TABLE poller_state (
  name TEXT PRIMARY KEY,
  cursor TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);

-- cumulative OTLP series: the last value seen, so that each export adds only its increase
CREATE TABLE otel_series (
  series_key TEXT PRIMARY KEY,
  start_ns TEXT NOT NULL,
  last_time_ns TEXT NOT NULL,
  last_value REAL NOT NULL
) WITHOUT ROWID;

CREATE TABLE agent_sessions (
  session_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  person_id INTEGER,
  team_id INTEGER,
  email TEXT,
  account_uuid TEXT,
  repo TEXT,
  project TEXT,
  started_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  api_requests INTEGER NOT NULL DEFAULT 0,
  has_events INTEGER NOT NULL DEFAULT 0,
  commits INTEGER NOT NULL DEFAULT 0,
  pull_requests INTEGER NOT NULL DEFAULT 0,
  lines_added INTEGER NOT NULL DEFAULT 0,
  lines_removed INTEGER NOT NULL DEFAULT 0,
  tool_failures INTEGER NOT NULL DEFAULT 0,
  prompts INTEGER NOT NULL DEFAULT 0,
  active_seconds REAL NOT NULL DEFAULT 0,
  last_commit_at INTEGER,
  cost_at_last_commit REAL NOT NULL DEFAULT 0,
  lines_at_last_commit INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
  closed_at INTEGER,
  expected INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX sessions_team ON agent_sessions(team_id, last_activity_at);
CREATE INDEX sessions_person ON agent_sessions(person_id, last_activity_at);
CREATE INDEX sessions_active ON agent_sessions(status, last_activity_at);

CREATE TABLE session_tool_results (
  id INTEGER PRIMARY KEY,
  idem_key TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  tool_name TEXT NOT NULL,
  success INTEGER NOT NULL,
  error_sig TEXT
);
CREATE INDEX tool_results_session ON session_tool_results(session_id, ts);

-- idempotency of webhook deliveries and generic events (source: github, jira, linear, generic-delivery, ...)
CREATE TABLE processed_deliveries (
  source TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (source, delivery_id)
) WITHOUT ROWID;

CREATE TABLE commits (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  sha TEXT NOT NULL,
  ts INTEGER NOT NULL,
  author_email TEXT,
  author_name TEXT,
  person_id INTEGER,
  team_id INTEGER,
  branch TEXT,
  subject TEXT,
  ai_assisted INTEGER NOT NULL DEFAULT 0,
  ai_markers TEXT,
  session_id TEXT,
  source TEXT NOT NULL,
  UNIQUE (repo, sha)
);
CREATE INDEX commits_session ON commits(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX commits_person ON commits(person_id, ts);
CREATE INDEX commits_team ON commits(team_id, ts);

CREATE TABLE pull_requests (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  title TEXT,
  branch TEXT,
  author_login TEXT,
  person_id INTEGER,
  team_id INTEGER,
  merged_at INTEGER NOT NULL,
  additions INTEGER NOT NULL DEFAULT 0,
  deletions INTEGER NOT NULL DEFAULT 0,
  ai_assisted INTEGER NOT NULL DEFAULT 0,
  ai_markers TEXT,
  source TEXT NOT NULL,
  UNIQUE (repo, number)
);
CREATE INDEX prs_team ON pull_requests(team_id, merged_at);

CREATE TABLE sprints (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  external_id TEXT NOT NULL,
  name TEXT,
  state TEXT,
  team_id INTEGER,
  starts_at INTEGER,
  ends_at INTEGER,
  completed_at INTEGER,
  UNIQUE (source, external_id)
);
CREATE INDEX sprints_team ON sprints(team_id, starts_at);

-- a story is counted once, in the week of done_at, while done = 1
CREATE TABLE stories (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  external_id TEXT NOT NULL,
  key TEXT,
  title TEXT,
  points REAL,
  done INTEGER NOT NULL DEFAULT 0,
  done_at INTEGER,
  sprint_id INTEGER REFERENCES sprints(id),
  team_id INTEGER,
  person_id INTEGER,
  assignee_ref TEXT,
  project_key TEXT,
  ai_assisted INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX stories_team_done ON stories(team_id, done, done_at);
CREATE INDEX stories_person_done ON stories(person_id, done, done_at);
CREATE INDEX stories_key ON stories(key);

-- commits and PRs that mention a story key
CREATE TABLE work_links (
  story_key TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'pr')),
  ref_id INTEGER NOT NULL,
  PRIMARY KEY (story_key, kind, ref_id)
) WITHOUT ROWID;
CREATE INDEX work_links_ref ON work_links(kind, ref_id);

CREATE TABLE loop_alerts (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'snoozed', 'expected')),
  team_id INTEGER,
  fired_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  level INTEGER NOT NULL DEFAULT 1,
  cost_at_alert REAL NOT NULL,
  next_alert_cost REAL NOT NULL,
  reason TEXT NOT NULL,
  snoozed_until INTEGER,
  acted_by TEXT,
  acted_at INTEGER,
  UNIQUE (session_id, rule)
);
CREATE INDEX loop_alerts_team ON loop_alerts(team_id, fired_at);

-- Every message the bot sends on its own initiative: recorded before it is sent, sent once.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  depends_on INTEGER REFERENCES outbox(id),
  -- 1 when a send was under way at a crash: before re-sending, look for the message in the channel
  uncertain INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  result TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);

CREATE TABLE budget_requests (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  requester_slack_id TEXT NOT NULL,
  amount_usd REAL NOT NULL,
  reason TEXT NOT NULL,
  month TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'cancelled', 'expired')),
  created_at INTEGER NOT NULL,
  channel_id TEXT,
  message_ts TEXT,
  decided_by TEXT,
  decided_at INTEGER,
  approved_amount_usd REAL,
  decision_note TEXT,
  reminded_at INTEGER
);
CREATE INDEX budget_requests_team ON budget_requests(team_id, status);
CREATE INDEX budget_requests_thread ON budget_requests(channel_id, message_ts);

CREATE TABLE budget_increases (
  id INTEGER PRIMARY KEY,
  team_id INTEGER NOT NULL REFERENCES teams(id),
  month TEXT NOT NULL,
  amount_usd REAL NOT NULL,
  request_id INTEGER UNIQUE REFERENCES budget_requests(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX budget_increases_team ON budget_increases(team_id, month);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  team_id INTEGER,
  subject TEXT,
  details TEXT
);
CREATE INDEX audit_team ON audit_log(team_id, at);
`;
