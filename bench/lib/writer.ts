// Rows the generator writes straight into the schema (prepared statements, cached per table and
// column list), each folded into a running checksum. Usage rows do not go through here: they go
// through the usage repository's writer, which keeps the rollups and session totals in step.
import { createHash, type Hash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../src/db/open.js';

export type Value = string | number | null;

export class BenchWriter {
  readonly counts: Record<string, number> = {};
  private readonly hash: Hash = createHash('sha256');
  private lines: string[] = [];
  private readonly stmts = new Map<string, Statement<Value[]>>();

  constructor(readonly db: Db) {}

  private stmt(sql: string): Statement<Value[]> {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare<Value[]>(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** inserts one row and adds it to the checksum; returns its rowid */
  row(table: string, cols: readonly string[], values: Value[]): number {
    const info = this.stmt(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(...values);
    this.note(table, values);
    return Number(info.lastInsertRowid);
  }

  /** runs any other statement (an UPDATE) and adds its parameters to the checksum */
  run(sql: string, values: Value[]): void {
    this.stmt(sql).run(...values);
    this.note(sql, values);
  }

  /** adds a row written elsewhere (through a repository) to the checksum and the counts */
  note(table: string, values: readonly Value[]): void {
    this.counts[table] = (this.counts[table] ?? 0) + 1;
    this.lines.push(table + '\u001f' + values.join('\u001f'));
    if (this.lines.length >= 4096) this.flushHash();
  }

  private flushHash(): void {
    if (this.lines.length === 0) return;
    this.hash.update(this.lines.join('\n'));
    this.hash.update('\n');
    this.lines = [];
  }

  /** hex sha256 of every row noted, in order */
  checksum(): string {
    this.flushHash();
    return this.hash.copy().digest('hex');
  }
}
