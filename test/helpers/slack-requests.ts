// Requests signed exactly as Slack signs them: v0=HMAC_SHA256(secret, "v0:{ts}:{raw body}").
import { createHmac } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789';

export function slackSignature(secret: string, body: string, ts: number): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex'),
  };
}

export interface SignOptions {
  secret?: string;
  /** seconds since epoch; default now */
  timestamp?: number;
  /** tamper with the signature after signing */
  badSignature?: boolean;
}

async function post(url: string, body: string, contentType: string, opts: SignOptions): Promise<Response> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    ...slackSignature(opts.secret ?? TEST_SIGNING_SECRET, body, ts),
  };
  if (opts.badSignature) headers['x-slack-signature'] = headers['x-slack-signature']!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
  return fetch(url, { method: 'POST', body, headers });
}

export interface CommandInput {
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  response_url: string;
  trigger_id?: string;
}

/** a signed slash command, ready to send from elsewhere (another process) */
export function signedCommand(appUrl: string, input: CommandInput, opts: SignOptions = {}): { url: string; headers: Record<string, string>; body: string } {
  const body = commandBody(input);
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    url: `${appUrl}/slack/events`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(opts.secret ?? TEST_SIGNING_SECRET, body, ts) },
    body,
  };
}

function commandBody(input: CommandInput): string {
  return new URLSearchParams({
    token: 'deprecated',
    team_id: 'T1',
    team_domain: 'fake',
    channel_id: input.channel_id ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: input.user_id ?? 'U0USER',
    user_name: input.user_name ?? 'user',
    command: '/aispend',
    text: input.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: input.response_url,
    trigger_id: input.trigger_id ?? '1.2.3',
  }).toString();
}

export function sendCommand(appUrl: string, input: CommandInput, opts: SignOptions = {}): Promise<Response> {
  // Bolt matches the form content type exactly: no "; charset" here
  return post(`${appUrl}/slack/events`, commandBody(input), 'application/x-www-form-urlencoded', opts);
}

export interface ActionInput {
  user_id: string;
  action_id: string;
  value?: string;
  block_id?: string;
  channel_id?: string;
  message_ts?: string;
  /** absent for a press on the App Home: Slack sends none there */
  response_url?: string;
  trigger_id?: string;
  /** for actions inside a modal */
  view?: Record<string, unknown>;
  /** a press on the App Home tab: a `view` container, no channel, message or response_url */
  home?: boolean;
}

/** what Slack sends for a press on the App Home: the published view, and nothing of a message */
function homeActionPayload(input: ActionInput) {
  return {
    type: 'block_actions',
    user: { id: input.user_id, username: input.user_id, name: input.user_id, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated',
    container: { type: 'view', view_id: 'VHOME1' },
    trigger_id: input.trigger_id ?? '1.2.3',
    team: { id: 'T1', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'VHOME1',
      team_id: 'T1',
      type: 'home',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: '1.abc',
      title: { type: 'plain_text', text: 'View Title' },
      previous_view_id: null,
      root_view_id: 'VHOME1',
      app_id: 'A1',
      external_id: '',
      app_installed_team_id: 'T1',
      bot_id: 'B1',
    },
    actions: [
      {
        type: 'button',
        action_id: input.action_id,
        block_id: input.block_id ?? 'b',
        value: input.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

export function sendBlockAction(appUrl: string, input: ActionInput, opts: SignOptions = {}): Promise<Response> {
  if (input.home) {
    const body = 'payload=' + encodeURIComponent(JSON.stringify(homeActionPayload(input)));
    return post(`${appUrl}/slack/events`, body, 'application/x-www-form-urlencoded', opts);
  }
  const payload = {
    type: 'block_actions',
    user: { id: input.user_id, username: input.user_id, name: input.user_id, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated',
    team: { id: 'T1', domain: 'fake' },
    container: input.view
      ? { type: 'view', view_id: 'V1' }
      : { type: 'message', message_ts: input.message_ts ?? '1.1', channel_id: input.channel_id ?? 'C0GENERAL' },
    trigger_id: input.trigger_id ?? '1.2.3',
    channel: input.view ? undefined : { id: input.channel_id ?? 'C0GENERAL', name: 'general' },
    message: input.view ? undefined : { type: 'message', ts: input.message_ts ?? '1.1', text: '' },
    view: input.view,
    response_url: input.response_url,
    actions: [
      {
        type: 'button',
        action_id: input.action_id,
        block_id: input.block_id ?? 'b',
        value: input.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  const body = 'payload=' + encodeURIComponent(JSON.stringify(payload));
  return post(`${appUrl}/slack/events`, body, 'application/x-www-form-urlencoded', opts);
}

export interface ViewSubmissionInput {
  user_id: string;
  callback_id: string;
  private_metadata?: string;
  /** block_id → action_id → value */
  values: Record<string, Record<string, { type?: string; value?: string | null; selected_option?: { value: string } | null }>>;
}

export function sendViewSubmission(appUrl: string, input: ViewSubmissionInput, opts: SignOptions = {}): Promise<Response> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [b, acts] of Object.entries(input.values)) {
    values[b] = {};
    for (const [a, v] of Object.entries(acts)) values[b]![a] = { type: v.type ?? 'plain_text_input', ...v };
  }
  const payload = {
    type: 'view_submission',
    team: { id: 'T1', domain: 'fake' },
    user: { id: input.user_id, username: input.user_id, name: input.user_id, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'deprecated',
    trigger_id: '1.2.3',
    view: {
      id: 'V1',
      team_id: 'T1',
      type: 'modal',
      callback_id: input.callback_id,
      private_metadata: input.private_metadata ?? '',
      hash: 'h',
      state: { values },
      app_installed_team_id: 'T1',
    },
  };
  const body = 'payload=' + encodeURIComponent(JSON.stringify(payload));
  return post(`${appUrl}/slack/events`, body, 'application/x-www-form-urlencoded', opts);
}

let eventSeq = 0;

/** An Events API callback (app_home_opened, message, …). */
export function sendEvent(appUrl: string, event: Record<string, unknown>, opts: SignOptions = {}): Promise<Response> {
  const body = JSON.stringify({
    token: 'deprecated',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${++eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    event: { event_ts: String(Date.now() / 1000), ...event },
  });
  return post(`${appUrl}/slack/events`, body, 'application/json', opts);
}
