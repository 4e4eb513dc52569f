// Issue 15, ingest speed: only the recount of a session's OTLP metrics (once its events arrive) looks
// usage rows up by session. Every other row (events, gateway, bills) paid for an index entry no query
// reads, on the hottest insert path; the index now holds just the rows that query needs.
export const sql = `
DROP INDEX usage_session;
CREATE INDEX usage_session_metrics ON usage_records(session_id) WHERE source = 'otlp_metric' AND session_id IS NOT NULL;
`;
