// GET /metrics: Prometheus text format (prom-client). Open by default, like most exporters, so the
// port should stay private; with METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`
// (Prometheus: `authorization: { credentials: … }` in the scrape config), compared in constant time.
import type { Deps } from '../deps.js';
import { safeEqual } from '../http/crypto.js';
import { sendJson, type Route } from '../http/route.js';

export function metricsRoute(): Route {
  return {
    method: 'GET',
    path: '/metrics',
    async serve(req, res, deps: Deps) {
      const token = deps.config.metricsToken;
      if (token !== undefined) {
        const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
        if (given === undefined || !safeEqual(token, given)) {
          res.setHeader('www-authenticate', 'Bearer realm="aispend metrics"');
          sendJson(res, 401, { error: 'unauthorized', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
          return;
        }
      }
      if (!deps.metrics) {
        sendJson(res, 404, { error: 'not_found' });
        return;
      }
      try {
        const { contentType, text } = await deps.metrics.render();
        res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(text);
      } catch (e) {
        deps.logger.error('metrics failed', { err: e });
        sendJson(res, 500, { error: 'internal_error', message: 'metrics could not be collected; it has been logged' });
      }
    },
  };
}
