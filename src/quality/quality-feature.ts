// Delivery quality: `/aispend quality [team] [week|month]`. Its figures also show in the weekly digest,
// `/aispend summary`, `me` and the App Home, through index.ts. The signals are written by the delivery
// ingest (src/ingest/delivery/quality-writer.ts).
import type { Feature } from '../feature.js';
import { qualityCommand } from './quality-command.js';

export const qualityFeature: Feature = {
  name: 'quality',
  subcommands: () => [qualityCommand()],
};
