import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, migrate, openDatabase, schemaVersion } from '../../src/db/open.js';
import { migrations } from '../../src/db/migrations/index.js';
import { tempDbPath } from '../helpers/temp-db.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

describe('openDatabase', () => {
  it('creates the folder, applies every migration and sets the pragmas', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const path = join(t.dir, 'nested', 'deeper', 'a.db');
    const db = openDatabase(path);
    cleanups.push(() => db.close());
    expect(existsSync(path)).toBe(true);
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['teams', 'people', 'usage_records', 'outbox', 'budget_requests']));
  });

  it('is idempotent on reopen', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    openDatabase(t.path).close();
    const db = openDatabase(t.path);
    cleanups.push(() => db.close());
    expect(schemaVersion(db)).toBe(Math.max(...migrations.map((m) => m.version)));
  });

  it('refuses a database newer than the code, leaving it untouched', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const db = openDatabase(t.path);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(t.path)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(t.path)).toThrow(/schema version 999.*upgrade aispend/);
  });

  it('applies pending migrations in one transaction: a failing one leaves nothing behind', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const db = openDatabase(t.path, []);
    cleanups.push(() => db.close());
    const bad = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (x INTEGER); THIS IS NOT SQL;' },
    ];
    expect(() => migrate(db, bad)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('a','b')").get()).toEqual({ n: 0 });
  });
});
