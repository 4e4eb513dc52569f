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
