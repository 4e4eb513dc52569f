// Block Kit building blocks every answer uses: sections, fields, context, headers and inline code,
// each kept within Slack's limits (3,000 characters a section, 150 a header).
import { clip, escapeMrkdwn } from './format.js';

export type Block = Record<string, unknown>;

export interface Message {
  text: string;
  blocks: Block[];
}

export const SECTION_MAX = 3000;

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) } };
}

export function fields(items: string[]): Block {
  return { type: 'section', fields: items.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 2000) })) };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SECTION_MAX) }] };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: true } };
}

export const divider: Block = { type: 'divider' };

/** inline code of a command example; its <placeholders> escaped so Slack shows them as typed */
export function code(example: string): string {
  return '`' + escapeMrkdwn(example) + '`';
}
