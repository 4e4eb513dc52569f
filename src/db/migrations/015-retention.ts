// Issue 14, retention (RETENTION_DAYS): idempotency claims are deleted by the time they were received,
// in small batches while ingest flows. processed_deliveries has no rowid and its key starts with the
// source, so without this index each batch would scan every claim of every source.
export const sql = `
CREATE INDEX processed_deliveries_received ON processed_deliveries(received_at);
`;
