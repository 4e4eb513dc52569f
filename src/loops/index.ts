// The loops feature's public module.
export { loopFeature } from './loop-feature.js';
export { teamSessionsMessage } from './sessions-command.js';
