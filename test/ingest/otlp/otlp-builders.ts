// Small builders of OTLP/JSON exports in Claude Code's shape, for tests that need many variations.
type Attr = { key: string; value: Record<string, unknown> };

export const sAttr = (key: string, v: string): Attr => ({ key, value: { stringValue: v } });

export const ns = (iso: string): string => `${BigInt(Date.parse(iso)) * 1_000_000n}`;

export interface PointSpec {
  metric: string;
  value: number;
  attrs?: Record<string, string>;
  start: string;
  time: string;
  temporality?: 1 | 2;
}

export function metricsExport(resource: Record<string, string>, points: PointSpec[]): unknown {
  return {
    resourceMetrics: [
      {
        resource: { attributes: Object.entries(resource).map(([k, v]) => sAttr(k, v)) },
        scopeMetrics: [
          {
            scope: { name: 'com.anthropic.claude_code', version: '2.0.14' },
            metrics: points.map((p) => ({
              name: p.metric,
              unit: '',
              sum: {
                aggregationTemporality: p.temporality ?? 1,
                isMonotonic: true,
                dataPoints: [
                  {
                    attributes: Object.entries(p.attrs ?? {}).map(([k, v]) => sAttr(k, v)),
                    startTimeUnixNano: ns(p.start),
                    timeUnixNano: ns(p.time),
                    asDouble: p.value,
                  },
                ],
              },
            })),
          },
        ],
      },
    ],
  };
}

export interface EventSpec {
  name: string;
  at: string;
  attrs: Record<string, string | number>;
}

export function logsExport(resource: Record<string, string>, events: EventSpec[]): unknown {
  return {
    resourceLogs: [
      {
        resource: { attributes: Object.entries(resource).map(([k, v]) => sAttr(k, v)) },
        scopeLogs: [
          {
            scope: { name: 'com.anthropic.claude_code.events' },
            logRecords: events.map((e) => ({
              timeUnixNano: ns(e.at),
              body: { stringValue: `claude_code.${e.name}` },
              attributes: [
                sAttr('event.name', e.name),
                sAttr('event.timestamp', new Date(Date.parse(e.at)).toISOString()),
                ...Object.entries(e.attrs).map(([k, v]) =>
                  typeof v === 'number' ? { key: k, value: Number.isInteger(v) ? { intValue: v } : { doubleValue: v } } : sAttr(k, v),
                ),
              ],
            })),
          },
        ],
      },
    ],
  };
}

/** the day of largeEventsExport's events (UTC) */
export const LARGE_EXPORT_DAY = '2026-11-22';
const at = (start: string, second: number) => new Date(Date.parse(start) + second * 1000).toISOString();
const int = (key: string, v: number) => ({ key, value: { intValue: String(v) } });
const dbl = (key: string, v: number) => ({ key, value: { doubleValue: v } });

function record(start: string, name: string, second: number | undefined, attrs: Array<{ key: string; value: Record<string, unknown> }>) {
  const time = second === undefined ? {} : { timeUnixNano: ns(at(start, second)) };
  const stamp = second === undefined ? [] : [sAttr('event.timestamp', at(start, second))];
  return { ...time, body: { stringValue: `claude_code.${name}` }, attributes: [sAttr('event.name', name), ...stamp, ...attrs] };
}

/**
 * An export of 512 Claude Code events and 10 other records, about 300 KB of JSON (so read on the
 * decode thread): 300 api_request of alice (session T-A, $0.01 each), 200 of bob (T-B, 5000 µ$ each),
 * 5 failed tool results and 3 prompts on T-A, and 4 events to skip (2 without a timestamp, one bad
 * token count, one negative cost). Event k of a run is at `start` + k seconds (tool results from 400 s,
 * prompts from 500 s). test/ingest/otlp/log-decode-thread.test.ts reconciles it by hand.
 */
export function largeEventsExport(suffix = '', start = `${LARGE_EXPORT_DAY}T08:00:00Z`) {
  const alice = [];
  for (let k = 0; k < 300; k++) {
    alice.push(record(start, 'api_request', k, [int('event.sequence', k), sAttr('model', 'claude-sonnet-4-5'), int('input_tokens', 100), int('output_tokens', 10), dbl('cost_usd', 0.01)]));
  }
  for (let k = 0; k < 5; k++) alice.push(record(start, 'tool_result', 400 + k, [sAttr('tool_name', 'Bash'), sAttr('success', 'false'), sAttr('error', `exit ${k}`)]));
  for (let k = 0; k < 3; k++) alice.push(record(start, 'user_prompt', 500 + k, [sAttr('prompt', 'never read'), int('prompt_length', 10)]));
  alice.push(record(start, 'api_request', undefined, [sAttr('model', 'claude-sonnet-4-5')]), record(start, 'api_request', undefined, [sAttr('model', 'claude-sonnet-4-5')]));
  alice.push(record(start, 'api_request', 600, [sAttr('input_tokens', 'lots')]), record(start, 'api_request', 601, [dbl('cost_usd', -1)]));
  for (let k = 0; k < 10; k++) alice.push({ timeUnixNano: ns(at(start, k)), body: { stringValue: 'some.other.event' }, attributes: [sAttr('x', 'y')] });
  const bob = [];
  for (let k = 0; k < 200; k++) {
    bob.push(record(start, 'api_request', k, [int('event.sequence', k), sAttr('model', 'claude-haiku-4-5'), int('input_tokens', 50), int('cost_usd_micros', 5000)]));
  }
  const resource = (email: string, session: string) => ({
    attributes: [sAttr('service.name', 'claude-code'), sAttr('user.email', email), sAttr('session.id', session)],
  });
  return {
    resourceLogs: [
      { resource: resource('alice@example.com', `T-A${suffix}`), scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: alice }] },
      { resource: resource('bob@example.com', `T-B${suffix}`), scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: bob }] },
    ],
  };
}
