// "Waiting for you" on the App Home: the owners' requests to excuse a session that the viewer may
// decide, each with the buttons of its thread reply. Pure, phone-readable: one short line of who and
// which session, one of the figures, then the buttons.
import { clip, duration, escapeMrkdwn, usd, userRef } from '../slack/format.js';
import { expectDecisionActions, shortSession } from './loop-alert-blocks.js';

export interface PendingDecisionView {
  requestId: number;
  sessionId: string;
  teamName: string | null;
  owner: { slackUserId: string | null; email: string | null; name: string | null };
  /** the session's cost so far */
  costUsd: number;
  /** how long it has run, up to its latest activity */
  runningMs: number;
  requestedAt: number;
  /** a link to where it was asked; else the channel it was asked in, when that is a channel */
  link?: string;
  channelId?: string;
}

type Block = Record<string, unknown>;

function askedText(d: PendingDecisionView, now: number): string {
  const asked = `asked ${duration(Math.max(0, now - d.requestedAt))} ago`;
  if (d.link) return `<${d.link}|${asked}>`;
  return d.channelId?.startsWith('C') || d.channelId?.startsWith('G') ? `${asked} in <#${d.channelId}>` : asked;
}

function decisionBlocks(d: PendingDecisionView, now: number): Block[] {
  const owner = userRef(d.owner.slackUserId, d.owner.email ?? d.owner.name ?? 'an unknown owner');
  const team = d.teamName ? ` · ${escapeMrkdwn(d.teamName)}` : '';
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `\`${escapeMrkdwn(shortSession(d.sessionId))}\` · ${owner}${team}\n` +
            `*${usd(d.costUsd)}* so far · running ${duration(d.runningMs)} · ${askedText(d, now)}`,
          3000,
        ),
      },
    },
    expectDecisionActions(d.requestId),
  ];
}

/**
 * The section: a heading, the newest requests shown (each with Confirm / Decline), and how many more
 * wait. Nothing when none waits.
 */
export function pendingDecisionBlocks(items: PendingDecisionView[], total: number, now: number): Block[] {
  if (items.length === 0) return [];
  const n = Math.max(total, items.length);
  const blocks: Block[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `:raising_hand: *Waiting for you: ${n} long-task ${n === 1 ? 'request' : 'requests'}*\n` +
          'Owners ask to excuse these sessions from the waste figure. Until an approver confirms, they count as waste.',
      },
    },
    ...items.flatMap((d) => decisionBlocks(d, now)),
  ];
  if (n > items.length) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${n - items.length} more, older: each is in its loop alert's thread.` }],
    });
  }
  return blocks;
}
