// Exactly-once delivery of what the bot posts on its own (digests, alerts, approvals):
// 1. enqueue() records the message under a dedupe key, in the same transaction as the state change
//    that caused it, so a crash either keeps both or neither;
// 2. drain() claims due rows and sends them; Slack failures and 429s are retried with backoff;
// 3. a send cut short by a crash is marked uncertain at start, and so is a send whose answer never came
//    (a timeout, a dropped connection, an HTTP 5xx: Slack may have posted it); before re-posting,
//    drain() looks for the message in the channel by its metadata, so a retry never posts a second copy.
//    The client it sends with must not retry on its own (deps.slackSender), or one attempt could post twice.
// Callers that must not wait on Slack (ingest, jobs, listeners after their answer) use kickOutbox().
import type { webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { outboxRepo, type OutboxRow } from '../db/repos/outbox-repo.js';

export const OUTBOX_EVENT_TYPE = 'aispend_outbox';

export type ThreadRef = { parentKey: string } | { ts: string };

export type OutboxPayload =
  | {
      op: 'post';
      channel: string;
      text: string;
      blocks?: unknown[];
      /** reply in the thread of another outbox post (by its key) or of a known message */
      thread?: ThreadRef;
      reply_broadcast?: boolean;
    }
  | {
      op: 'dm';
      /** the Slack user; or, when only their email is known, `email`, looked up when sent (users:read.email) */
      user?: string;
      email?: string;
      text: string;
      blocks?: unknown[];
    }
  | {
      op: 'update';
      /** the outbox post to update (by key), or an explicit message */
      target: { key: string } | { channel: string; ts: string };
      text: string;
      blocks?: unknown[];
    }
  | {
      op: 'upload';
      channel: string;
      thread?: ThreadRef;
      filename: string;
      title: string;
      alt_text?: string;
      initial_comment?: string;
      /** file bytes, base64 */
      content_base64: string;
    };

export interface OutboxResult {
  channel: string;
  ts?: string;
  file_id?: string;
}

export interface EnqueueInput {
  key: string;
  kind: string;
  payload: OutboxPayload;
  /** the key of a message that must be sent first (a thread parent, the post an update targets) */
  after?: string;
}

/** Records a message to send. Call inside the transaction that changes the state it reports. */
export function enqueue(deps: Pick<Deps, 'db' | 'clock'>, input: EnqueueInput): OutboxRow {
  const repo = outboxRepo(deps.db);
  let dependsOn: number | undefined;
  if (input.after) {
    const parent = repo.byKey(input.after);
    if (!parent) throw new Error(`outbox: no message with key ${input.after} to follow`);
    dependsOn = parent.id;
  }
  return repo.enqueue({ key: input.key, kind: input.kind, payload: input.payload, dependsOn, now: deps.clock.now() });
}

const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'user_not_found',
  'users_not_found',
  'cant_update_message',
  'message_not_found',
  'missing_scope',
]);

const MAX_BACKOFF_MS = 60 * 60 * 1000;

export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 5_000 * 2 ** Math.max(0, attempts - 1));
}

function slackErrorCode(e: unknown): string | undefined {
  const data = (e as { data?: { error?: string } }).data;
  return data?.error;
}

function retryAfterMs(e: unknown): number | undefined {
  const ra = (e as { retryAfter?: number }).retryAfter;
  return typeof ra === 'number' && ra >= 0 ? ra * 1000 : undefined;
}

interface Drain {
  current?: Promise<number>;
  /** a run that starts when the current one ends, shared by every caller that came meanwhile */
  next?: Promise<number>;
}

const drains = new WeakMap<object, Drain>();

/**
 * Sends every due message. Returns how many were sent. One run at a time per database: a call made
 * while a run is going waits for it and then for one more run, shared by all such calls, so the
 * messages it was called for are seen however many callers pile up while Slack is slow.
 */
export function drainOutbox(deps: Deps): Promise<number> {
  let d = drains.get(deps.db);
  if (!d) drains.set(deps.db, (d = {}));
  const state = d;
  const start = (): Promise<number> => {
    const run = drainOnce(deps).finally(() => {
      if (state.current === run) state.current = undefined;
    });
    state.current = run;
    return run;
  };
  if (!state.current) return start();
  state.next ??= state.current
    .catch(() => 0)
    .then(() => {
      state.next = undefined;
      return start();
    });
  return state.next;
}

/** Starts sending what is due without waiting for Slack (failures are retried by the outbox job). */
export function kickOutbox(deps: Deps): void {
  if (!deps.slack) return;
  void drainOutbox(deps).catch((e: unknown) => deps.logger.warn('outbox send deferred', { err: e }));
}

/** Resolves once no drain is running (tests, shutdown). */
export async function outboxIdle(deps: Pick<Deps, 'db'>): Promise<void> {
  const d = drains.get(deps.db);
  while (d?.current || d?.next) await (d.next ?? d.current)!.catch(() => 0);
}

/** Slack may have acted on a request whose answer never came: a timeout, a dropped connection, a 5xx. */
function answerLost(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error';
}

async function drainOnce(deps: Deps): Promise<number> {
  // no `slack` means no Slack at all (the offline demo, some tests)
  const client = deps.slack ? (deps.slackSender ?? deps.slack) : undefined;
  if (!client || !deps.db.open) return 0;
  const repo = outboxRepo(deps.db);
  let sent = 0;
  // loop: sending a parent can make its thread replies due
  for (let round = 0; round < 20; round++) {
    const rows = repo.due(deps.clock.now());
    if (rows.length === 0) break;
    let progressed = false;
    for (const row of rows) {
      if (!repo.claim(row.id)) continue;
      try {
        const result = await send(client, deps, row);
        repo.markSent(row.id, result, deps.clock.now());
        deps.metrics?.messageSent(row.kind, row.dedupe_key, (JSON.parse(row.payload) as OutboxPayload).op);
        sent += 1;
        progressed = true;
      } catch (e) {
        const code = slackErrorCode(e);
        const message = code ?? (e as Error).message ?? String(e);
        if (code && PERMANENT.has(code)) {
          deps.logger.error('outbox message dropped: Slack refused it', { key: row.dedupe_key, code });
          repo.markDead(row.id, message);
          deps.metrics?.messageDropped(row.kind);
        } else {
          const wait = retryAfterMs(e) ?? backoffMs(row.attempts + 1);
          const payloadOp = (JSON.parse(row.payload) as OutboxPayload).op;
          // an update is idempotent; a post, a DM or an upload may have gone through
          const uncertain = payloadOp !== 'update' && answerLost(e);
          deps.logger.warn('outbox send failed; will retry', { key: row.dedupe_key, error: message, waitMs: wait, uncertain });
          repo.markRetry(row.id, deps.clock.now() + wait, message, uncertain);
        }
      }
    }
    if (!progressed) break;
  }
  return sent;
}

function resolveThread(deps: Deps, thread: ThreadRef | undefined): string | undefined {
  if (!thread) return undefined;
  if ('ts' in thread) return thread.ts;
  const parent = outboxRepo(deps.db).byKey(thread.parentKey);
  const result = parent?.result ? (JSON.parse(parent.result) as OutboxResult) : undefined;
  if (!result?.ts) throw new Error(`thread parent ${thread.parentKey} has not been sent`);
  return result.ts;
}

async function findPosted(client: webApi.WebClient, channel: string, row: Pick<OutboxRow, 'dedupe_key'>): Promise<string | undefined> {
  // the newest 200 messages: a restart follows a crash closely, and clocks may disagree, so no `oldest`
  const res = await client.conversations.history({ channel, include_all_metadata: true, limit: 200 });
  const hit = (res.messages ?? []).find(
    (m) =>
      (m as { metadata?: { event_type?: string; event_payload?: { key?: string } } }).metadata?.event_type ===
        OUTBOX_EVENT_TYPE &&
      (m as { metadata?: { event_payload?: { key?: string } } }).metadata?.event_payload?.key === row.dedupe_key,
  );
  return hit?.ts;
}

/** an interrupted upload: is a file with this title already in the thread (or channel)? */
async function findUploaded(
  client: webApi.WebClient,
  channel: string,
  threadTs: string | undefined,
  title: string,
): Promise<string | undefined> {
  const res = threadTs
    ? await client.conversations.replies({ channel, ts: threadTs, limit: 200 })
    : await client.conversations.history({ channel, limit: 200 });
  for (const m of res.messages ?? []) {
    const file = (m as { files?: Array<{ id?: string; title?: string }> }).files?.find((f) => f.title === title);
    if (file?.id) return file.id;
  }
  return undefined;
}

async function send(client: webApi.WebClient, deps: Deps, row: OutboxRow): Promise<OutboxResult> {
  const payload = JSON.parse(row.payload) as OutboxPayload;
  const metadata = { event_type: OUTBOX_EVENT_TYPE, event_payload: { key: row.dedupe_key } };
  switch (payload.op) {
    case 'post':
    case 'dm': {
      let channel: string;
      if (payload.op === 'dm') {
        let user = payload.user;
        if (!user && payload.email) user = (await client.users.lookupByEmail({ email: payload.email })).user?.id;
        if (!user) throw Object.assign(new Error('dm: no Slack user to send it to'), { data: { error: 'users_not_found' } });
        const open = await client.conversations.open({ users: user });
        channel = open.channel?.id ?? '';
        if (!channel) throw new Error('conversations.open returned no channel');
      } else {
        channel = payload.channel;
      }
      if (row.uncertain) {
        const ts = await findPosted(client, channel, row);
        if (ts) return { channel, ts };
      }
      const thread_ts = payload.op === 'post' ? resolveThread(deps, payload.thread) : undefined;
      const res = await client.chat.postMessage({
        channel,
        text: payload.text,
        blocks: payload.blocks,
        thread_ts,
        reply_broadcast: payload.op === 'post' && thread_ts ? payload.reply_broadcast : undefined,
        metadata,
        unfurl_links: false,
      } as never);
      return { channel: res.channel ?? channel, ts: res.ts };
    }
    case 'update': {
      let channel: string;
      let ts: string;
      if ('key' in payload.target) {
        const target = outboxRepo(deps.db).byKey(payload.target.key);
        const result = target?.result ? (JSON.parse(target.result) as OutboxResult) : undefined;
        if (!result?.ts) throw new Error(`update target ${payload.target.key} has not been sent`);
        channel = result.channel;
        ts = result.ts;
      } else {
        channel = payload.target.channel;
        ts = payload.target.ts;
      }
      await client.chat.update({ channel, ts, text: payload.text, blocks: payload.blocks as never });
      return { channel, ts };
    }
    case 'upload': {
      const thread_ts = resolveThread(deps, payload.thread);
      if (row.uncertain) {
        const found = await findUploaded(client, payload.channel, thread_ts, payload.title);
        if (found) return { channel: payload.channel, file_id: found };
      }
      const res = (await client.filesUploadV2({
        channel_id: payload.channel,
        thread_ts,
        file: Buffer.from(payload.content_base64, 'base64'),
        filename: payload.filename,
        title: payload.title,
        alt_text: payload.alt_text,
        initial_comment: payload.initial_comment,
      } as never)) as { files?: Array<{ files?: Array<{ id?: string }> }> };
      return { channel: payload.channel, file_id: res.files?.[0]?.files?.[0]?.id };
    }
  }
}

/** The sent result of an outbox message (channel and ts), if it has been sent. */
export function sentResult(deps: Pick<Deps, 'db'>, key: string): OutboxResult | undefined {
  const row = outboxRepo(deps.db).byKey(key);
  return row?.status === 'sent' && row.result ? (JSON.parse(row.result) as OutboxResult) : undefined;
}
