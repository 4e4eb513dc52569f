// The ingest features' public module: what the app and other features may use. Everything else in
// src/ingest is theirs alone (eslint.config.js holds this).
export { usageFeature } from './usage-feature.js';
export { deliveryFeature } from './delivery-feature.js';
export { afterIngestIdle, kickAfterIngest, recordAfterIngest } from './after-ingest.js';
export { addMoved, attributeAfterTheFact, noneMoved, type LateTarget, type MovedSpend } from './billing/late-attribution.js';
export { movedLine } from './admin/admin-blocks.js';
export { enabledPollers, POLLER_LAST_SUCCESS } from './providers/pollers.js';
export { probeProviders, type ProviderProbe } from './providers/probe.js';
export { decodeThreadState } from './otlp/log-decoder.js';
