import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../errors.js';
import { migrations as allMigrations, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export class DatabaseTooNewError extends AppError {
  constructor(found: number, known: number, path: string) {
    super(
      'database_too_new',
      500,
      `The database ${path} is at schema version ${found}, but this aispend only knows up to ${known}. ` +
        `It was written by a newer aispend: upgrade aispend, or point DATABASE_PATH at another file.`,
    );
  }
}

/** Opens (creating the folder if needed) and migrates the SQLite database. */
export function openDatabase(path: string, migrations: Migration[] = allMigrations): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  try {
    migrate(db, migrations, path);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

/** the schema version this aispend migrates to */
export function latestSchemaVersion(migrations: Migration[] = allMigrations): number {
  return migrations.reduce((m, x) => Math.max(m, x.version), 0);
}

/**
 * Opens an existing database as it is, without migrating it (`aispend doctor` looks; the bot migrates
 * at start). Throws when the file does not exist.
 */
export function openExisting(path: string): Db {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

/** takes the write lock and lets it go: throws when the database cannot be written (read-only file or disk, or locked for longer than the busy timeout) */
export function checkWritable(db: Db): void {
  db.exec('BEGIN IMMEDIATE');
  db.exec('ROLLBACK');
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** a real read: throws when the database cannot answer */
export function checkReadable(db: Db): void {
  db.prepare('SELECT 1').get();
}

export function migrate(db: Db, migrations: Migration[], path = 'database'): void {
  const current = schemaVersion(db);
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) throw new DatabaseTooNewError(current, latest, path);
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return;
  // all pending migrations in one transaction: a failure leaves the database as it was
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
}
