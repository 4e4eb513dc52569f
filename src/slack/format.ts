// Slack text: escaping and mentions. Number formatting lives in src/domain/format.ts.
export { usd, count, points, tokens, percent, change, duration, clip } from '../domain/format.js';

/** Slack escapes: & < > must be escaped in mrkdwn text that came from users or sources */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** a person as an answer names them: their Slack mention (and email), else their email or name */
export function personLabel(p: { id: number; slack_user_id: string | null; email: string | null; name: string | null }): string {
  if (p.slack_user_id) return `<@${p.slack_user_id}>${p.email ? ` (${escapeMrkdwn(p.email)})` : ''}`;
  return escapeMrkdwn(p.email ?? p.name ?? `person ${p.id}`);
}

export function userRef(slackUserId: string | null | undefined, fallback: string | null | undefined): string {
  if (slackUserId) return `<@${slackUserId}>`;
  return escapeMrkdwn(fallback ?? 'someone unknown');
}
