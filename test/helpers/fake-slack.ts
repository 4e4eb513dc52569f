// A local fake of the Slack Web API: the bot's WebClient points at it through SLACK_API_URL.
// It records every call, keeps channel histories (with message metadata), serves the files.uploadV2
// three-step upload and response_url posts, and can be told to fail or rate-limit a method, to hang
// (hold every request until released) or to answer late.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { URLSearchParams } from 'node:url';
import { BOT_SCOPES } from '../../src/slack/scopes.js';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  /** files shared by files.completeUploadExternal */
  files?: Array<{ id: string; title?: string; name?: string }>;
  user: string;
  bot_id: string;
}

export interface Upload {
  file_id: string;
  filename: string;
  length: number;
  bytes: Buffer;
  alt_text?: string;
  completed?: { channel_id?: string; thread_ts?: string; title?: string; initial_comment?: string };
}

export interface ResponsePost {
  id: string;
  body: Record<string, unknown>;
}

interface Failure {
  remaining: number;
  status?: number;
  error?: string;
  retryAfter?: number;
}

export interface FakeSlackUser {
  id: string;
  name?: string;
  email?: string;
  tz?: string;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (JSON_FIELDS.has(k)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* keep as text */
      }
    }
    out[k] = v;
  }
  return out;
}

/** Minimal multipart/form-data reader: field name → bytes. */
function parseMultipart(raw: Buffer, contentType: string): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return parts;
  const boundary = Buffer.from('--' + (m[1] ?? m[2]!).trim());
  let pos = raw.indexOf(boundary);
  while (pos !== -1) {
    const start = pos + boundary.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = raw.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) break;
    const header = raw.subarray(start, headerEnd).toString('utf8');
    const next = raw.indexOf(boundary, headerEnd + 4);
    if (next === -1) break;
    const content = raw.subarray(headerEnd + 4, next - 2);
    const name = /name="([^"]+)"/i.exec(header)?.[1] ?? '';
    parts.set(name, Buffer.from(content));
    pos = next;
  }
  return parts;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly messages: PostedMessage[] = [];
  readonly uploads = new Map<string, Upload>();
  readonly responses: ResponsePost[] = [];
  readonly users = new Map<string, FakeSlackUser>();
  readonly botUserId = 'UBOT';
  readonly botId = 'BBOT';
  /** the WebSocket URL apps.connections.open hands out (Socket Mode tests) */
  socketUrl?: string;
  /**
   * the scopes the bot token carries, sent as `x-oauth-scopes` on every Web API answer as Slack does
   * (default: all the manifest asks for)
   */
  scopes: string[] = [...BOT_SCOPES];
  /** channels the bot is not a member of: conversations.history answers not_in_channel (public) or channel_not_found (private) */
  private readonly outside = new Map<string, 'public' | 'private'>();
  private failures = new Map<string, Failure>();
  private holding: Array<() => void> | undefined;
  private answerDelayMs = 0;
  private server?: Server;
  private seq = 0;
  port = 0;

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** the SLACK_API_URL to give the bot */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  responseUrl(id = String(++this.seq)): string {
    return `${this.baseUrl}/response/${id}`;
  }

  /** the bot is not in this channel (and, for a private one, cannot even see it) */
  notMemberOf(channel: string, kind: 'public' | 'private' = 'public'): void {
    this.outside.set(channel, kind);
  }

  addUser(user: FakeSlackUser): void {
    this.users.set(user.id, user);
  }

  /** the next `count` calls of `method` fail: HTTP `status`, or ok:false with `error`, or 429 with Retry-After */
  failNext(method: string, failure: { count?: number; status?: number; error?: string; retryAfter?: number }): void {
    this.failures.set(method, { remaining: failure.count ?? 1, ...failure });
  }

  /**
   * Slack hangs: from now on every request (Web API and response_url) is held unanswered, not yet
   * seen, until release().
   */
  hang(): void {
    this.holding ??= [];
  }

  /**
   * Slack is back: the held requests are taken in the order they came and answered, and new ones are
   * answered at once. A held request is acted on even if its client has given up waiting (as Slack
   * may do), so a client that sends again posts twice unless it checks first.
   */
  release(): void {
    const held = this.holding ?? [];
    this.holding = undefined;
    for (const go of held) go();
  }

  /** requests held by hang() */
  get held(): number {
    return this.holding?.length ?? 0;
  }

  /** Slack is slow: each request is acted on when it comes, and answered `ms` later (0: at once). */
  answerAfter(ms: number): void {
    this.answerDelayMs = ms;
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** top-level and thread messages posted to a channel (by channel id; DMs are D<user>) */
  messagesIn(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }

  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.responses.length = 0;
    this.uploads.clear();
    this.failures.clear();
    this.release();
    this.answerDelayMs = 0;
    this.outside.clear();
    this.scopes = [...BOT_SCOPES];
  }

  /** resolves when `predicate` holds, polling; rejects after `timeoutMs` */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      if (Date.now() > end) throw new Error('FakeSlack.waitFor: timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req)
        .then(({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...(headers ?? {}) });
          res.end(JSON.stringify(body));
        })
        .catch((e: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: String(e) }));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.holding = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private nextTs(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const url = req.url ?? '/';
    const raw = await readAll(req);
    const holding = this.holding;
    if (holding) await new Promise<void>((resolve) => holding.push(resolve));
    const answer = this.act(req, url, raw);
    const delay = this.answerDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay).unref());
    return answer;
  }

  private act(req: IncomingMessage, url: string, raw: Buffer): { status: number; body: unknown; headers?: Record<string, string> } {
    const contentType = String(req.headers['content-type'] ?? '');
    if (url.startsWith('/response/')) {
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      this.responses.push({ id: url.slice('/response/'.length), body });
      return { status: 200, body: { ok: true } };
    }
    if (url.startsWith('/upload/')) {
      const fileId = url.slice('/upload/'.length);
      const up = this.uploads.get(fileId);
      if (!up) return { status: 404, body: { ok: false } };
      const parts = parseMultipart(raw, contentType);
      up.bytes = parts.get('body') ?? parts.get('file') ?? raw;
      this.calls.push({ method: 'upload', args: { file_id: fileId, bytes: up.bytes.length }, headers: req.headers, at: Date.now() });
      return { status: 200, body: { ok: true } };
    }
    if (!url.startsWith('/api/')) return { status: 404, body: { ok: false, error: 'unknown_url' } };
    const method = url.slice('/api/'.length).split('?')[0]!;
    let args: Record<string, unknown>;
    if (contentType.startsWith('multipart/form-data')) {
      args = {};
      for (const [k, v] of parseMultipart(raw, contentType)) args[k] = v.toString('utf8');
    } else if (contentType.startsWith('application/json')) {
      args = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
    } else {
      args = parseForm(raw.toString('utf8'));
    }
    this.calls.push({ method, args, headers: req.headers, at: Date.now() });

    const failure = this.failures.get(method);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      if (failure.retryAfter !== undefined) {
        return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(failure.retryAfter) } };
      }
      if (failure.status) return { status: failure.status, body: { ok: false, error: 'fake_http_error' } };
      return { status: 200, body: { ok: false, error: failure.error ?? 'fake_error' } };
    }
    return { status: 200, body: this.answer(method, args), headers: { 'x-oauth-scopes': this.scopes.join(',') } };
  }

  private answer(method: string, a: Record<string, unknown>): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'aispend', team_id: 'T1', user_id: this.botUserId, bot_id: this.botId };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const msg: PostedMessage = {
          channel: String(a.channel),
          ts,
          text: a.text as string | undefined,
          blocks: a.blocks as unknown[] | undefined,
          thread_ts: a.thread_ts as string | undefined,
          metadata: a.metadata as PostedMessage['metadata'],
          user: this.botUserId,
          bot_id: this.botId,
        };
        this.messages.push(msg);
        return { ok: true, channel: msg.channel, ts, message: { ...msg, type: 'message' } };
      }
      case 'chat.update': {
        const msg = this.messages.find((m) => m.channel === a.channel && m.ts === a.ts);
        if (!msg) return { ok: false, error: 'message_not_found' };
        if (a.text !== undefined) msg.text = a.text as string;
        if (a.blocks !== undefined) msg.blocks = a.blocks as unknown[];
        return { ok: true, channel: msg.channel, ts: msg.ts, text: msg.text };
      }
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: 'not_allowed_token_type' };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return { ok: true, channel: a.channel, permalink: `https://fake.slack.com/archives/${String(a.channel)}/p${String(a.message_ts).replace('.', '')}` };
      case 'conversations.open': {
        const users = String(a.users ?? '');
        return { ok: true, channel: { id: `D${users.split(',')[0]}` } };
      }
      case 'conversations.history': {
        const outside = this.outside.get(String(a.channel));
        if (outside) return { ok: false, error: outside === 'public' ? 'not_in_channel' : 'channel_not_found' };
        const oldest = Number(a.oldest ?? 0);
        const msgs = this.messages
          .filter((m) => m.channel === a.channel && !m.thread_ts && Number(m.ts) >= oldest)
          .slice()
          .reverse()
          .map((m) => ({ type: 'message', ...m, metadata: a.include_all_metadata ? m.metadata : undefined }));
        return { ok: true, messages: msgs, has_more: false };
      }
      case 'conversations.replies': {
        const msgs = this.messages.filter((m) => m.channel === a.channel && (m.ts === a.ts || m.thread_ts === a.ts));
        return { ok: true, messages: msgs, has_more: false };
      }
      case 'users.info': {
        const u = this.users.get(String(a.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: u.id, name: u.name ?? u.id, real_name: u.name, tz: u.tz ?? 'UTC', profile: { email: u.email, real_name: u.name, display_name: u.name } } };
      }
      case 'users.lookupByEmail': {
        const email = String(a.email ?? '').toLowerCase();
        const u = [...this.users.values()].find((x) => x.email?.toLowerCase() === email);
        if (!u) return { ok: false, error: 'users_not_found' };
        return { ok: true, user: { id: u.id, name: u.name ?? u.id, profile: { email: u.email } } };
      }
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return { ok: true, view: { id: `V${++this.seq}`, ...(a.view as object) } };
      case 'views.publish':
        return { ok: true, view: { id: `V${++this.seq}`, ...(a.view as object) } };
      case 'files.getUploadURLExternal': {
        const file_id = `F${++this.seq}`;
        this.uploads.set(file_id, {
          file_id,
          filename: String(a.filename),
          length: Number(a.length),
          bytes: Buffer.alloc(0),
          alt_text: a.alt_text as string | undefined,
        });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${file_id}`, file_id };
      }
      case 'files.completeUploadExternal': {
        const files = (a.files as Array<{ id: string; title?: string }>) ?? [];
        for (const f of files) {
          const up = this.uploads.get(f.id);
          if (up) {
            up.completed = {
              channel_id: a.channel_id as string | undefined,
              thread_ts: a.thread_ts as string | undefined,
              title: f.title,
              initial_comment: a.initial_comment as string | undefined,
            };
          }
        }
        if (a.channel_id) {
          // like Slack, sharing the files posts a message (in the thread when thread_ts is given)
          this.messages.push({
            channel: String(a.channel_id),
            ts: this.nextTs(),
            thread_ts: a.thread_ts as string | undefined,
            text: a.initial_comment as string | undefined,
            files: files.map((f) => ({ id: f.id, title: f.title, name: this.uploads.get(f.id)?.filename })),
            user: this.botUserId,
            bot_id: this.botId,
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}
