// The shape of every `/aispend admin …` answer: what changed, in words, and what to do next; or what
// was wrong, with an example that works.
import { UserFacingError } from '../../errors.js';
import { code, context, section, type Block, type Message } from '../blocks.js';

/** A bad argument: what was wrong and an example that works. Nothing has been changed. */
export function badArgs(problem: string, example: string): UserFacingError {
  return new UserFacingError(`${problem} Nothing was changed. Example: ${code(example)}`, 'bad_arguments');
}

/** a done answer: the first line is the key fact */
export function adminDone(lines: string[], next?: string): Message {
  const blocks: Block[] = [section(`:white_check_mark: ${lines[0]}${lines.length > 1 ? '\n' + lines.slice(1).join('\n') : ''}`)];
  if (next) blocks.push(context(next));
  return { text: lines[0]!.replace(/\*/g, ''), blocks };
}

export function channelRef(id: string | null): string {
  return id ? `<#${id}>` : '_no channel_';
}
