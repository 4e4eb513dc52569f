// Claude Code's commit.count and a pushed commit linked to the session (trailer, generic event or
// activity window) usually report the same commit. Keeping telemetry's own count lets a session's
// `commits` be the larger of the two sources, whichever arrives first, instead of their sum.
export const sql = `
ALTER TABLE agent_sessions ADD COLUMN telemetry_commits INTEGER NOT NULL DEFAULT 0;
UPDATE agent_sessions SET telemetry_commits = commits;
`;
