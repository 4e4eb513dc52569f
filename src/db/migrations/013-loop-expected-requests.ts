// Issue 13: a session owner cannot excuse their own loop. Their "Expected (long task)" becomes a
// request that the team's approvers (or an admin) decide; exactly one decision wins (the partial
// unique index allows one pending request per session, and deciding is a conditional UPDATE).
// The audit log is also read by subject now: a loop alert's message shows its history from it.
export const sql = `
CREATE TABLE loop_expect_requests (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  -- the alert whose button was pressed (its channel post carries the request thread)
  alert_id INTEGER NOT NULL REFERENCES loop_alerts(id),
  team_id INTEGER,
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  -- JSON array of the Slack user ids asked to decide
  approvers TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
  decided_by TEXT,
  decided_at INTEGER
);
CREATE UNIQUE INDEX loop_expect_one_pending ON loop_expect_requests(session_id) WHERE status = 'pending';
CREATE INDEX loop_expect_session ON loop_expect_requests(session_id, id);

CREATE INDEX audit_subject ON audit_log(subject, at);
`;
