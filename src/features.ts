// Every slice of the product, in one list. Add a feature here to wire its routes, listeners,
// subcommands and jobs into the app.
import type { Feature } from './feature.js';

export const features: Feature[] = [];
