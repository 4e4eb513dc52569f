// Indexes for the query paths (issue 7). `/aispend summary org` and the org digest sum the waste of
// every session last active in a period: with this covering index the closed sessions without a
// commit are summed from the index alone, without a table lookup per session. It begins with
// (status, last_activity_at), so it serves every query sessions_active served, which it replaces.
export const sql = `
CREATE INDEX sessions_status_activity ON agent_sessions(status, last_activity_at, commits, cost_usd);
DROP INDEX sessions_active;
`;
