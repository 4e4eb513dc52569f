// Team-scoped ingest tokens (issue 15): a token may be limited to one team; its records may name no
// other. NULL keeps a token unscoped, as every token made before this migration is.
export const sql = `
ALTER TABLE ingest_tokens ADD COLUMN team_id INTEGER REFERENCES teams(id);
`;
