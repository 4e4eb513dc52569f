// What went wrong when a call to Slack failed, in words an admin can act on. "Cannot reach Slack"
// (network, DNS, proxy, timeout, an HTTP error from something in between: the token was never tried)
// is kept apart from "Slack rejected the token" (Slack answered, and said no). Start-up and
// `aispend doctor` both say it this way.
import { networkReason } from '../http/network-error.js';

export type SlackFailure =
  | { kind: 'unreachable'; reason: string }
  | { kind: 'rejected'; error: string }
  | { kind: 'error'; error: string };

/** Slack's answers that mean the token itself is not accepted */
const TOKEN_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'not_allowed_token_type',
  'invalid_token',
]);

interface ErrorLike {
  code?: string;
  message?: string;
  statusCode?: number;
  statusMessage?: string;
  data?: { error?: string };
  original?: unknown;
}

/** Classifies an error thrown by @slack/web-api (directly or through Bolt). */
export function slackFailure(e: unknown): SlackFailure {
  const x = (e ?? {}) as ErrorLike;
  if (x.code === 'slack_webapi_platform_error' || x.data?.error) {
    const error = x.data?.error ?? 'unknown_error';
    return TOKEN_ERRORS.has(error) ? { kind: 'rejected', error } : { kind: 'error', error };
  }
  if (x.code === 'slack_webapi_http_error') {
    return { kind: 'unreachable', reason: `HTTP ${x.statusCode ?? '?'}${x.statusMessage ? ` ${x.statusMessage}` : ''} (not Slack's Web API answering)` };
  }
  if (x.code === 'slack_webapi_rate_limited_error') return { kind: 'error', error: 'ratelimited' };
  const reason = networkReason(x.original) ?? networkReason(x);
  if (reason || x.code === 'slack_webapi_request_error') {
    return { kind: 'unreachable', reason: reason ?? (x.original as ErrorLike | undefined)?.message ?? x.message ?? 'request failed' };
  }
  return { kind: 'error', error: x.message ?? String(e) };
}

/** "cannot reach Slack at <url>: <reason>" / "Slack rejected SLACK_BOT_TOKEN (invalid_auth)" / … */
export function describeSlackFailure(f: SlackFailure, apiUrl: string, tokenVar = 'SLACK_BOT_TOKEN'): string {
  switch (f.kind) {
    case 'unreachable':
      return `cannot reach Slack at ${apiUrl}: ${f.reason}. The token was not tried; check the network, proxy or SLACK_API_URL`;
    case 'rejected':
      return `Slack rejected ${tokenVar} (${f.error})`;
    case 'error':
      return `Slack answered with an error (${f.error})`;
  }
}
