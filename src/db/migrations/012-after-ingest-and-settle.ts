// Issue 13: ingest answers once its write commits, and loop alerts wait for settled data.
// - after_ingest_queue: what the background after-ingest work (loop checks, budget thresholds) must
//   still look at. Each ingest writes it in its own transaction, so a crash between the ingest's 200
//   and the background run loses nothing: the next start runs what is left.
// - loop_watch: loop judgements waiting for their data to settle (LOOP_SETTLE_SECONDS). One row per
//   session and pending action; a commit since the row was written restarts the wait.
export const sql = `
CREATE TABLE after_ingest_queue (
  kind TEXT NOT NULL CHECK (kind IN ('session', 'team')),
  -- the session id, or the team id ('' for unattributed spend)
  ref TEXT NOT NULL,
  -- bumped by every ingest that touches it again, so a run only removes what it has seen
  version INTEGER NOT NULL DEFAULT 1,
  queued_at INTEGER NOT NULL,
  PRIMARY KEY (kind, ref)
) WITHOUT ROWID;

CREATE TABLE loop_watch (
  session_id TEXT NOT NULL,
  -- 'raise:burn', 'raise:repeating_failure' or 'escalate:<loop_alerts.id>'
  what TEXT NOT NULL,
  -- the session's last commit (or start) when first seen
  streak_since INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  -- the session's newest event when first seen
  rests_on INTEGER NOT NULL,
  PRIMARY KEY (session_id, what)
) WITHOUT ROWID;
`;
