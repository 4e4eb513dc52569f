// WAL checkpoints on a thread of their own. SQLite copies the write-ahead log back into the database
// (and fsyncs both) inside whichever commit crosses wal_autocheckpoint, so every few thousand pages
// one ingest request paid for the copy and waited on the disk with the event loop blocked. A worker
// thread with its own connection runs a PASSIVE checkpoint (it never blocks writers or readers) a few
// times a second instead; the main connection keeps a far higher automatic threshold, only as a safety
// net should the worker stop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './open.js';

/** the main connection checkpoints by itself only past this many WAL pages (64 MB at 4 KB pages) */
export const SAFETY_NET_PAGES = 16_000;

// plain JavaScript evaluated in the worker: no TypeScript loader is needed there, under tsx or not
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: the next tick tries again */ } };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.once('message', () => { clearInterval(timer); tick(); db.close(); parentPort.postMessage('stopped'); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Starts checkpointing `db`'s file from a worker thread; a database in memory needs none. Should the
 * worker fail, `onError` hears why and SQLite's own checkpoints (SAFETY_NET_PAGES) keep the WAL bounded.
 */
export function startCheckpointer(db: Db, opts: { intervalMs?: number; onError?: (e: Error) => void } = {}): Checkpointer {
  const intervalMs = opts.intervalMs ?? 250;
  if (db.memory || db.pragma('journal_mode', { simple: true }) !== 'wal') return { stop: async () => {} };
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { path: db.name, sqlite, intervalMs } });
  worker.on('error', (e) => opts.onError?.(e));
  worker.unref();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        worker.once('message', () => void worker.terminate().then(() => resolve()));
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      });
      return stopped;
    },
  };
}
