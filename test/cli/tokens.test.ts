import { afterEach, describe, expect, it } from 'vitest';
import { runTokensCommand } from '../../src/cli/tokens.js';
import { hashToken, tokenRepo } from '../../src/db/repos/token-repo.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';

let t: TempDb;
afterEach(() => t?.cleanup());

describe('aispend tokens', () => {
  it('creates a token, prints it once and stores only its hash', () => {
    t = openTempDb();
    const out = runTokensCommand(t.db, ['create', 'claude-code'], 1000);
    expect(out.ok).toBe(true);
    const token = out.lines.map((l) => l.trim()).find((l) => l.startsWith('asp_'))!;
    expect(token).toMatch(/^asp_[A-Za-z0-9_-]{32}$/);
    const rows = t.db.prepare('SELECT * FROM ingest_tokens').all() as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(tokenRepo(t.db).findActiveId(token)).toBe(rows[0]!.id);
    const list = runTokensCommand(t.db, ['list'], 2000);
    expect(list.lines.join('\n')).toContain('claude-code');
    expect(list.lines.join('\n')).not.toContain(token);
  });

  it('refuses a duplicate name and a bad name', () => {
    t = openTempDb();
    runTokensCommand(t.db, ['create', 'a'], 1);
    expect(runTokensCommand(t.db, ['create', 'a'], 2).ok).toBe(false);
    expect(runTokensCommand(t.db, ['create', 'bad name!'], 2).ok).toBe(false);
    expect(runTokensCommand(t.db, ['create'], 2).ok).toBe(false);
  });

  it('revokes: the token stops working, and a second revoke says so', () => {
    t = openTempDb();
    const token = runTokensCommand(t.db, ['create', 'x'], 1).lines.map((l) => l.trim()).find((l) => l.startsWith('asp_'))!;
    expect(runTokensCommand(t.db, ['revoke', 'x'], 5).ok).toBe(true);
    expect(tokenRepo(t.db).findActiveId(token)).toBeUndefined();
    const again = runTokensCommand(t.db, ['revoke', 'x'], 6);
    expect(again.ok).toBe(false);
    expect(again.lines[0]).toContain('already revoked');
    expect(runTokensCommand(t.db, ['revoke', 'nope'], 6).ok).toBe(false);
    expect(runTokensCommand(t.db, ['list'], 7).lines.join('\n')).toContain('revoked');
  });
});
