// Builds the year into options.dbPath (see bench/generate.ts for the shortcut) and stamps it, so a
// later `--keep-db` run can reuse it instead of generating again.
import { openDatabase } from '../../src/db/open.js';
import { generate, GENERATOR_VERSION } from '../generate.js';
import { removeDb } from '../lib/files.js';
import type { PhaseOptions } from './options.js';

export const STAMP_KEY = 'bench.dataset';

export interface DatasetStamp {
  version: number;
  seed: number;
  scale: number;
  tz: string;
  endDay: string;
  checksum: string;
  counts: Record<string, number>;
  startDay: string;
  generatedMs: number;
}

export interface GenerateSummary extends DatasetStamp {
  usageRowsPerSec: number;
  dbBytes: number;
}

export function stampMatches(stamp: DatasetStamp | undefined, o: Pick<PhaseOptions, 'seed' | 'scale' | 'tz' | 'endDay'>): boolean {
  return (
    stamp !== undefined &&
    stamp.version === GENERATOR_VERSION &&
    stamp.seed === o.seed &&
    stamp.scale === o.scale &&
    stamp.tz === o.tz &&
    stamp.endDay === o.endDay
  );
}

export async function run(o: PhaseOptions): Promise<GenerateSummary> {
  removeDb(o.dbPath);
  const db = openDatabase(o.dbPath);
  try {
    // bulk-load setting: no syncs while the year is written (a crash leaves an unstamped file that
    // the next run regenerates). The journal stays WAL: better-sqlite3's defensive mode refuses OFF.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -32768');
    const t0 = performance.now();
    const r = generate(db, {
      seed: o.seed,
      scale: o.scale,
      tz: o.tz,
      endDay: o.endDay,
      onProgress: (done, total) => {
        if (done % 61 === 0) process.stderr.write(`  … day ${done} of ${total} (${Math.round((performance.now() - t0) / 1000)} s)\n`);
      },
    });
    const generatedMs = Math.round(performance.now() - t0);
    const stamp: DatasetStamp = {
      version: GENERATOR_VERSION,
      seed: o.seed,
      scale: o.scale,
      tz: o.tz,
      endDay: o.endDay,
      checksum: r.checksum,
      counts: r.counts,
      startDay: r.startDay,
      generatedMs,
    };
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      STAMP_KEY,
      JSON.stringify(stamp),
    );
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_checkpoint(TRUNCATE)');
    const usage = r.counts.usage_records ?? 0;
    return { ...stamp, usageRowsPerSec: Math.round(usage / (generatedMs / 1000)), dbBytes: 0 };
  } finally {
    db.close();
  }
}
