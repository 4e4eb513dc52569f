// Answers of `/aispend admin team list`: teams with their channels, members and approvers.
import type { TeamListRow } from './org-service.js';
import { channelRef } from '../slack/admin/answers.js';
import { code, section, type Block, type Message } from '../slack/blocks.js';
import { count, escapeMrkdwn, usd } from '../slack/format.js';

export function teamListBlocks(rows: TeamListRow[]): Message {
  if (rows.length === 0) {
    const text = 'No teams yet.';
    return {
      text,
      blocks: [section(`${text} Create one: ${code('/aispend admin team create platform #platform-eng')}`)],
    };
  }
  const lines = rows.map(({ team, members, approvers }) => {
    const parts = [
      `digests in ${channelRef(team.channel_id)}`,
      team.approvals_channel_id ? `requests in ${channelRef(team.approvals_channel_id)}` : null,
      `${count(members)} ${members === 1 ? 'member' : 'members'}`,
      approvers.length ? `approvers ${approvers.map((a) => `<@${a}>`).join(' ')}` : 'no approvers',
      team.monthly_budget_usd !== null ? `budget ${usd(team.monthly_budget_usd)}/month` : 'no budget',
    ].filter(Boolean);
    return `• *${escapeMrkdwn(team.name)}* — ${parts.join(' · ')}`;
  });
  const blocks: Block[] = [];
  // a section holds 3,000 characters: split long lists
  let chunk: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length + 1 > 2900 && chunk.length) {
      blocks.push(section(chunk.join('\n')));
      chunk = [];
      size = 0;
    }
    chunk.push(l);
    size += l.length + 1;
  }
  if (chunk.length) blocks.push(section(chunk.join('\n')));
  const text = `${rows.length} ${rows.length === 1 ? 'team' : 'teams'}`;
  return { text, blocks: [section(`*${text}*`), ...blocks.slice(0, 45)] };
}
