// A slash command is acknowledged within Slack's 3 seconds whatever the database or Slack does: the
// dispatcher acks before any database or Slack call. Here the database is write-locked by another
// process while the command needs to write, and the command is sent from another process too, so its
// answer is timed by a clock the server's blocked thread cannot hold up. (Slack hanging is covered
// in test/ingest/slack-outage.test.ts.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNode, REPO } from '../helpers/run-node.js';
import { signedCommand } from '../helpers/slack-requests.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { APPROVALS_CHANNEL, NOW, REQUESTER, requests, seedOrg } from '../budgets/budget-fixtures.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({ now: NOW });
  seedOrg(t.db);
});
afterEach(async () => {
  await t.close();
});

/** runs a node script in another process (from the repository, for require) and resolves with what it prints */
async function node(script: string, args: string[], onLine?: (line: string) => void): Promise<string> {
  let seen = 0;
  const r = await runNode(['--input-type=commonjs', '-e', script, ...args], {
    cwd: REPO,
    onStdout: (all) => {
      const lines = all.split('\n');
      for (const line of lines.slice(seen, -1)) if (line) onLine?.(line);
      seen = lines.length - 1;
    },
  });
  if (r.code !== 0) throw new Error(`child exited with ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const HOLD_LOCK = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
console.log('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
db.exec('COMMIT');
db.close();
`;

const SEND = `
const { url, headers, body } = JSON.parse(process.argv[1]);
const t0 = performance.now();
fetch(url, { method: 'POST', headers, body }).then(async (res) => {
  await res.text();
  console.log(JSON.stringify({ status: res.status, ms: performance.now() - t0 }));
});
`;

describe('/aispend ack', () => {
  it('answers 200 within a second while the database is write-locked by another process; the work follows', async () => {
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = node(HOLD_LOCK, [t.dbPath, '2500'], (line) => line === 'locked' && locked());
    await isLocked;
    const request = signedCommand(t.url, { text: 'request 300 finish the search migration', user_id: REQUESTER, response_url: t.slack.responseUrl('req') });
    const answer = JSON.parse(await node(SEND, [JSON.stringify(request)])) as { status: number; ms: number };
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(1_000);
    await holder;
    // once the lock is gone, the request is recorded and answered through response_url
    const reply = await t.slack.waitFor(() => t.slack.responses.find((r) => r.id === 'req'), 10_000);
    expect(String(reply.body.text)).toContain('Your request #1 for +$300 for platform');
    expect(requests(t.db)).toHaveLength(1);
    await t.slack.waitFor(() => t.slack.messagesIn(APPROVALS_CHANNEL).filter((m) => !m.thread_ts).length === 1);
  });
});
