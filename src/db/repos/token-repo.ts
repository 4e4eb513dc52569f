import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';

export interface IngestToken {
  id: number;
  name: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): string {
  return 'asp_' + randomBytes(24).toString('base64url');
}

export function tokenRepo(db: Db) {
  return memoForDb(db, 'tokens', () => {
    const insert = db.prepare('INSERT INTO ingest_tokens (name, token_hash, created_at) VALUES (?, ?, ?)');
    const byName = db.prepare('SELECT id, name, created_at, revoked_at, last_used_at FROM ingest_tokens WHERE name = ?');
    const list = db.prepare('SELECT id, name, created_at, revoked_at, last_used_at FROM ingest_tokens ORDER BY name');
    const revoke = db.prepare('UPDATE ingest_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL');
    const findActive = db.prepare('SELECT id FROM ingest_tokens WHERE token_hash = ? AND revoked_at IS NULL');
    const touch = db.prepare('UPDATE ingest_tokens SET last_used_at = ? WHERE id = ?');
    return {
      /** Stores only the hash; the caller prints the token once. */
      create(name: string, token: string, now: number): void {
        insert.run(name, hashToken(token), now);
      },
      byName: (name: string) => byName.get(name) as IngestToken | undefined,
      list: () => list.all() as IngestToken[],
      revoke: (name: string, now: number) => revoke.run(now, name).changes > 0,
      /** Lookup by hash: the hash is an index key, so no secret is compared byte by byte in JS. */
      findActiveId(token: string): number | undefined {
        const row = findActive.get(hashToken(token)) as { id: number } | undefined;
        return row?.id;
      },
      touch: (id: number, now: number) => void touch.run(now, id),
    };
  });
}
