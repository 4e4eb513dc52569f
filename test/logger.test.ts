import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

describe('logger', () => {
  it('writes one JSON line per record at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l) });
    log.debug('hidden');
    log.info('shown', { n: 1 });
    log.child({ component: 'x' }).warn('child');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'shown', n: 1 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'child', component: 'x' });
  });

  it('masks secrets, tokens and prompt text wherever they appear in fields', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    log.error('oops', {
      token: 'xoxb-123',
      headers: { authorization: 'Bearer abc', 'x-hub-signature-256': 'sha256=ff' },
      nested: { apiKey: 'sk-ant-admin-1', prompt: 'my secret plan', ok: 'visible' },
      err: new Error('boom'),
    });
    const line = lines[0]!;
    for (const secret of ['xoxb-123', 'Bearer abc', 'sha256=ff', 'sk-ant-admin-1', 'my secret plan']) expect(line).not.toContain(secret);
    expect(line).toContain('visible');
    expect(JSON.parse(line).err).toMatchObject({ name: 'Error', message: 'boom' });
  });
});
