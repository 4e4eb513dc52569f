// The gauges /metrics reads from the database when Prometheus scrapes: the outbox's backlog, each
// enabled poller's last success, the last retention run, the database's size; and the OTLP decode
// thread's state, kept in memory. Cheap reads (indexed or
// a handful of rows), so a scrape every 15 s costs nothing noticeable.
import { statSync } from 'node:fs';
import type { Deps } from '../deps.js';
import { opsRepo } from '../db/repos/ops-repo.js';
import { schemaVersion } from '../db/open.js';
import { decodeThreadState, enabledPollers, POLLER_LAST_SUCCESS } from '../ingest/index.js';
import { lastRetentionRun } from './retention.js';

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export function registerGauges(deps: Deps): void {
  const m = deps.metrics;
  if (!m) return;
  const ops = opsRepo(deps.db);
  m.gauge('aispend_outbox_pending_messages', 'Messages waiting to be posted to Slack (a Slack outage makes it grow)', [], () => [
    { value: ops.outboxBacklog().pending },
  ]);
  m.gauge('aispend_outbox_oldest_pending_age_seconds', 'Age of the oldest message waiting to be posted (0 when none)', [], () => {
    const oldest = ops.outboxBacklog().oldestCreatedAt;
    return [{ value: oldest === null ? 0 : Math.max(0, (deps.clock.now() - oldest) / 1000) }];
  });
  m.gauge('aispend_outbox_dead_messages', 'Messages given up because Slack refused them for good', [], () => [{ value: ops.outboxBacklog().dead }]);
  m.gauge(
    'aispend_poller_last_success_timestamp_seconds',
    'When each enabled provider poller last completed a run without error (0: not yet)',
    ['poller'],
    () => {
      const done = ops.settingsWithPrefix(POLLER_LAST_SUCCESS);
      return enabledPollers(deps).map((poller) => ({ labels: { poller }, value: Number(done.get(poller) ?? 0) / 1000 }));
    },
  );
  m.gauge('aispend_retention_last_run_timestamp_seconds', 'When retention last completed a run (0: not yet)', [], () => [
    { value: (lastRetentionRun(deps)?.at ?? 0) / 1000 },
  ]);
  m.gauge('aispend_retention_days', 'RETENTION_DAYS: raw records are kept this long', [], () => [{ value: deps.config.retentionDays }]);
  m.gauge('aispend_database_size_bytes', 'Size of the SQLite database on disk, write-ahead log included', [], () => [
    { value: fileSize(deps.config.databasePath) + fileSize(`${deps.config.databasePath}-wal`) },
  ]);
  m.gauge('aispend_database_free_bytes', 'Space inside the database file that deleted rows left free (reused before the file grows)', [], () => {
    const p = ops.pageStats();
    return [{ value: p.freePages * p.pageSize }];
  });
  m.gauge(
    'aispend_otlp_decode_thread_up',
    'Whether OTLP logs exports of 64 KB or more are read on the decode thread (0: it failed 3 times in a row; they are read on the main thread until restart)',
    [],
    () => [{ value: decodeThreadState().up ? 1 : 0 }],
  );
  m.gauge('aispend_otlp_decode_thread_failures', 'Times the OTLP decode thread failed since start (the exports it held were read on the main thread)', [], () => [
    { value: decodeThreadState().failures },
  ]);
  m.gauge('aispend_schema_version', 'Schema version of the database (PRAGMA user_version)', [], () => [{ value: schemaVersion(deps.db) }]);
}
