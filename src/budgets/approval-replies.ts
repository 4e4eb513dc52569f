// Decisions typed in a request's thread: `approve`, `approve 300`, `deny <reason>`. Other chat in
// the thread, edits and bot messages are ignored. Refusals go to the replier only (postEphemeral).
import type { App } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { parseThreadReply } from './budget-policy.js';
import { decide } from './decisions.js';
import { requestByThread } from './requests.js';
import { drainOutbox } from '../slack/outbox.js';

interface ThreadMessage {
  type: 'message';
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  channel: string;
  ts: string;
  thread_ts?: string;
}

export function registerApprovalReplies(app: App, deps: Deps): void {
  app.event('message', async ({ event, client }) => {
    const m = event as unknown as ThreadMessage;
    // edits, deletions, joins and bot posts carry a subtype or a bot_id; only plain replies count
    if (m.subtype !== undefined || m.bot_id || !m.user || !m.text) return;
    if (!m.thread_ts || m.thread_ts === m.ts) return;
    const reply = parseThreadReply(m.text, deps.config.budget.maxRequestUsd);
    if (!reply) return;
    const request = requestByThread(deps, m.channel, m.thread_ts, deps.clock.now());
    if (!request) return;
    const tell = async (text: string) => {
      try {
        await client.chat.postEphemeral({ channel: m.channel, user: m.user!, thread_ts: m.thread_ts, text });
      } catch (e) {
        deps.logger.warn('approval reply: postEphemeral failed', { requestId: request.id, err: e });
      }
    };
    if (reply.kind === 'invalid') {
      await tell(`${reply.message} Nothing was changed.`);
      return;
    }
    const result =
      reply.kind === 'approve'
        ? decide(deps, { requestId: request.id, actor: m.user, outcome: 'approve', amountUsd: reply.amountUsd, note: reply.note })
        : decide(deps, { requestId: request.id, actor: m.user, outcome: 'deny', note: reply.reason });
    if (!result.ok) {
      await tell(result.message);
      return;
    }
    await drainOutbox(deps);
  });
}
