// Every slice of the product, in one list. Add a feature here to wire its routes, listeners,
// subcommands and jobs into the app.
import type { Feature } from './feature.js';
import { deliveryFeature } from './ingest/delivery-feature.js';
import { usageFeature } from './ingest/usage-feature.js';
import { loopFeature } from './loops/loop-feature.js';
import { budgetFeature } from './budgets/budget-feature.js';
import { digestFeature } from './digest/digest-feature.js';
import { queriesFeature } from './queries/queries-feature.js';

export const features: Feature[] = [usageFeature, deliveryFeature, loopFeature, budgetFeature, digestFeature, queriesFeature];
