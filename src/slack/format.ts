// Slack text: escaping and mentions. Number formatting lives in src/domain/format.ts.
export { usd, count, points, tokens, percent, change, duration, clip } from '../domain/format.js';

/** Slack escapes: & < > must be escaped in mrkdwn text that came from users or sources */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function userRef(slackUserId: string | null | undefined, fallback: string | null | undefined): string {
  if (slackUserId) return `<@${slackUserId}>`;
  return escapeMrkdwn(fallback ?? 'someone unknown');
}
