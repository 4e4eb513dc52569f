// Prometheus metrics (prom-client), served by GET /metrics (src/operations/metrics-route.ts). The
// shared plumbing records what passes through it: ingest routes (src/http/route.ts), /aispend
// subcommands (src/slack/aispend.ts), the outbox's sends (src/slack/outbox.ts). Figures that live in
// the database (outbox depth, pollers' last success) are read when Prometheus scrapes, by gauges that
// features add with `gauge()`. Recording is a few counter increments: nothing on the ingest path waits.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type RecordOutcome = 'accepted' | 'duplicate' | 'too_old' | 'rejected';

export interface GaugeSample {
  labels?: Record<string, string>;
  value: number;
}

export interface Metrics {
  /** an ingest route answered (`reason`: the error code when it refused the request) */
  ingestRequest(route: string, status: number, seconds: number, reason?: string): void;
  /** records (points, events, records) of one ingest request, by what became of them */
  ingestRecords(route: string, outcome: RecordOutcome, n: number): void;
  /** an /aispend subcommand finished (from Slack's request to the answer sent) */
  command(subcommand: string, seconds: number, ok: boolean): void;
  /** the outbox sent a message */
  messageSent(kind: string, key: string, op: string): void;
  /** the outbox gave a message up (Slack refused it for good) */
  messageDropped(kind: string): void;
  /** a gauge whose samples are read at scrape time */
  gauge(name: string, help: string, labelNames: string[], read: () => GaugeSample[]): void;
  /** the text Prometheus scrapes: this app's metrics and the process's */
  render(): Promise<{ contentType: string; text: string }>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processRegistry: Registry | undefined;
/**
 * The process's own metrics (CPU, memory, event loop lag, GC, handles). They describe the process,
 * not one app, and prom-client samples them with process-wide hooks: one set per process, shared by
 * every app built in it (tests build many).
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'aispend_' });
  }
  return processRegistry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'aispend_ingest_requests_total',
    help: 'Ingest and webhook requests answered, by route and HTTP status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'aispend_ingest_rejections_total',
    help: 'Ingest and webhook requests refused as a whole (nothing written), by route and reason',
    labelNames: ['route', 'reason'],
    registers: [registry],
  });
  const records = new Counter({
    name: 'aispend_ingest_records_total',
    help: 'Records, points and events of ingest requests: accepted, duplicate (a replay), too_old (older than RETENTION_DAYS, not counted) or rejected (unusable)',
    labelNames: ['route', 'outcome'],
    registers: [registry],
  });
  const ingestLatency = new Histogram({
    name: 'aispend_ingest_request_duration_seconds',
    help: 'Time from an ingest request to its answer',
    labelNames: ['route'],
    buckets: SECONDS,
    registers: [registry],
  });
  const commandLatency = new Histogram({
    name: 'aispend_command_duration_seconds',
    help: 'Time from an /aispend command to its answer, by subcommand and outcome',
    labelNames: ['subcommand', 'outcome'],
    buckets: SECONDS,
    registers: [registry],
  });
  const sent = new Counter({
    name: 'aispend_slack_messages_sent_total',
    help: 'Messages the bot posted on its own (through the outbox), by kind and operation',
    labelNames: ['kind', 'op'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'aispend_slack_messages_dropped_total',
    help: 'Messages given up because Slack refused them for good (a missing channel, a revoked token)',
    labelNames: ['kind'],
    registers: [registry],
  });
  const digests = new Counter({
    name: 'aispend_digests_sent_total',
    help: 'Weekly digests posted (team and org)',
    registers: [registry],
  });
  const loopAlerts = new Counter({
    name: 'aispend_loop_alerts_sent_total',
    help: 'Loop alerts sent, first alerts and escalations, to the team channel or to the owner',
    labelNames: ['to'],
    registers: [registry],
  });

  return {
    ingestRequest(route, status, seconds, reason) {
      requests.inc({ route, status: String(status) });
      ingestLatency.observe({ route }, seconds);
      if (reason) rejections.inc({ route, reason });
    },
    ingestRecords(route, outcome, n) {
      if (n > 0) records.inc({ route, outcome }, n);
    },
    command(subcommand, seconds, ok) {
      commandLatency.observe({ subcommand, outcome: ok ? 'ok' : 'error' }, seconds);
    },
    messageSent(kind, key, op) {
      sent.inc({ kind, op });
      if (kind === 'digest' && op === 'post') digests.inc();
      // a loop alert is its channel post (or a reply escalating it) and its DM to the owner; the
      // loop_alert kind also carries updates and requests to excuse a session, which are not alerts
      if (kind === 'loop_alert' && (op === 'post' || op === 'dm')) {
        if (key.startsWith('loop:')) loopAlerts.inc({ to: 'channel' });
        else if (key.startsWith('loop-dm:')) loopAlerts.inc({ to: 'owner' });
      }
    },
    messageDropped(kind) {
      dropped.inc({ kind });
    },
    gauge(name, help, labelNames, read) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          for (const s of read()) {
            if (s.labels) this.set(s.labels, s.value);
            else this.set(s.value);
          }
        },
      });
    },
    async render() {
      const merged = Registry.merge([registry, processMetrics()]);
      return { contentType: merged.contentType, text: await merged.metrics() };
    },
  };
}
