// The retention window (RETENTION_DAYS). Raw records (usage rows, tool results, idempotency claims)
// older than the window are deleted; what they added up to (rollups, sessions, stories, alerts) stays.
// A record older than the window can therefore no longer be recognised as a replay, so ingest does not
// count it: the rule below is the one both sides use, so everything ingest accepts is still
// de-duplicable, whenever the deletion last ran.

const DAY_MS = 86_400_000;

/** records with a time before this are outside the window at `now` */
export function retentionCutoff(now: number, retentionDays: number): number {
  return now - retentionDays * DAY_MS;
}

/** a record this old is not counted (it could be a replay of one already deleted) */
export function isTooOld(recordMs: number, now: number, retentionDays: number): boolean {
  return recordMs < retentionCutoff(now, retentionDays);
}

/**
 * Idempotency claims are keyed by when they were received, not by the record's own time, and a record
 * may carry a time up to a day ahead of its arrival (clock skew is refused beyond that). Claims are
 * therefore kept one day longer than the window: a record inside the window always finds its claim.
 */
export const CLAIM_MARGIN_MS = DAY_MS;

/** claims received before this may be deleted at `now` */
export function claimCutoff(now: number, retentionDays: number): number {
  return retentionCutoff(now, retentionDays) - CLAIM_MARGIN_MS;
}

/** "older than RETENTION_DAYS (90 days): not counted …": the reason ingest gives for such a record */
export function tooOldMessage(retentionDays: number): string {
  return `is older than RETENTION_DAYS (${retentionDays} days): not counted, since a record this old can no longer be recognised as a replay`;
}
