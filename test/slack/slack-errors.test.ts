// Slack failures told apart: "cannot reach Slack" (the token was never tried) or "Slack rejected the
// token", from the errors @slack/web-api throws (shapes as it builds them).
import { describe, expect, it } from 'vitest';
import { describeSlackFailure, slackFailure } from '../../src/slack/slack-errors.js';

const requestError = (original: unknown) => Object.assign(new Error('A request error occurred'), { code: 'slack_webapi_request_error', original });
const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });

describe('slackFailure', () => {
  it('names the network reason when Slack cannot be reached', () => {
    expect(slackFailure(requestError(fetchFailed(Object.assign(new Error('getaddrinfo ENOTFOUND slack.invalid'), { code: 'ENOTFOUND' }))))).toEqual({
      kind: 'unreachable',
      reason: 'host not found (ENOTFOUND)',
    });
    expect(slackFailure(requestError(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' })))).toEqual({
      kind: 'unreachable',
      reason: 'no answer in time',
    });
    // undici wraps several connection attempts in an AggregateError
    const aggregate = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' })], 'x'));
    expect(slackFailure(requestError(fetchFailed(aggregate)))).toEqual({ kind: 'unreachable', reason: 'connection refused (ECONNREFUSED)' });
    expect(slackFailure(Object.assign(new Error('HTTP'), { code: 'slack_webapi_http_error', statusCode: 407, statusMessage: 'Proxy Authentication Required' }))).toEqual({
      kind: 'unreachable',
      reason: "HTTP 407 Proxy Authentication Required (not Slack's Web API answering)",
    });
  });

  it('tells a rejected token apart from other answers', () => {
    const platform = (error: string) => Object.assign(new Error(error), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
    expect(slackFailure(platform('token_revoked'))).toEqual({ kind: 'rejected', error: 'token_revoked' });
    expect(slackFailure(platform('fatal_error'))).toEqual({ kind: 'error', error: 'fatal_error' });
    expect(describeSlackFailure({ kind: 'rejected', error: 'invalid_auth' }, 'https://slack.com/api/')).toBe('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(describeSlackFailure({ kind: 'unreachable', reason: 'host not found (ENOTFOUND)' }, 'https://slack.com/api/')).toBe(
      'cannot reach Slack at https://slack.com/api/: host not found (ENOTFOUND). The token was not tried; check the network, proxy or SLACK_API_URL',
    );
  });
});
