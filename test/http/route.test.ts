import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute } from '../../src/http/route.js';
import { verifyHmacSha256, hmacSha256Hex } from '../../src/http/crypto.js';
import { NotConfiguredError, UnauthorizedError } from '../../src/errors.js';
import { tokenRepo } from '../../src/db/repos/token-repo.js';
import { startRouteServer, type RouteServer } from '../helpers/route-server.js';

const TOKEN = 'test-ingest-token-0123456789abcdef';
const schema = z.object({ records: z.array(z.object({ id: z.string(), model: z.string() })) });
const seen: unknown[] = [];

let s: RouteServer;
beforeAll(async () => {
  s = await startRouteServer(() => [
    defineRoute({
      method: 'POST',
      path: '/t/bearer',
      auth: 'bearer',
      schema,
      bodyLimit: 1024,
      handle: ({ body }) => {
        seen.push(body);
        return { body: { accepted: body.records.length, duplicates: 0 } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/t/hmac',
      auth: (raw, headers) => {
        const sig = headers['x-sig'];
        if (typeof sig !== 'string') throw new UnauthorizedError('missing signature');
        if (!verifyHmacSha256('shh', raw, sig, 'sha256=')) throw new UnauthorizedError('bad signature');
      },
      handle: () => ({ body: { ok: true } }),
    }),
    defineRoute({
      method: 'POST',
      path: '/t/unconfigured',
      auth: 'none',
      precheck: () => {
        throw new NotConfiguredError('GITHUB_WEBHOOK_SECRET is not set');
      },
      handle: () => ({ body: {} }),
    }),
    defineRoute({
      method: 'POST',
      path: '/t/crash',
      auth: 'none',
      handle: () => {
        throw new Error('secret internals');
      },
    }),
  ]);
});
afterAll(async () => {
  await s.close();
});

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(s.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

describe('route wrapper', () => {
  it('accepts a valid bearer request', async () => {
    const res = await post('/t/bearer', JSON.stringify({ records: [{ id: '1', model: 'm' }] }), { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('answers 401 without or with a wrong token', async () => {
    const a = await post('/t/bearer', '{}');
    expect(a.status).toBe(401);
    expect(await a.json()).toEqual({ error: 'unauthorized', message: 'unauthorized' });
    const b = await post('/t/bearer', '{}', { authorization: `Bearer ${TOKEN}x` });
    expect(b.status).toBe(401);
  });

  it('accepts a CLI-made token and refuses it once revoked', async () => {
    tokenRepo(s.deps.db).create('ci', 'asp_cli_token_value_123456', s.deps.clock.now());
    const body = JSON.stringify({ records: [] });
    expect((await post('/t/bearer', body, { authorization: 'Bearer asp_cli_token_value_123456' })).status).toBe(200);
    tokenRepo(s.deps.db).revoke('ci', s.deps.clock.now());
    expect((await post('/t/bearer', body, { authorization: 'Bearer asp_cli_token_value_123456' })).status).toBe(401);
  });

  it('answers 400 with the exact field path', async () => {
    const res = await post('/t/bearer', JSON.stringify({ records: [{ id: '1', model: 'a' }, { id: '2' }] }), {
      authorization: `Bearer ${TOKEN}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; issues: Array<{ path: string; message: string }> };
    expect(body.error).toBe('invalid_payload');
    expect(body.issues.map((i) => i.path)).toEqual(['records.1.model']);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await post('/t/bearer', '{nope', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { issues: unknown[] }).issues).toEqual([{ path: '(body)', message: 'body is not valid JSON' }]);
  });

  it('answers 413 over the body limit, before and after gunzip', async () => {
    const big = JSON.stringify({ records: [{ id: 'x'.repeat(2000), model: 'm' }] });
    const res = await post('/t/bearer', big, { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(413);
    const bomb = gzipSync(Buffer.from(JSON.stringify({ records: [{ id: ' '.repeat(50_000), model: 'm' }] })));
    expect(bomb.length).toBeLessThan(1024);
    const res2 = await post('/t/bearer', bomb, { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' });
    expect(res2.status).toBe(413);
  });

  it('answers 415 for another content type', async () => {
    const res = await post('/t/bearer', 'x', { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_media_type');
  });

  it('accepts gzip request bodies', async () => {
    const gz = gzipSync(Buffer.from(JSON.stringify({ records: [{ id: 'g', model: 'm' }] })));
    const res = await post('/t/bearer', gz, { authorization: `Bearer ${TOKEN}`, 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toEqual({ records: [{ id: 'g', model: 'm' }] });
  });

  it('checks HMAC signatures over the raw bytes', async () => {
    const raw = '{"a": 1,   "b":2}';
    const good = await post('/t/hmac', raw, { 'x-sig': 'sha256=' + hmacSha256Hex('shh', raw) });
    expect(good.status).toBe(200);
    const reformatted = await post('/t/hmac', JSON.stringify(JSON.parse(raw)), { 'x-sig': 'sha256=' + hmacSha256Hex('shh', raw) });
    expect(reformatted.status).toBe(401);
    expect((await post('/t/hmac', raw)).status).toBe(401);
  });

  it('answers 503 naming the variable when a route is not configured', async () => {
    const res = await post('/t/unconfigured', '{}');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: 'not_configured', message: 'GITHUB_WEBHOOK_SECRET is not set' });
  });

  it('answers 500 without internals, and logs the detail', async () => {
    const res = await post('/t/crash', '{}');
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain('secret internals');
    expect(s.logs.some((l) => l.includes('route crashed'))).toBe(true);
  });

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    expect((await fetch(s.url + '/nope')).status).toBe(404);
    expect((await fetch(s.url + '/t/bearer')).status).toBe(405);
  });

  it('never logs the bearer token', () => {
    expect(s.logs.join('\n')).not.toContain(TOKEN);
  });
});

describe('verifyHmacSha256', () => {
  it("matches GitHub's published test vector", () => {
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(verifyHmacSha256("It's a Secret to Everybody", Buffer.from('Hello, World!'), sig, 'sha256=')).toBe(true);
    expect(verifyHmacSha256("It's a Secret to Everybody", Buffer.from('Hello, World?'), sig, 'sha256=')).toBe(false);
  });
});
