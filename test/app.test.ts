import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, SlackAuthError, SlackUnreachableError } from '../src/app.js';
import { fixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import type { Feature } from '../src/feature.js';
import { defineRoute } from '../src/http/route.js';
import { silentLogger } from '../src/logger.js';
import { startFakeSlack } from './helpers/fake-slack.js';
import { runTs } from './helpers/run-node.js';
import { tempDbPath } from './helpers/temp-db.js';
import { startTestApp } from './helpers/test-app.js';
import { exportClient } from './helpers/grpc-client.js';
import { largeEventsExport } from './ingest/otlp/otlp-builders.js';
import { LOGS_EXPORT_PATH } from '../src/ingest/otlp/otlp-grpc.js';
import { encodeLogsRequest } from '../src/ingest/otlp/otlp-protobuf.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** `npm start` in a fresh folder (no .env) with only these variables */
function runMain(
  env: Record<string, string>,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return runTs('src/main.ts', [], { env, onStderr });
}

describe('start-up', () => {
  it('serves /healthz with a database check', async () => {
    const t = await startTestApp();
    cleanups.push(() => t.close());
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('throws SlackAuthError when Slack rejects the token', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    slack.failNext('auth.test', { error: 'invalid_auth' });
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const config = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxb-bad', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, PORT: '0' } as never,
      { requireSlack: true },
    );
    const db = openDatabase(tmp.path);
    cleanups.push(() => {
      db.close();
    });
    await expect(buildApp({ config, db, logger: silentLogger, clock: fixedClock(0), schedule: false })).rejects.toThrow(
      SlackAuthError,
    );
  });

  it('npm start: a rejected token is one readable line and a non-zero exit, no stack trace', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    slack.failNext('auth.test', { error: 'invalid_auth', count: 5 });
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const r = await runMain({
      SLACK_BOT_TOKEN: 'xoxb-bad',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      DATABASE_PATH: tmp.path,
    });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('tells an unreachable Slack apart from a rejected token: an HTTP error between us and Slack', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    slack.failNext('auth.test', { status: 502, count: 5 });
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const config = loadConfig(
      { SLACK_BOT_TOKEN: 'xoxb-ok', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, PORT: '0', DATABASE_PATH: tmp.path } as never,
      { requireSlack: true },
    );
    const db = openDatabase(tmp.path);
    cleanups.push(() => {
      db.close();
    });
    const err = await buildApp({ config, db, logger: silentLogger, clock: fixedClock(0), schedule: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SlackUnreachableError);
    expect((err as Error).message).toBe(
      `Cannot reach Slack at ${slack.apiUrl}: HTTP 502 Bad Gateway (not Slack's Web API answering). The token was not tried; check the network, the proxy, or SLACK_API_URL.`,
    );
  });

  it('npm start: Slack unreachable is one line naming the URL and the reason, and never blames the token', async () => {
    const closed = await startFakeSlack();
    const url = closed.apiUrl;
    await closed.stop(); // nothing listens on its port any more
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const r = await runMain({ SLACK_BOT_TOKEN: 'xoxb-ok', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: url, PORT: '0', DATABASE_PATH: tmp.path });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `Cannot reach Slack at ${url}: connection refused (ECONNREFUSED). The token was not tried; check the network, the proxy, or SLACK_API_URL.`,
    );
    expect(r.stderr).not.toMatch(/rejected|OAuth/);
  });

  it('npm start reads the .env of the folder it runs in', async () => {
    const closed = await startFakeSlack();
    const url = closed.apiUrl;
    await closed.stop();
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    writeFileSync(
      join(tmp.dir, '.env'),
      `SLACK_BOT_TOKEN=xoxb-from-dotenv\nSLACK_SIGNING_SECRET=from-dotenv\nSLACK_API_URL=${url}\nPORT=0\nDATABASE_PATH=${tmp.path}\n`,
    );
    const r = await runTs('src/main.ts', [], { cwd: tmp.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot reach Slack at ${url}`);
  });

  it('npm start with no configuration lists every missing variable and points to the demo', async () => {
    // empty values count as unset, and keep a filled-in .env in the folder from filling them
    const r = await runMain({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: '' });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is missing');
    expect(r.stderr).toContain('SLACK_SIGNING_SECRET is missing');
    expect(r.stderr).toContain('npm run demo');
  });
});

describe('shutdown', () => {
  it('npm start: a second signal exits at once while a request is still in flight', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    let stage = 0;
    let socket: import('node:net').Socket | undefined;
    cleanups.push(() => {
      socket?.destroy();
    });
    const r = await runMain(
      { SLACK_BOT_TOKEN: 'xoxb-ok', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: slack.apiUrl, PORT: '0', DATABASE_PATH: tmp.path },
      (text, child) => {
        if (stage === 0 && text.includes('aispend is running')) {
          stage = 1;
          const port = Number(/"port":(\d+)/.exec(text)![1]);
          const net = require('node:net') as typeof import('node:net');
          // a request whose body never finishes keeps the server busy
          socket = net.connect(port, '127.0.0.1', () => {
            socket!.write('POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
            setTimeout(() => child.kill('SIGTERM'), 200);
          });
        } else if (stage === 1 && text.includes('finishing requests in flight')) {
          stage = 2;
          child.kill('SIGTERM');
        }
      },
    );
    expect(stage).toBe(2);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('second signal');
  });

  it('npm start: SIGTERM stops cleanly with exit 0', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    let signalled = false;
    const r = await runMain(
      { SLACK_BOT_TOKEN: 'xoxb-ok', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: slack.apiUrl, PORT: '0', DATABASE_PATH: tmp.path },
      (text, child) => {
        if (!signalled && text.includes('aispend is running')) {
          signalled = true;
          child.kill('SIGTERM');
        }
      },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"msg":"stopped"');
  });

  it('npm start with OTLP_GRPC_PORT: the gRPC receiver listens, reads a large export on the decode thread (from TypeScript), and SIGTERM stops it with the rest (exit 0)', async () => {
    const slack = await startFakeSlack();
    cleanups.push(() => slack.stop());
    const tmp = tempDbPath();
    cleanups.push(tmp.cleanup);
    const token = 'npm-start-ingest-token-0123456789abcdef';
    let grpcPort = 0;
    let signalled = false;
    let code: number | undefined;
    const r = await runMain(
      {
        SLACK_BOT_TOKEN: 'xoxb-ok',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DATABASE_PATH: tmp.path,
        OTLP_GRPC_PORT: '0',
        AISPEND_INGEST_TOKEN: token,
      },
      (text, child) => {
        const m = /"msg":"OTLP\/gRPC listening".*"port":(\d+)/.exec(text);
        if (m) grpcPort = Number(m[1]);
        if (!signalled && text.includes('aispend is running')) {
          signalled = true;
          void (async () => {
            const client = exportClient(LOGS_EXPORT_PATH, grpcPort);
            code = (await client.call(encodeLogsRequest(largeEventsExport()), token)).code;
            client.close();
            child.kill('SIGTERM');
          })();
        }
      },
    );
    expect(grpcPort).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(r.stderr).not.toContain('decode thread');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('"msg":"stopped"');
  });

  it('finishes a request in flight, refuses new ones, then stops', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const entered = new Promise<void>((r) => (started = r));
    const slow: Feature = {
      name: 'slow',
      routes: () => [
        defineRoute({
          method: 'POST',
          path: '/slow',
          auth: 'bearer',
          handle: async ({ deps }) => {
            started();
            await gate;
            deps.db.prepare("INSERT INTO settings (key, value) VALUES ('slow', 'done')").run();
            return { body: { accepted: 1, duplicates: 0 } };
          },
        }),
      ],
    };
    const t = await startTestApp({ features: [slow] });
    cleanups.push(() => t.close());
    const inflight = t.ingest('/slow', {});
    await entered;
    const stopping = t.app.stop();
    // a new request while stopping is refused (503) or cannot connect
    const late = await fetch(`${t.url}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    release();
    const res = await inflight;
    expect(res.status).toBe(200);
    await stopping;
    expect(t.db.prepare("SELECT value FROM settings WHERE key = 'slow'").get()).toEqual({ value: 'done' });
  });
});
