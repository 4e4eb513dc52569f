// The machine the figures were measured on: absolute times mean little without it.
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import Database from 'better-sqlite3';

export interface MachineInfo {
  cpuModel: string;
  nproc: number;
  totalMemGb: number;
  freeMemGb: number;
  loadAverage: number[];
  node: string;
  sqlite: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1]!.trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const gb = (b: number) => Math.round((b / 1024 ** 3) * 10) / 10;
  return {
    cpuModel,
    nproc: cpus().length,
    totalMemGb: gb(totalmem()),
    freeMemGb: gb(freemem()),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    sqlite,
    platform: `${process.platform} ${process.arch}`,
  };
}
