// `npx aispend backup <file>`: an online copy of DATABASE_PATH while the bot runs, checked, then put in
// place atomically: it is written next to <file> under a temporary name, synced to disk and renamed,
// so <file> is either the previous backup or a complete, checked new one, never half of one.
// Restore and a nightly schedule: docs/operations.md.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { copyDatabase, type CopyInfo } from '../db/backup.js';

export interface BackupResult extends CopyInfo {
  file: string;
  ms: number;
  replaced: boolean;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

function fsyncPath(path: string, dir = false): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch (e) {
    // some platforms cannot fsync a directory; the file itself was synced
    if (!dir) throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export async function runBackup(databasePath: string, target: string): Promise<BackupResult> {
  const source = resolve(databasePath);
  const file = resolve(target);
  if (!existsSync(source)) throw new BackupError(`There is no database at ${databasePath} (DATABASE_PATH): nothing to back up.`);
  if ([source, `${source}-wal`, `${source}-shm`].includes(file)) {
    throw new BackupError(`${target} is the live database itself: give the backup another path.`);
  }
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupError(`The folder ${dir} does not exist: create it first.`);
  const replaced = existsSync(file);
  const partial = join(dir, `.${basename(file)}.partial-${process.pid}`);
  const started = Date.now();
  try {
    rmSync(partial, { force: true });
    const info = await copyDatabase(source, partial);
    fsyncPath(partial);
    renameSync(partial, file);
    fsyncPath(dir, true);
    return { ...info, file, ms: Date.now() - started, replaced };
  } catch (e) {
    rmSync(partial, { force: true });
    rmSync(`${partial}-journal`, { force: true });
    if (e instanceof BackupError) throw e;
    throw new BackupError(`Backup failed, ${file} was not touched: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function backupSummary(r: BackupResult, databasePath: string): string {
  const mb = (r.bytes / 1_048_576).toFixed(1);
  return (
    `Backed up ${databasePath} to ${r.file}${r.replaced ? ' (replacing the previous backup)' : ''}: ${mb} MB, ` +
    `schema version ${r.schemaVersion}, integrity_check ok, ${(r.ms / 1000).toFixed(1)} s.`
  );
}
