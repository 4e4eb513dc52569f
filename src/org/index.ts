// The org feature's public module.
export { orgFeature } from './org-feature.js';
