// Serves routes on an ephemeral port without Slack: for route and ingest tests that need no Bolt.
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { createHttpServer } from '../../src/http/server.js';
import type { Route } from '../../src/http/route.js';
import { createLogger } from '../../src/logger.js';
import { openTempDb, type TempDb } from './temp-db.js';

export interface RouteServer {
  url: string;
  deps: Deps;
  tmp: TempDb;
  logs: string[];
  close(): Promise<void>;
}

export async function startRouteServer(
  makeRoutes: (deps: Deps) => Route[],
  opts: { env?: Record<string, string>; now?: number } = {},
): Promise<RouteServer> {
  const tmp = openTempDb();
  const logs: string[] = [];
  const deps: Deps = {
    db: tmp.db,
    config: testConfig({ AISPEND_INGEST_TOKEN: 'test-ingest-token-0123456789abcdef', ...opts.env }),
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    clock: fixedClock(opts.now ?? Date.parse('2026-11-23T10:00:00Z')),
    afterIngest: [],
  };
  const http = createHttpServer(deps, makeRoutes(deps));
  const port = await http.listen(0);
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    tmp,
    logs,
    async close() {
      await http.close();
      tmp.cleanup();
    },
  };
}
