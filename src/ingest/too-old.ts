// The answer's word on records older than RETENTION_DAYS (not counted): `"too_old": n` and a warning
// per record naming its path, as for any field the sender should look at.
import { tooOldMessage } from '../domain/retention.js';
import type { FieldIssue } from '../errors.js';

/** at most this many paths are listed; `too_old` gives the total */
const MAX_LISTED = 100;

export function tooOldWarnings(indexes: number[], path: (i: number) => string, retentionDays: number): FieldIssue[] {
  const message = tooOldMessage(retentionDays);
  const listed = indexes.slice(0, MAX_LISTED).map((i) => ({ path: path(i), message }));
  if (indexes.length > MAX_LISTED) listed.push({ path: '(more)', message: `and ${indexes.length - MAX_LISTED} more records older than RETENTION_DAYS` });
  return listed;
}
