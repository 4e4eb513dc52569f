// The operations feature's public module.
export { operationsFeature } from './operations-feature.js';
