// One HTTP server on PORT: Slack's endpoint (delegated to Bolt's HTTPReceiver) beside our routes.
// It tracks requests in flight so that shutdown can finish them before the database closes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Deps } from '../deps.js';
import { sendJson, type Route } from './route.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpServer {
  server: Server;
  listen(port: number): Promise<number>;
  /** stop accepting, wait for in-flight requests (up to timeoutMs), then close idle sockets */
  close(timeoutMs?: number): Promise<void>;
  inFlight(): number;
}

export function createHttpServer(deps: Deps, routes: Route[], slack?: RequestListener): HttpServer {
  const table = new Map<string, Route>();
  for (const r of routes) table.set(`${r.method} ${r.path}`, r);
  let inflight = 0;
  let closing = false;
  const idleWaiters: Array<() => void> = [];
  const sockets = new Set<Socket>();

  const done = () => {
    inflight -= 1;
    if (inflight === 0) idleWaiters.splice(0).forEach((f) => f());
  };

  const server = createServer((req, res) => {
    if (closing) {
      res.setHeader('connection', 'close');
      sendJson(res, 503, { error: 'shutting_down', message: 'aispend is restarting; retry shortly' });
      return;
    }
    inflight += 1;
    res.on('close', done);
    const path = (req.url ?? '/').split('?')[0]!;
    const route = table.get(`${req.method} ${path}`);
    if (route) {
      void route.serve(req, res, deps);
      return;
    }
    if (path === '/slack/events' && slack) {
      try {
        slack(req, res);
      } catch (e) {
        deps.logger.warn('slack request not dispatched', { err: e });
        sendJson(res, 404, { error: 'not_found' });
      }
      return;
    }
    const known = [...table.values()].some((r) => r.path === path) || path === '/slack/events';
    sendJson(res, known ? 405 : 404, { error: known ? 'method_not_allowed' : 'not_found' });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // requests carry their own body limits; keep-alive sockets must not hold shutdown hostage
  server.keepAliveTimeout = 5_000;

  return {
    server,
    listen(port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => {
          server.off('error', reject);
          const addr = server.address();
          resolve(typeof addr === 'object' && addr ? addr.port : port);
        });
      });
    },
    async close(timeoutMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inflight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => idleWaiters.push(resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      server.closeIdleConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
    inFlight: () => inflight,
  };
}
