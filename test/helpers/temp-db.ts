import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/db/open.js';

export interface TempDb {
  db: Db;
  path: string;
  dir: string;
  /** closes and deletes the files */
  cleanup(): void;
}

/** A migrated SQLite file in a fresh temporary folder (a real file, WAL and all). */
export function tempDbPath(): { path: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'aispend-test-'));
  return { path: join(dir, 'aispend.db'), dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTempDb(): TempDb {
  const t = tempDbPath();
  const db = openDatabase(t.path);
  return {
    db,
    path: t.path,
    dir: t.dir,
    cleanup() {
      if (db.open) db.close();
      t.cleanup();
    },
  };
}
