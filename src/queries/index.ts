// The queries feature's public module.
export { queriesFeature } from './queries-feature.js';
