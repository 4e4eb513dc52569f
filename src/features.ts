// Every slice of the product, in one list. Add a feature here to wire its routes, listeners,
// subcommands, admin words and jobs into the app (src/feature.ts says what a feature brings).
import type { Feature } from './feature.js';
import { budgetFeature } from './budgets/index.js';
import { digestFeature } from './digest/index.js';
import { deliveryFeature, usageFeature } from './ingest/index.js';
import { loopFeature } from './loops/index.js';
import { orgFeature } from './org/index.js';
import { operationsFeature } from './operations/index.js';
import { qualityFeature } from './quality/index.js';
import { queriesFeature } from './queries/index.js';

export const features: Feature[] = [usageFeature, deliveryFeature, orgFeature, loopFeature, budgetFeature, digestFeature, queriesFeature, qualityFeature, operationsFeature];
