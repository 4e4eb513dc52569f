// The quality feature's public module: the feature, the figures of a scope and period, and the one
// line other features show (digest, summary, me, App Home).
export { qualityFeature } from './quality-feature.js';
export { gatherQuality, type QualityScope } from './quality-service.js';
export { qualityLine, rateText } from './quality-text.js';
export { QUALITY_WINDOW_DAYS, RATE_FLOOR, type QualityFigures, type Rate, type Split } from './quality-figures.js';
