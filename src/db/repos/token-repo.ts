import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface IngestToken {
  id: number;
  name: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** a team-scoped token's team (its records may only name it); null: any team */
  team_id: number | null;
  team_name: string | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return 'asp_' + randomBytes(24).toString('base64url');
}

export function tokenRepo(db: Db) {
  return memoForDb(db, 'tokens', () => {
    const insert = db.prepare('INSERT INTO ingest_tokens (name, token_hash, created_at, team_id) VALUES (?, ?, ?, ?)');
    const COLS = 'k.id, k.name, k.created_at, k.revoked_at, k.last_used_at, k.team_id, t.name AS team_name';
    const FROM = 'ingest_tokens k LEFT JOIN teams t ON t.id = k.team_id';
    const byName = db.prepare(`SELECT ${COLS} FROM ${FROM} WHERE k.name = ?`);
    const list = db.prepare(`SELECT ${COLS} FROM ${FROM} ORDER BY k.name`);
    const revoke = db.prepare('UPDATE ingest_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL');
    const findActive = db.prepare(`SELECT k.id, k.team_id, t.name AS team_name FROM ${FROM} WHERE k.token_hash = ? AND k.revoked_at IS NULL`);
    const touch = db.prepare('UPDATE ingest_tokens SET last_used_at = ? WHERE id = ?');
    return {
      /** Stores only the hash; the caller prints the token once. `teamId`: scope it to one team. */
      create(name: string, token: string, now: number, teamId: number | null = null): void {
        insert.run(name, hashToken(token), now, teamId);
      },
      byName: (name: string) => byName.get(name) as IngestToken | undefined,
      list: () => list.all() as IngestToken[],
      revoke: (name: string, now: number) => revoke.run(now, name).changes > 0,
      /** Lookup by hash: the hash is an index key, so no secret is compared byte by byte in JS. */
      findActiveId(token: string): number | undefined {
        return this.findActive(token)?.id;
      },
      /** the active token with this value, and its team scope */
      findActive(token: string): { id: number; team?: { id: number; name: string } } | undefined {
        const row = findActive.get(hashToken(token)) as { id: number; team_id: number | null; team_name: string | null } | undefined;
        if (!row) return undefined;
        return row.team_id !== null && row.team_name !== null ? { id: row.id, team: { id: row.team_id, name: row.team_name } } : { id: row.id };
      },
      touch: (id: number, now: number) => void touch.run(now, id),
    };
  });
}
