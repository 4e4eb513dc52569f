// Numbered migrations, applied in order, each tracked by PRAGMA user_version.
// To add one: create NNN-name.ts exporting `sql`, append it here. Never edit an applied one.
import { sql as core } from './001-core.js';
import { sql as queryIndexes } from './007-query-indexes.js';
import { sql as benchIndexes } from './009-bench-indexes.js';
import { sql as telemetryCommits } from './010-telemetry-commits.js';
import { sql as billingTruth } from './011-billing-truth.js';
import { sql as afterIngestAndSettle } from './012-after-ingest-and-settle.js';
import { sql as loopExpectedRequests } from './013-loop-expected-requests.js';
import { sql as scopedTokens } from './014-scoped-tokens.js';
import { sql as retention } from './015-retention.js';
import { sql as sessionMetricIndex } from './016-session-metric-index.js';
import { sql as deliveryQuality } from './017-delivery-quality.js';
import { sql as expectedSessions } from './018-expected-sessions.js';
import { sql as pendingExpectRequests } from './019-pending-expect-requests.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  { version: 1, name: 'core', sql: core },
  { version: 7, name: 'query-indexes', sql: queryIndexes },
  { version: 9, name: 'bench-indexes', sql: benchIndexes },
  { version: 10, name: 'telemetry-commits', sql: telemetryCommits },
  { version: 11, name: 'billing-truth', sql: billingTruth },
  { version: 12, name: 'after-ingest-and-settle', sql: afterIngestAndSettle },
  { version: 13, name: 'loop-expected-requests', sql: loopExpectedRequests },
  { version: 14, name: 'scoped-tokens', sql: scopedTokens },
  { version: 15, name: 'retention', sql: retention },
  { version: 16, name: 'session-metric-index', sql: sessionMetricIndex },
  { version: 17, name: 'delivery-quality', sql: deliveryQuality },
  { version: 18, name: 'expected-sessions', sql: expectedSessions },
  { version: 19, name: 'pending-expect-requests', sql: pendingExpectRequests },
];
