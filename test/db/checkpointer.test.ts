// The WAL checkpointer thread: it copies the log back into the database without the main connection
// doing it (so no ingest commit pays for it), it stops cleanly before the database closes, and a
// database in memory starts none.
import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SAFETY_NET_PAGES, startCheckpointer } from '../../src/db/checkpointer.js';
import { openDatabase } from '../../src/db/open.js';
import { tempDbPath } from '../helpers/temp-db.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WAL checkpointer', () => {
  it('copies the WAL into the database from its own thread, and stops before the database closes', async () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const db = openDatabase(t.path);
    const checkpointer = startCheckpointer(db, { intervalMs: 20 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const before = statSync(t.path).size;
    // ~2 MB in 20 commits: a few hundred pages, far below the main connection's own threshold
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    const batch = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(1_000));
    });
    for (let k = 0; k < 20; k++) batch(100);
    await until(() => statSync(t.path).size > before + 1_000_000);
    expect((db.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).toBe(2_000);

    await checkpointer.stop();
    await checkpointer.stop(); // twice is harmless
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    // the last connection to close removes the WAL: the worker's was closed first
    expect(existsSync(`${t.path}-wal`)).toBe(false);
  });

  it('starts no thread for a database in memory', async () => {
    const db = openDatabase(':memory:');
    const checkpointer = startCheckpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
    db.close();
  });
});
