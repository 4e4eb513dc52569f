// Indexes found by `npm run bench` (issue 9) on a year of data for 2,000 engineers (~700,000 agent
// sessions, 113,000 stories). Without them, answers stayed inside Slack's 3 s but missed 100 ms:
// - `/aispend sessions looping` (and the App Home's looping list) read every session of the team's
//   year to find the few active ones: 50–200 ms. With the status in the index it reads only those.
// - `/aispend summary org` and the org digest sum the waste of every session last active in the
//   period, across all teams: no index began with last_activity_at, so each looped session was found
//   by a lookup per alert, three times over (~120 ms). This one is covering: a week's sessions are
//   read from the index alone (~7 ms).
// - Stories delivered across the org in a period (the org summary's 8-week trend, the org digest)
//   scanned every story of the year, 7 ms a week, ten weeks an answer. Covering: 0.4 ms.
export const sql = `
CREATE INDEX sessions_team_status ON agent_sessions(team_id, status, last_activity_at);
CREATE INDEX sessions_activity ON agent_sessions(last_activity_at, status, commits, cost_usd);
CREATE INDEX stories_done_at ON stories(done, done_at, points, ai_assisted);
`;
