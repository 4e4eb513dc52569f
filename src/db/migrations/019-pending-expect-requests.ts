// The App Home lists the owners' requests to excuse a session that wait for the viewer's decision
// (src/loops/pending-requests.ts): the pending ones of the teams a user approves, newest first. Both
// lookups are index seeks: the teams a user approves, and a team's pending requests by time (a partial
// index, so decided requests cost nothing).
export const sql = `
CREATE INDEX team_approvers_user ON team_approvers(slack_user_id, team_id);
CREATE INDEX loop_expect_pending_team ON loop_expect_requests(team_id, requested_at) WHERE status = 'pending';
`;
