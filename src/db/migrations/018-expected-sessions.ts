// Issue 13 follow-up: a session an approver confirmed as an expected long task leaves the waste
// figure even when it closes without a commit. The org's dead ends are summed from the covering index
// sessions_status_activity, which does not hold `expected`; the few expected sessions are summed from
// this partial index and taken off, so the org figure stays an index-only read.
export const sql = `
CREATE INDEX sessions_expected_activity ON agent_sessions(last_activity_at, status, commits, cost_usd) WHERE expected = 1;
`;
