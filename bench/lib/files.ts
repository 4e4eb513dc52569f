// Database files of the bench: a SQLite database is up to three files (WAL mode).
import { rmSync, statSync } from 'node:fs';

export function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/** bytes on disk of a database and its WAL */
export function dbBytes(path: string): number {
  let n = 0;
  for (const suffix of ['', '-wal']) {
    try {
      n += statSync(path + suffix).size;
    } catch {
      // no WAL file: nothing to add
    }
  }
  return n;
}
