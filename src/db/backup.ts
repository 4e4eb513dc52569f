// An online copy of the database while the bot runs, through SQLite's backup API (better-sqlite3's
// db.backup), checked with integrity_check before it is put in place. The copy is taken in one step:
// SQLite restarts a stepwise backup whenever another connection writes between steps, which a busy
// bot does all the time; in one step the copy is a consistent snapshot (WAL lets the bot keep
// writing meanwhile). The copy is made a single self-contained file (journal_mode DELETE).
import Database from 'better-sqlite3';

export interface CopyInfo {
  pages: number;
  bytes: number;
  schemaVersion: number;
}

/** copies `sourcePath` to `destPath` (which must not exist yet); throws when the copy is not sound */
export async function copyDatabase(sourcePath: string, destPath: string): Promise<CopyInfo> {
  // no migrations: a backup taken before an upgrade must be of the database as it is
  const src = new Database(sourcePath, { fileMustExist: true });
  try {
    src.pragma('busy_timeout = 10000');
    await src.backup(destPath, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const copy = new Database(destPath, { fileMustExist: true });
  try {
    const check = copy.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = check.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    if (problems.length > 0) throw new Error(`the copy failed integrity_check: ${problems.slice(0, 3).join('; ')}`);
    copy.pragma('journal_mode = DELETE');
    const pages = copy.pragma('page_count', { simple: true }) as number;
    const pageSize = copy.pragma('page_size', { simple: true }) as number;
    return { pages, bytes: pages * pageSize, schemaVersion: copy.pragma('user_version', { simple: true }) as number };
  } finally {
    copy.close();
  }
}
