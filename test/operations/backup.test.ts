// `npx aispend backup <file>` while the bot runs and ingest keeps writing: the copy is a consistent
// snapshot (its rollups add up to its rows), passes integrity_check, is one self-contained file, and
// opens as an aispend database. Written atomically; clear errors otherwise.
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../src/db/open.js';
import { migrations } from '../../src/db/migrations/index.js';
import { runTs } from '../helpers/run-node.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp | undefined;
const dirs: Array<{ cleanup(): void }> = [];
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const d of dirs.splice(0)) d.cleanup();
});

const NOW = Date.parse('2026-11-23T10:00:00Z');
let seq = 0;
const batch = (n: number) => ({
  records: Array.from({ length: n }, () => {
    seq += 1;
    return {
      id: `b-${seq}`,
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      timestamp: new Date(NOW - (seq % 5000) * 60_000).toISOString(),
      user: `dev${seq % 40}@example.com`,
      input_tokens: 100 + (seq % 7),
      output_tokens: 20,
      cost_usd: 0.01 * (1 + (seq % 3)),
    };
  }),
});

const backupCli = (file: string, databasePath: string) => runTs('src/cli/main.ts', ['backup', file], { env: { DATABASE_PATH: databasePath } });

describe('npx aispend backup', () => {
  it('takes a consistent, checked copy while ingest keeps writing', async () => {
    t = await startTestApp({ now: NOW });
    for (let i = 0; i < 20; i++) expect((await t.ingest('/ingest/usage', batch(1_000))).status).toBe(200);
    const out = tempDbPath();
    dirs.push(out);
    const file = join(out.dir, 'aispend-backup.db');

    // ingest keeps flowing, request after request, for as long as the backup runs
    let running = true;
    const during: number[] = [];
    let childStarted = 0;
    const load = (async () => {
      while (running) {
        const res = await t!.ingest('/ingest/usage', batch(200));
        expect(res.status).toBe(200);
        if (childStarted) during.push(Date.now());
      }
    })();
    const acknowledgedBefore = (t.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;
    childStarted = Date.now();
    const r = await backupCli(file, t.dbPath);
    running = false;
    await load;

    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(
      new RegExp(`^Backed up ${t.dbPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [\\d.]+ MB, schema version \\d+, integrity_check ok, [\\d.]+ s\\.$`),
    );
    expect(during.length).toBeGreaterThan(0);

    // one self-contained file: no journal or WAL beside it, no partial left behind
    expect(readdirSync(out.dir)).toEqual(['aispend-backup.db']);
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const rows = (copy.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;
      const total = (t.db.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n;
      // everything acknowledged before the backup began is in it; it is a snapshot of one moment
      expect(rows).toBeGreaterThanOrEqual(acknowledgedBefore);
      expect(rows).toBeLessThanOrEqual(total);
      const counted = (copy.prepare('SELECT ROUND(SUM(cost_usd), 6) AS c FROM usage_records WHERE counted = 1').get() as { c: number }).c;
      const rolled = (copy.prepare('SELECT ROUND(SUM(cost_usd), 6) AS c FROM usage_daily_team').get() as { c: number }).c;
      expect(rolled).toBe(counted);
    } finally {
      copy.close();
    }
    // and it opens as an aispend database, nothing to migrate
    const opened = openDatabase(file);
    expect(schemaVersion(opened)).toBe(Math.max(...migrations.map((m) => m.version)));
    opened.close();
  }, 60_000);

  it('replaces an earlier backup only with a complete new one', async () => {
    t = await startTestApp({ now: NOW });
    expect((await t.ingest('/ingest/usage', batch(10))).status).toBe(200);
    const out = tempDbPath();
    dirs.push(out);
    const file = join(out.dir, 'latest.db');
    writeFileSync(file, 'the previous backup');
    const r = await backupCli(file, t.dbPath);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(replacing the previous backup)');
    const copy = new Database(file, { readonly: true });
    expect((copy.prepare('SELECT COUNT(*) AS n FROM usage_records').get() as { n: number }).n).toBe(10);
    copy.close();
  });

  it('says what is wrong, exits 1, and leaves nothing behind', async () => {
    const db = tempDbPath();
    dirs.push(db);
    openDatabase(db.path).close();

    const noFolder = await backupCli(join(db.dir, 'missing', 'x.db'), db.path);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr.trim()).toBe(`The folder ${join(db.dir, 'missing')} does not exist: create it first.`);

    const itself = await backupCli(db.path, db.path);
    expect(itself.code).toBe(1);
    expect(itself.stderr.trim()).toBe(`${db.path} is the live database itself: give the backup another path.`);

    const none = await backupCli(join(db.dir, 'b.db'), join(db.dir, 'nothing-here.db'));
    expect(none.code).toBe(1);
    expect(none.stderr.trim()).toBe(`There is no database at ${join(db.dir, 'nothing-here.db')} (DATABASE_PATH): nothing to back up.`);

    const usage = await runTs('src/cli/main.ts', ['backup'], { env: { DATABASE_PATH: db.path } });
    expect(usage.code).toBe(2);
    expect(existsSync(join(db.dir, 'b.db'))).toBe(false);
    expect(readdirSync(db.dir).filter((f) => f.includes('partial'))).toEqual([]);
  });
});
