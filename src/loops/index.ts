// The loops feature's public module.
export { loopFeature } from './loop-feature.js';
export { teamSessionsMessage } from './sessions-command.js';
// the owners' requests waiting for a decider, and their section of the App Home (queries)
export { pendingDecisionsFor, type PendingDecision, type PendingDecisions } from './pending-requests.js';
export { pendingDecisionBlocks, type PendingDecisionView } from './pending-blocks.js';
