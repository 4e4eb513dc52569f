// The digest feature's public module.
export { digestFeature } from './digest-feature.js';
