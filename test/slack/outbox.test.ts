import { afterEach, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { outboxRepo } from '../../src/db/repos/outbox-repo.js';
import { backoffMs, drainOutbox, enqueue, sentResult } from '../../src/slack/outbox.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const post = (key: string, channel = 'C0TEAM') => ({
  key,
  kind: 'test',
  payload: { op: 'post' as const, channel, text: `hello ${key}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] },
});

describe('outbox', () => {
  it('records once per key and sends once', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k1'));
    enqueue(deps, post('k1'));
    expect(await drainOutbox(deps)).toBe(1);
    expect(await drainOutbox(deps)).toBe(0);
    const msgs = t.slack.messagesIn('C0TEAM');
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.metadata).toEqual({ event_type: 'aispend_outbox', event_payload: { key: 'k1' } });
    expect(sentResult(deps, 'k1')).toEqual({ channel: 'C0TEAM', ts: msgs[0]!.ts });
  });

  it('retries a failing Slack with backoff until it succeeds, without a second copy', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k2'));
    // the outbox's client does not retry on its own: 3 failures = 3 failed outbox attempts
    t.slack.failNext('chat.postMessage', { count: 3, status: 500 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await drainOutbox(deps)).toBe(0);
      const row = outboxRepo(deps.db).byKey('k2')!;
      expect(row.status).toBe('pending');
      expect(row.attempts).toBe(attempt);
      expect(row.next_attempt_at).toBe(t.clock.now() + backoffMs(attempt));
      expect(await drainOutbox(deps)).toBe(0); // not due yet
      t.clock.advance(backoffMs(attempt));
    }
    expect(await drainOutbox(deps)).toBe(1);
    expect(t.slack.messagesIn('C0TEAM')).toHaveLength(1);
    // an HTTP 500 leaves it open whether Slack posted: every retry looked in the channel first
    expect(t.slack.callsOf('conversations.history')).toHaveLength(3);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(4);
  });

  it('a post whose answer never came is looked for before it is sent again: Slack answering late, one copy', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    // the app's sender waits 15 s; a short wait keeps the test short
    deps.slackSender = new webApi.WebClient('xoxb-test-token', { slackApiUrl: t.slack.apiUrl, timeout: 150, retryConfig: { retries: 0 } });
    enqueue(deps, post('late'));
    t.slack.answerAfter(400);
    expect(await drainOutbox(deps)).toBe(0);
    // Slack posted it, but its answer came after the client gave up
    expect(t.slack.messagesIn('C0TEAM')).toHaveLength(1);
    expect(outboxRepo(deps.db).byKey('late')).toMatchObject({ status: 'pending', uncertain: 1 });
    t.slack.answerAfter(0);
    t.clock.advance(backoffMs(1));
    expect(await drainOutbox(deps)).toBe(1);
    expect(t.slack.messagesIn('C0TEAM')).toHaveLength(1);
    expect(t.slack.callsOf('conversations.history')).toHaveLength(1);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);
    expect(sentResult(deps, 'late')).toEqual({ channel: 'C0TEAM', ts: t.slack.messagesIn('C0TEAM')[0]!.ts });
  });

  it('a post held by a hanging Slack past the client timeout, and acted on when Slack comes back: one copy', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    deps.slackSender = new webApi.WebClient('xoxb-test-token', { slackApiUrl: t.slack.apiUrl, timeout: 150, retryConfig: { retries: 0 } });
    enqueue(deps, post('held'));
    t.slack.hang();
    expect(await drainOutbox(deps)).toBe(0);
    t.clock.advance(backoffMs(1));
    // the retry's look in the channel hangs too
    expect(await drainOutbox(deps)).toBe(0);
    expect(t.slack.held).toBe(2);
    const slack = t.slack;
    slack.release();
    await slack.waitFor(() => slack.messagesIn('C0TEAM').length === 1);
    t.clock.advance(backoffMs(2));
    expect(await drainOutbox(deps)).toBe(1);
    expect(t.slack.messagesIn('C0TEAM')).toHaveLength(1);
    expect(t.slack.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('sends a DM addressed by email to the Slack user with that email, and drops it when there is none', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    t.slack.addUser({ id: 'U0BOB', email: 'bob@example.com' });
    enqueue(deps, { key: 'to-bob', kind: 'test', payload: { op: 'dm', email: 'bob@example.com', text: 'hi Bob' } });
    enqueue(deps, { key: 'to-nobody', kind: 'test', payload: { op: 'dm', email: 'nobody@example.com', text: 'hi?' } });
    expect(await drainOutbox(deps)).toBe(1);
    expect(t.slack.messagesIn('DU0BOB').map((m) => m.text)).toEqual(['hi Bob']);
    expect(outboxRepo(deps.db).byKey('to-nobody')).toMatchObject({ status: 'dead', last_error: 'users_not_found' });
  });

  it('honours Retry-After on 429', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k3'));
    t.slack.failNext('chat.postMessage', { retryAfter: 30 });
    expect(await drainOutbox(deps)).toBe(0);
    expect(outboxRepo(deps.db).byKey('k3')!.next_attempt_at).toBe(t.clock.now() + 30_000);
    t.clock.advance(30_000);
    expect(await drainOutbox(deps)).toBe(1);
  });

  it('after a crash mid-send, finds the message already in the channel instead of posting again', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k4'));
    await drainOutbox(deps);
    // simulate: Slack accepted the post but the process died before recording it
    deps.db.prepare("UPDATE outbox SET status = 'sending', result = NULL WHERE dedupe_key = 'k4'").run();
    const slack = t.slack;
    await t.stopApp();
    const t2 = await startTestApp({ dbPath: t.dbPath, slack });
    try {
      await drainOutbox(t2.app.deps);
      expect(slack.messagesIn('C0TEAM')).toHaveLength(1);
      expect(sentResult(t2.app.deps, 'k4')?.ts).toBe(slack.messagesIn('C0TEAM')[0]!.ts);
      expect(slack.callsOf('conversations.history').length).toBeGreaterThan(0);
    } finally {
      await t2.stopApp();
    }
  });

  it('after a crash before the send reached Slack, posts it once', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k5'));
    deps.db.prepare("UPDATE outbox SET status = 'sending' WHERE dedupe_key = 'k5'").run();
    const slack = t.slack;
    await t.stopApp();
    const t2 = await startTestApp({ dbPath: t.dbPath, slack });
    try {
      await drainOutbox(t2.app.deps);
      expect(slack.messagesIn('C0TEAM')).toHaveLength(1);
    } finally {
      await t2.stopApp();
    }
  });

  it('sends thread replies after their parent, DMs through conversations.open, and uploads into a thread', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    deps.db.transaction(() => {
      enqueue(deps, post('parent'));
      enqueue(deps, { key: 'reply', kind: 'test', payload: { op: 'post', channel: 'C0TEAM', text: 'in thread', thread: { parentKey: 'parent' } }, after: 'parent' });
      enqueue(deps, { key: 'dm', kind: 'test', payload: { op: 'dm', user: 'U0OWNER', text: 'psst' } });
      enqueue(deps, {
        key: 'chart',
        kind: 'test',
        payload: { op: 'upload', channel: 'C0TEAM', thread: { parentKey: 'parent' }, filename: 'c.png', title: 'Chart', content_base64: Buffer.from('PNGDATA').toString('base64') },
        after: 'parent',
      });
      enqueue(deps, { key: 'upd', kind: 'test', payload: { op: 'update', target: { key: 'parent' }, text: 'updated' }, after: 'parent' });
    })();
    t.slack.failNext('chat.postMessage', { count: 1, status: 500 }); // the parent fails once: nothing dependent goes out
    await drainOutbox(deps);
    expect(t.slack.messagesIn('C0TEAM')).toHaveLength(0);
    t.clock.advance(backoffMs(1));
    await drainOutbox(deps);
    const parent = t.slack.messagesIn('C0TEAM').find((m) => !m.thread_ts)!;
    expect(parent.text).toBe('updated');
    expect(t.slack.messagesIn('C0TEAM').find((m) => m.thread_ts)?.thread_ts).toBe(parent.ts);
    expect(t.slack.messagesIn('DU0OWNER')).toHaveLength(1);
    const up = [...t.slack.uploads.values()][0]!;
    expect(up.bytes.toString()).toBe('PNGDATA');
    expect(up.completed).toMatchObject({ channel_id: 'C0TEAM', thread_ts: parent.ts, title: 'Chart' });
  });

  it('after a crash mid-upload, finds the file already in the thread instead of uploading again', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    deps.db.transaction(() => {
      enqueue(deps, post('p'));
      enqueue(deps, {
        key: 'up',
        kind: 'test',
        payload: { op: 'upload', channel: 'C0TEAM', thread: { parentKey: 'p' }, filename: 'c.png', title: 'Chart week 47', content_base64: 'AAAA' },
        after: 'p',
      });
    })();
    await drainOutbox(deps);
    expect(t.slack.uploads.size).toBe(1);
    deps.db.prepare("UPDATE outbox SET status = 'sending', result = NULL WHERE dedupe_key = 'up'").run();
    const slack = t.slack;
    await t.stopApp();
    const t2 = await startTestApp({ dbPath: t.dbPath, slack });
    try {
      await drainOutbox(t2.app.deps);
      expect(slack.uploads.size).toBe(1);
      expect(sentResult(t2.app.deps, 'up')).toMatchObject({ file_id: [...slack.uploads.keys()][0] });
    } finally {
      await t2.stopApp();
    }
  });

  it('gives up on messages Slack refuses for good, and logs why', async () => {
    t = await startTestApp();
    const deps = t.app.deps;
    enqueue(deps, post('k6', 'C0GONE'));
    t.slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    await drainOutbox(deps);
    expect(outboxRepo(deps.db).byKey('k6')!.status).toBe('dead');
    expect(t.logs.some((l) => l.includes('channel_not_found'))).toBe(true);
  });
});
