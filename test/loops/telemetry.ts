// Claude Code telemetry for one session, as the exporter sends it (OTLP/HTTP JSON), for the loop tests
// that go through the real ingest routes: spending events (api_request), and the metrics Claude Code
// sends only every export interval (commit.count, lines_of_code.count).
import { logsExport, metricsExport } from '../ingest/otlp/otlp-builders.js';

const iso = (ms: number) => new Date(ms).toISOString();

const identity = (sessionId: string, email: string) => ({ 'session.id': sessionId, 'user.email': email });
const RESOURCE = { 'service.name': 'claude-code', 'service.version': '2.0.14' };

/** api_request events at the given times, each costing `usd` */
export function spending(sessionId: string, email: string, calls: Array<{ at: number; usd: number }>): unknown {
  return logsExport(
    RESOURCE,
    calls.map((c) => ({
      name: 'api_request',
      at: iso(c.at),
      attrs: {
        ...identity(sessionId, email),
        model: 'claude-sonnet-4-5-20250929',
        cost_usd: c.usd,
        input_tokens: 1200,
        output_tokens: 300,
        duration_ms: 1800,
      },
    })),
  );
}

/** one metrics export at `at` (its interval is the minute before): commits and lines changed in it */
export function metricsAt(sessionId: string, email: string, at: number, what: { commits?: number; linesAdded?: number }): unknown {
  const attrs = identity(sessionId, email);
  const window = { start: iso(at - 60_000), time: iso(at) };
  return metricsExport(RESOURCE, [
    ...(what.commits ? [{ metric: 'claude_code.commit.count', value: what.commits, attrs, ...window }] : []),
    ...(what.linesAdded ? [{ metric: 'claude_code.lines_of_code.count', value: what.linesAdded, attrs: { ...attrs, type: 'added' }, ...window }] : []),
  ]);
}
