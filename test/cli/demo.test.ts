// `npm run demo`: runs offline through the real ingest routes and digest code, and writes its files.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import nodeHttp from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pngSize } from '../../src/charts/render.js';
import { runDemo } from '../../src/cli/demo.js';
import { startTestApp, TEST_ADMIN } from '../helpers/test-app.js';

const dir = mkdtempSync(join(tmpdir(), 'aispend-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('builds the demo org, sends it through the ingest routes, and writes every digest', async () => {
    // every request the demo makes, through node:http (its poster) or fetch
    const urls: string[] = [];
    const realRequest = nodeHttp.request;
    const requestSpy = vi.spyOn(nodeHttp, 'request').mockImplementation(((options: nodeHttp.RequestOptions, callback?: (res: nodeHttp.IncomingMessage) => void) => {
      urls.push(`http://${options.host ?? options.hostname}:${options.port}${options.path}`);
      return realRequest(options, callback);
    }) as typeof nodeHttp.request);
    const realFetch = globalThis.fetch;
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return realFetch(input, init);
    });
    const lines: string[] = [];
    let result;
    try {
      result = await runDemo({ outDir: join(dir, 'out'), log: (l) => lines.push(l), now: Date.parse('2026-11-23T10:00:00Z') });
    } finally {
      requestSpy.mockRestore();
      fetchSpy.mockRestore();
    }

    // no network: every request went to the demo's own loopback server, through the real routes
    expect(urls.length).toBeGreaterThan(100);
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:'))).toBe(true);
    const paths = new Set(urls.map((u) => new URL(u).pathname));
    expect([...paths].sort()).toEqual(['/ingest/delivery', '/ingest/usage', '/v1/logs', '/v1/metrics', '/webhooks/github', '/webhooks/jira', '/webhooks/linear']);

    const names = ['data', 'growth', 'mobile', 'org', 'platform'];
    const expected = names.flatMap((n) => [`${n}.blocks.json`, `${n}.png`, `${n}.txt`]).sort();
    expect(result.outDir).toBe(join(dir, 'out'));
    expect(result.files.map((f) => basename(f)).sort()).toEqual(expected);
    expect(readdirSync(result.outDir).sort()).toEqual(expected);

    for (const n of names) {
      const msg = JSON.parse(readFileSync(join(result.outDir, `${n}.blocks.json`), 'utf8')) as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
      expect(msg.blocks.length).toBeGreaterThan(5);
      expect(msg.blocks.length).toBeLessThanOrEqual(50);
      expect(msg.blocks[0]!.type).toBe('header');
      expect(msg.blocks[0]!.text!.text).toMatch(/ · AI spend, week of 16–22 Nov 2026$/);
      expect(msg.text).not.toMatch(/NaN|Infinity|undefined/);
      expect(pngSize(readFileSync(join(result.outDir, `${n}.png`)))).toEqual({ width: 1600, height: 1000 });
      const text = readFileSync(join(result.outDir, `${n}.txt`), 'utf8');
      expect(text).toMatch(/^AI spend digest — /);
      expect(text).not.toMatch(/NaN|Infinity|undefined/);
    }

    const platform = readFileSync(join(result.outDir, 'platform.txt'), 'utf8');
    expect(platform).toMatch(/Spend: {10}\$\d[\d,.]* AI spend, (up|down) \d+% on the week before/);
    expect(platform).toMatch(/Delivered: {6}\d+ stories delivered, \d+ points/);
    expect(platform).toMatch(/in 1 session that raised loop alerts/); // the looping session
    expect(platform).toMatch(/routing these \d+ small-output calls \(\$[\d.,]+\) to claude-sonnet-4-0 would have saved \$[\d.,]+/);
    expect(platform).toMatch(/November 2026 to date: \$[\d,.]+ of \$700 budget/);
    expect(readFileSync(join(result.outDir, 'growth.txt'), 'utf8')).toContain('no delivery data connected yet');
    const org = readFileSync(join(result.outDir, 'org.txt'), 'utf8');
    expect(org).toMatch(/Unattributed: {3}\$[\d.,]+ \(\d+%\) is not attributed to any team/);
    expect(org).toContain('  - Platform: $');
    expect(org).toContain('Week Mon 16 Nov – Sun 22 Nov in Europe/Berlin.');

    expect(lines[0]).toMatch(/^Building a demo org in a temporary database .*; no Slack, no network\.$/);
    expect(lines.some((l) => /^Loop alerts raised: [1-9]/.test(l))).toBe(true);
    expect(lines.at(-2)).toBe(`Wrote 15 files to ${result.outDir}`);
  }, 60_000);
});

describe('npm run demo -- --db <file>', () => {
  it('keeps the demo database, which a real app opens: the demo org in /aispend and the Home tab, nothing posted on its own', async () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    mkdirSync(join(dir, 'kept'));
    const dbPath = join(dir, 'kept', 'demo.db');
    const lines: string[] = [];
    const result = await runDemo({ outDir: join(dir, 'kept-out'), dbPath, log: (l) => lines.push(l), now });
    expect(result.dbPath).toBe(dbPath);
    expect(lines[0]).toBe(`Building a demo org in a new database (${dbPath}); no Slack, no network.`);
    expect(lines).toContain(`  DATABASE_PATH=${dbPath} AISPEND_TIMEZONE=Europe/Berlin npm start`);

    // what `DATABASE_PATH=<file> AISPEND_TIMEZONE=Europe/Berlin npm start` runs, against the fake Slack
    const t = await startTestApp({ dbPath, now: now + 60_000, env: { AISPEND_TIMEZONE: 'Europe/Berlin' } });
    try {
      expect(t.db.prepare('SELECT COUNT(*) AS n FROM teams WHERE channel_id IS NOT NULL').get()).toEqual({ n: 0 });
      expect(t.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending', 'sending')").get()).toEqual({ n: 0 });
      const org = await t.command('summary org month', { user: TEST_ADMIN });
      expect(String(org.text)).toMatch(/^Whole org, November to date: \$[\d,]+ spent/);
      // an admin links themself to a demo engineer and sees the Home tab as Ada of Platform
      t.slack.addUser({ id: 'U0YOU', email: 'you@real.example', name: 'You' });
      await t.command('admin link <@U0YOU> ada@acme.example', { user: TEST_ADMIN });
      const me = await t.command('me', { user: 'U0YOU' });
      expect(String(me.text)).toMatch(/^Your last 7 days: \$[\d.,]+ spent/);
      const res = await t.event({ type: 'app_home_opened', user: 'U0YOU', tab: 'home', channel: 'DU0YOU' });
      expect(res.status).toBe(200);
      const home = await t.slack.waitFor(() => t.slack.callsOf('views.publish').find((c) => c.args.user_id === 'U0YOU'));
      expect(JSON.stringify(home.args.view)).toContain('Platform');
      // nothing went to the demo's made-up channels
      expect(t.slack.callsOf('chat.postMessage')).toEqual([]);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('never writes into an existing database', async () => {
    const existing = join(dir, 'existing.db');
    writeFileSync(existing, 'a real database');
    await expect(runDemo({ outDir: join(dir, 'x'), dbPath: existing, log: () => undefined })).rejects.toThrow(
      `${existing} exists already: the demo writes a new database. Remove it or give another file.`,
    );
    expect(readFileSync(existing, 'utf8')).toBe('a real database');
  });
});
